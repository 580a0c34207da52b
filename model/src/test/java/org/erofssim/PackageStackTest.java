package org.erofssim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The rules of {@link PackageStack} bite: a package cycle and an upward use each fail them. */
class PackageStackTest {
    @Test
    void aCycleBetweenTwoPackagesFailsTheCycleRule() {
        JavaClasses cyclic = new ClassFileImporter().importPackages(PackageStack.ROOT + ".archfixture");
        assertThatThrownBy(() -> PackageStack.NO_PACKAGE_CYCLES.check(cyclic))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("archfixture.a")
                .hasMessageContaining("archfixture.b");
    }

    @Test
    void anUpwardUseFailsTheLayerRule() throws ClassNotFoundException {
        JavaClasses upward = new ClassFileImporter().importClasses(
                Class.forName(PackageStack.ROOT + ".sb.UpwardUseFixture"), org.erofssim.mount.MountModel.class);
        assertThatThrownBy(() -> PackageStack.layers().withOptionalLayers(true).check(upward))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("was violated (1 times)")
                .hasMessageContaining("UpwardUseFixture")
                .hasMessageContaining("org.erofssim.mount.MountModel");
    }

    @Test
    void theSameClassesWithoutTheUpwardUsePassTheLayerRule() {
        JavaClasses downward = new ClassFileImporter().importClasses(
                org.erofssim.mount.MountModel.class, org.erofssim.sb.SbInfo.class);
        assertThatCode(() -> PackageStack.layers().withOptionalLayers(true).check(downward)).doesNotThrowAnyException();
    }
}
