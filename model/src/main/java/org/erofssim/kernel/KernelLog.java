package org.erofssim.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The lines one mount attempt adds to the kernel log ({@code dmesg}), in order, without
 * timestamps, exactly as the kernel formats them for the profile in use (spec §0.4).
 */
public final class KernelLog {
    private final List<String> lines = new ArrayList<>();

    public void print(String line) {
        lines.add(line);
    }

    public List<String> lines() {
        return Collections.unmodifiableList(lines);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }
}
