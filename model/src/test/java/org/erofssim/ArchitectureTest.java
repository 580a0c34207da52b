package org.erofssim;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The model's main classes keep the package stack of {@link PackageStack}. */
@AnalyzeClasses(packages = PackageStack.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule noPackageCycles = PackageStack.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule layers = PackageStack.LAYERS;
}
