package org.erofssim.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/** A small builder of scenarios for tests: nodes, then one mount. */
public final class Scenarios {
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<ConfigFlag, Boolean> config = new LinkedHashMap<>();
    private final List<Scenario.Mount> before = new java.util.ArrayList<>();
    private KernelProfile kernel = Releases.DEFAULT;
    private boolean readOnly = true;
    private boolean read;

    /** A scenario on {@link #profile(String) profile(kernel)}. */
    public static Scenarios on(String kernel) {
        return on(profile(kernel));
    }

    /**
     * The preset a name resolves to ({@link Releases#resolve}, e.g. {@code "6.18"}), or, for the
     * regression tests named after a commit, that preset minus upstream changes:
     * {@code "6.18 -READDIR_FAILED_MESSAGE"}.
     */
    public static KernelProfile profile(String kernel) {
        String[] parts = kernel.split(" -");
        if (parts.length == 1) {
            return Releases.resolve(kernel).profile();
        }
        KernelProfile.Builder b = Releases.resolve(parts[0]).profile().toBuilder();
        for (int i = 1; i < parts.length; i++) {
            b.without(Behavior.valueOf(parts[i]));
        }
        return b.build();
    }

    /** A scenario on this profile, e.g. a preset {@code without} one commit. */
    public static Scenarios on(KernelProfile kernel) {
        Scenarios s = new Scenarios();
        s.kernel = kernel;
        return s;
    }

    public Scenarios file(String path, byte[] image) {
        return file(path, image, BackingFs.EXT4);
    }

    public Scenarios file(String path, byte[] image, BackingFs fs) {
        nodes.put(path, new Node.RegularFile(ImageBytes.of(image), fs));
        return this;
    }

    public Scenarios bdev(String path, byte[] image, String dev, boolean ro, int logicalBlockSize) {
        nodes.put(path, new Node.BlockDevice(ImageBytes.of(image), DevT.parse(dev), ro, logicalBlockSize, false));
        return this;
    }

    public Scenarios node(String path, Node node) {
        nodes.put(path, node);
        return this;
    }

    public Scenarios config(ConfigFlag flag, boolean value) {
        config.put(flag, value);
        return this;
    }

    public Scenarios readWrite() {
        readOnly = false;
        return this;
    }

    public Scenarios read() {
        read = true;
        return this;
    }

    public Scenarios before(String source, String options) {
        before.add(new Scenario.Mount(source, options, true));
        return this;
    }

    public Scenario mount(String source, String options) {
        KernelConfig kc = new KernelConfig(kernel, config);
        return Scenario.builder().name("test").kernel(kc).namespace(new VirtualNamespace(nodes)).source(source)
                .options(options).readOnly(readOnly).before(before).read(read).build();
    }
}
