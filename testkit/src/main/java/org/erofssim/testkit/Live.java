package org.erofssim.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class, nested class or test method that needs the running machine as an oracle:
 * it mounts, creates loop devices, runs the host kernel's live oracle or boots a kernel in QEMU.
 *
 * <p>It carries the tag {@value #TAG} for both test engines (JUnit Jupiter's {@code @Tag} and
 * jqwik's {@code @Tag}, so it works on {@code @Test} classes and on {@code @Property} classes).
 * Surefire's {@code test} phase excludes the tag, so {@code mvn test} is hermetic even as root;
 * Failsafe runs the tagged tests in {@code integration-test}/{@code verify} (the parent pom).
 * {@code LiveTagGuardTest} (properties module) fails when a test that reaches a live oracle
 * lacks it, and the test phase also switches the live oracles off ({@code -Derofssim.live=off}),
 * so an untagged live test skips there, or fails under {@code -Derofssim.requireOracles=true}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Live.TAG)
@net.jqwik.api.Tag(Live.TAG)
public @interface Live {
    /** The tag Surefire excludes and Failsafe selects. */
    String TAG = "live";
}
