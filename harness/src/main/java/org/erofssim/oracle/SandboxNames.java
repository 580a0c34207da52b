package org.erofssim.oracle;

import java.nio.file.Path;

/**
 * What {@link LogFilter} needs to know of the sandbox an observation ran in: its folders and its
 * loop devices. A {@link Sandbox} of this JVM is one; {@link NativeObservation} makes one from
 * what the native guest runner reported of its own sandbox, so both paths map names the same way.
 */
interface SandboxNames {
    /** The sandbox folder ({@code /tmp/erofs-sim-live-...}). */
    Path dir();

    /** The folder that stands for the scenario's {@code /}. */
    Path root();

    /** True for a loop device the sandbox attached. */
    boolean ownsLoop(String name);

    /** True for a loop device the sandbox made for a scenario bdev node. */
    boolean isScenarioLoop(String name);

    /** The scenario's name of a real loop device ({@code loop0}), or null. */
    String scenarioLoopName(String realName);
}
