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
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfiles;

/** A small builder of scenarios for tests: nodes, then one mount. */
public final class Scenarios {
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<ConfigFlag, Boolean> config = new LinkedHashMap<>();
    private final List<Scenario.Mount> before = new java.util.ArrayList<>();
    private String kernel = "6.18";
    private boolean readOnly = true;
    private boolean read;

    public static Scenarios on(String kernel) {
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
        KernelConfig kc = new KernelConfig(KernelProfiles.byName(kernel).orElseThrow(), config);
        return Scenario.builder().name("test").kernel(kc).namespace(new VirtualNamespace(nodes)).source(source)
                .options(options).readOnly(readOnly).before(before).read(read).build();
    }
}
