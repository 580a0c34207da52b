package org.erofssim;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.erofssim.cli.Main;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The harness's packages depend on each other one way only (issue 8: "a test fails on any
 * package cycle"). Every package is its own slice, sub-packages included ({@code oracle} and
 * {@code oracle.utils} are two). Only the harness's own classes are imported (the folder or jar
 * {@link Main} was loaded from), so the model's packages are checked by the model's own test.
 */
@DisplayName("harness packages have no cycles")
class HarnessPackageCyclesTest {
    static JavaClasses harness() throws URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(classes);
    }

    @Test
    @DisplayName("no cycle between any two harness packages (each package one slice)")
    void noPackageCycles() throws URISyntaxException {
        JavaClasses classes = harness();
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : classes) {
            packages.add(c.getPackageName());
        }
        // the rule must have something to check: the command line, the oracle, the references at least
        assertThat(packages).contains("org.erofssim.cli", "org.erofssim.oracle", "org.erofssim.reference",
                "org.erofssim.fuzz", "org.erofssim.compare");
        System.out.println("[arch] " + classes.size() + " classes in " + packages.size() + " packages: " + packages);
        slices().matching("org.erofssim.(**)").should().beFreeOfCycles().check(classes);
    }
}
