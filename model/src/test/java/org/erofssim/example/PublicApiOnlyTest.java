package org.erofssim.example;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The example ({@link PublicApiExampleTest}) uses only the model's public API: every class of
 * {@code org.erofssim} it touches is marked {@code @API}, or nested in a class that is.
 */
@DisplayName("The example uses only types marked @API")
class PublicApiOnlyTest {
    static boolean marked(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (k.isAnnotatedWith(API.class)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void onlyPublicApi() {
        var imported = new ClassFileImporter().importPackages("org.erofssim.example");
        classes().that().haveSimpleNameStartingWith("PublicApiExample")
                .should().onlyDependOnClassesThat(new DescribedPredicate<JavaClass>("are outside org.erofssim or marked @API") {
                    @Override
                    public boolean test(JavaClass c) {
                        return !c.getPackageName().startsWith("org.erofssim") || c.getPackageName().equals("org.erofssim.example")
                                || marked(c);
                    }
                })
                .check(imported);
    }
}
