package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * Writes a {@link Scenario} as a scenario file of the harness contract, in the format
 * {@link ScenarioJson} reads: reading the file gives back an equal scenario (same fields, same
 * nodes, image bytes and faults equal by content), so a scenario built in memory (by
 * {@code matrix}, a test) can be handed to anything that takes scenario files, such as the VM
 * oracle's guest.
 *
 * <p>Every field is written out, defaults included, so the file does not depend on the reader's
 * defaults; device numbers are explicit ({@code "dev"}). A node's bytes are written as an image
 * file next to the scenario ({@link #imagesInto}): {@code image-<first 16 hex digits of their
 * SHA-256>.img}, one file per distinct content, the injected {@link Faults} as the node's
 * {@code "faults"}.
 *
 * <p>What a scenario file cannot say is refused with an {@link IllegalArgumentException}: a
 * profile that is not a modelled release ({@code "kernel"} names a release, so a profile built
 * with {@code toBuilder().without(...)} has no file form), or a non-default {@code readSize}
 * with {@code mmap}.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public final class ScenarioJsonWriter {
    private ScenarioJsonWriter() {}

    /**
     * Writes {@code s} to {@code file} (UTF-8, pretty-printed) and its images next to it, in
     * the file's folder (created when missing).
     *
     * @return {@code file}
     */
    public static Path write(Scenario s, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            ObjectNode tree = toTree(s, imagesInto(dir));
            Files.writeString(file, JsonFields.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n",
                    StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Image names for {@link #toTree}: writes each node's bytes (without its faults) into
     * {@code dir} once per content and answers the file name relative to {@code dir}. The same
     * {@link ImageBytes} object is hashed once.
     */
    public static Function<ImageBytes, String> imagesInto(Path dir) {
        Map<ImageBytes, String> seen = new IdentityHashMap<>();
        return bytes -> seen.computeIfAbsent(bytes, b -> writeImage(dir, b));
    }

    private static String writeImage(Path dir, ImageBytes b) {
        try {
            Path tmp = Files.createTempFile(dir, ".image-", ".partial");
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] buf = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (long pos = 0; pos < b.size(); ) {
                    int n = b.read(pos, buf, 0, (int) Math.min(buf.length, b.size() - pos));
                    if (n <= 0) {
                        break; // a source that ends early: the file holds what it gives
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    pos += n;
                }
            }
            String name = "image-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".img";
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target) && Files.size(target) == Files.size(tmp)) {
                Files.delete(tmp); // the same content written before
            } else {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The scenario as the contract's JSON object; {@code imagePath} names the file that holds a
     * node's bytes (called with the bytes without faults), relative to where the scenario file
     * will be or absolute.
     */
    public static ObjectNode toTree(Scenario s, Function<ImageBytes, String> imagePath) {
        Objects.requireNonNull(imagePath, "imagePath");
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("version", ScenarioJson.VERSION);
        o.put("name", s.name());
        o.put("kernel", release(s.kernel().profile()));
        ObjectNode cfg = config(s.kernel());
        if (!cfg.isEmpty()) {
            o.set("config", cfg);
        }
        ObjectNode nodes = o.putObject("nodes");
        new TreeMap<>(s.namespace().nodes()).forEach((path, node) -> nodes.set(path, node(node, imagePath)));
        if (s.source() != null) {
            o.put("source", s.source());
        }
        if (s.options() != null) {
            o.put("options", s.options());
        }
        o.set("flags", flags(s.readOnly()));
        if (!s.before().isEmpty()) {
            ArrayNode before = o.putArray("before");
            for (Scenario.Mount m : s.before()) {
                ObjectNode b = before.addObject();
                if (m.source() != null) {
                    b.put("source", m.source());
                }
                if (m.options() != null) {
                    b.put("options", m.options());
                }
                b.set("flags", flags(m.readOnly()));
            }
        }
        o.put("read", s.read());
        o.put("extents", s.extents());
        o.put("probeCache", s.probeCache());
        o.put("api", s.api().json());
        if (s.readSize() != Scenario.DEFAULT_READ_SIZE) {
            if (s.mmap()) {
                throw new IllegalArgumentException("scenario " + s.name() + ": readSize " + s.readSize()
                        + " with mmap has no file form (the reader refuses readSize with \"mmap\": true)");
            }
            o.put("readSize", s.readSize());
        }
        o.put("mmap", s.mmap());
        return o;
    }

    /** The text {@link #write} puts in a file, with images named by {@code imagePath}. */
    public static String toJson(Scenario s, Function<ImageBytes, String> imagePath) {
        try {
            return JsonFields.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(s, imagePath));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The release a scenario's {@code "kernel"} names; only a profile the reader resolves back to. */
    private static String release(KernelProfile p) {
        KernelProfile back;
        try {
            back = Releases.resolve(p.release()).profile();
        } catch (Releases.UnknownRelease e) {
            back = null;
        }
        if (!p.equals(back)) {
            throw new IllegalArgumentException("kernel profile " + p.release()
                    + " is not a modelled release (a changed profile has no scenario-file form)");
        }
        return p.release();
    }

    /** The CONFIG symbols whose value differs from the profile's default ones. */
    private static ObjectNode config(KernelConfig k) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        Map<ConfigFlag, Boolean> dflt = k.profile().defaultConfig();
        for (Map.Entry<ConfigFlag, Boolean> e : k.config().entrySet()) {
            if (!Objects.equals(dflt.get(e.getKey()), e.getValue())) {
                cfg.put(e.getKey().symbol(), e.getValue());
            }
        }
        return cfg;
    }

    private static ArrayNode flags(boolean readOnly) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        if (readOnly) {
            a.add("ro");
        }
        return a;
    }

    private static ObjectNode node(Node node, Function<ImageBytes, String> imagePath) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("kind", node.kind());
        if (node instanceof Node.BlockDevice d) {
            bytes(n, d.bytes(), imagePath);
            n.put("dev", d.dev().toString());
            n.put("readOnly", d.readOnly());
            n.put("logicalBlockSize", d.logicalBlockSize());
            n.put("dax", d.dax());
            n.put("nodev", d.nodev());
        } else if (node instanceof Node.RegularFile r) {
            bytes(n, r.bytes(), imagePath);
            n.put("fs", r.fs().contractName());
        } else if (node instanceof Node.FscacheBlob b) {
            bytes(n, b.bytes(), imagePath);
            n.put("daemon", b.daemon().contractName());
            n.put("pastEnd", b.pastEnd().contractName());
        } else if (node instanceof Node.CharDevice c) {
            n.put("dev", c.dev().toString());
        } else if (node instanceof Node.Symlink l) {
            n.put("target", l.target());
        } // dir, fifo, socket: the kind alone
        return n;
    }

    /**
     * {@code "image"} (omitted for an empty file or blob, which the reader gives when there is
     * none) and {@code "faults"}.
     */
    private static void bytes(ObjectNode n, ImageBytes bytes, Function<ImageBytes, String> imagePath) {
        if (bytes == null) {
            return; // an unbound bdev
        }
        ImageBytes clean = bytes.withoutFaults();
        if (clean.size() > 0 || n.get("kind").asText().equals("bdev")) {
            n.put("image", imagePath.apply(clean));
        }
        Faults faults = bytes.faults();
        if (!faults.isEmpty()) {
            ObjectNode fo = n.putObject("faults");
            faults.byPage().forEach((page, kind) -> fo.put(Long.toString(page), kind.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }
}
