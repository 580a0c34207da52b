package org.erofssim;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * No cycle between any two packages under {@code org.erofssim} across the shipped modules
 * (model, reports, harness: their main classes, one slice per full package name). The model's
 * own layer order is checked in the model ({@code ArchitectureTest}, {@code PackageStack});
 * this test sees the modules above it too. The one known exception, {@code kernel ->
 * kernel.profiles}, goes when the profiles rewrite (issue 8 item 2) lands.
 */
@AnalyzeClasses(packages = "org.erofssim", importOptions = ImportOption.DoNotIncludeTests.class)
class AllModulesArchitectureTest {
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.erofssim.(**)")
            .should().beFreeOfCycles()
            .ignoreDependency(resideInAPackage("org.erofssim.kernel"), resideInAPackage("org.erofssim.kernel.profiles"))
            .as("no cycle between packages under org.erofssim, in any module");
}
