package org.erofssim.oracle.utils;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;

/**
 * The model's view of a built image: a file-backed mount of it on a modelled kernel, its
 * extra devices passed with {@code device=} (as fsck.erofs and dump.erofs get them with
 * {@code --device}).
 */
public final class ModelMount {
    /** Where the image sits in the virtual namespace. */
    public static final String IMAGE = "/oracle/image.erofs";

    private ModelMount() {}

    /** The scenario: image file on ext4, devices {@code /oracle/device1.erofs}..., read-only mount. */
    public static Scenario scenario(Path image, List<Path> devices, KernelProfile kernel, boolean read) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        nodes.put(IMAGE, new Node.RegularFile(ImageBytes.map(image), BackingFs.EXT4));
        StringBuilder options = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            String p = "/oracle/device" + (i + 1) + ".erofs";
            nodes.put(p, new Node.RegularFile(ImageBytes.map(devices.get(i)), BackingFs.EXT4));
            options.append(options.length() == 0 ? "" : ",").append("device=").append(p);
        }
        return Scenario.builder().name("erofs-utils oracle").kernel(KernelConfig.of(kernel))
                .namespace(new VirtualNamespace(nodes)).source(IMAGE).options(options.toString()).read(read).build();
    }

    /** {@link MountModel#predict} of {@link #scenario} on the newest modelled kernel. */
    public static MountOutcome predict(Mkfs.Built built, boolean read) {
        return predict(built, Releases.DEFAULT, read);
    }

    /** {@link MountModel#predict} of {@link #scenario} on {@code kernel}. */
    public static MountOutcome predict(Mkfs.Built built, KernelProfile kernel, boolean read) {
        return MountModel.predict(scenario(built.image(), built.devices(), kernel, read));
    }
}
