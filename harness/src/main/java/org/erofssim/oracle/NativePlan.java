package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelError;

/**
 * The host side of the native guest runner ({@code vm/guest-runner.c}): which scenarios it can
 * observe as faithfully as {@link LiveKernelOracle} ({@link #unsupported}), and the plan lines
 * that tell it one scenario ({@link Writer#add}). A scenario it cannot observe goes to the guest
 * JVM, which runs the live oracle itself; the runner never answers a case it does not realise
 * the way the oracle would.
 *
 * <p>What the runner does: the namespace's regular files (on the sandbox's own file system, or
 * on a tmpfs, ramfs, procfs, overlay or erofs of their own bind-mounted at their paths, as
 * {@code Sandbox.realiseFilesOn} makes them), block devices with an image (a loop device each,
 * read-only and logical block size as the node says), directories, symlinks, harmless character
 * devices; earlier mounts ({@code before}); {@code mount(2)} or the new mount API; the tree walk
 * with {@code read(2)} calls of the scenario's size. Not: fscache blobs, FIFOs, sockets, unbound
 * or {@code nodev} or DAX block devices, injected faults, the {@code extents}, {@code probeCache}
 * and {@code mmap} probes, and anything {@link LiveRefusals#unrealisable} refuses (the guest JVM
 * answers those with its reasons).
 */
public final class NativePlan {
    private NativePlan() {}

    /** Why the native runner does not observe {@code sc} (one line), or null when it does. */
    public static String unsupported(Scenario sc) {
        if (LiveRefusals.unrealisable(sc) != null) {
            return "unrealisable in a sandbox (the live oracle says why)";
        }
        if (sc.extents() || sc.probeCache() || sc.mmap()) {
            return "the extents, probeCache and mmap probes are the JVM oracle's";
        }
        if (sc.before().size() > 8) {
            return "more than 8 earlier mounts";
        }
        if (sc.namespace().nodes().size() > 64) {
            return "more than 64 nodes";
        }
        for (Map.Entry<String, Node> e : sc.namespace().nodes().entrySet()) {
            Node n = e.getValue();
            String why;
            if (n instanceof Node.RegularFile f) {
                // a file on procfs is /proc/version bound at its path: its bytes are never read
                why = f.bytes() == null ? "a file without bytes" : f.fs() == BackingFs.PROC ? null : faulty(f.bytes());
            } else if (n instanceof Node.BlockDevice b) {
                why = b.bytes() == null ? "an unbound block device" : b.dax() ? "a DAX block device"
                        : b.nodev() ? "a block device on a nodev mount" : faulty(b.bytes());
            } else if (n instanceof Node.Directory || n instanceof Node.Symlink) {
                why = null;
            } else if (n instanceof Node.CharDevice c) {
                why = LiveRefusals.HARMLESS_CHARDEVS.contains(c.dev() != null ? c.dev().toString() : "1:3")
                        ? null : "a character device the oracle refuses";
            } else {
                why = "a node of kind " + n.kind();
            }
            if (why != null) {
                return "node " + e.getKey() + ": " + why;
            }
        }
        return null;
    }

    /** An answer the guest would give without observing anything: its exit status and one-line error. */
    public record Answer(int exit, String error) {}

    /**
     * What {@code erofs-sim observe} in a guest without {@code /proc/config.gz} (every Debian
     * kernel of the matrix) answers for {@code sc} before it mounts anything, or null when it
     * would observe it: exit 2 for a scenario no sandbox can realise, exit 77 for one the live
     * oracle refuses ({@link LiveRefusals#refusal} with no CONFIG to check: fscache blobs, DAX,
     * FIFOs, unknown character devices) or whose images hold injected read faults (the error of
     * {@code Sandbox.writeImage} for the first such node it would write). The same texts as the
     * guest JVM's; the boot then needs no JVM for these.
     */
    public static Answer hostAnswer(Scenario sc) {
        String unrealisable = LiveRefusals.unrealisable(sc);
        if (unrealisable != null) {
            return new Answer(2, "erofs-sim observe: scenario refused by the kernel oracle: " + unrealisable);
        }
        String refusal = LiveRefusals.refusal(sc, true, null);
        if (refusal != null) {
            return new Answer(77, "erofs-sim observe: scenario refused by the kernel oracle: " + refusal);
        }
        // Sandbox.realise writes the files on its own ext4 in path order, then the bound block
        // devices' images, then the files on other file systems kind by kind (BackingFs's order),
        // each kind in path order; a file on procfs is never written (/proc/version is bound there)
        Map<String, Node> sorted = new TreeMap<>(sc.namespace().nodes());
        List<Map.Entry<String, ImageBytes>> writes = new java.util.ArrayList<>();
        for (Map.Entry<String, Node> e : sorted.entrySet()) {
            if (e.getValue() instanceof Node.RegularFile f && (f.fs() == null || f.fs() == BackingFs.EXT4)) {
                writes.add(Map.entry(e.getKey(), f.bytes()));
            }
        }
        for (Map.Entry<String, Node> e : sorted.entrySet()) {
            if (e.getValue() instanceof Node.BlockDevice b && b.bytes() != null) {
                writes.add(Map.entry(e.getKey(), b.bytes()));
            }
        }
        for (BackingFs fs : BackingFs.values()) {
            if (fs == BackingFs.EXT4 || fs == BackingFs.PROC) {
                continue;
            }
            for (Map.Entry<String, Node> e : sorted.entrySet()) {
                if (e.getValue() instanceof Node.RegularFile f && f.fs() == fs) {
                    writes.add(Map.entry(e.getKey(), f.bytes()));
                }
            }
        }
        for (Map.Entry<String, ImageBytes> w : writes) {
            if (w.getValue() != null && !readsInFull(w.getValue())) {
                return new Answer(77, "erofs-sim observe: kernel oracle unavailable: node " + w.getKey()
                        + ": injected read faults cannot be realised on a real kernel");
            }
        }
        return null;
    }

    /** Whether the bytes read in full, as {@code Sandbox.writeImage} reads them (1 MiB at a time). */
    private static boolean readsInFull(ImageBytes bytes) {
        if (bytes.faults() == null || bytes.faults().isEmpty()) {
            return true;
        }
        byte[] buf = new byte[1 << 20];
        long size = bytes.size();
        for (long pos = 0; pos < size; ) {
            int want = (int) Math.min(buf.length, size - pos);
            try {
                if (bytes.read(pos, buf, 0, want) < want) {
                    return false;
                }
            } catch (KernelError e) {
                return false;
            }
            pos += want;
        }
        return true;
    }

    private static String faulty(ImageBytes b) {
        return b.faults() != null && !b.faults().isEmpty() ? "injected faults" : null;
    }

    /**
     * Plan lines for a batch, and the pack their nodes' bytes are in: every distinct image once,
     * back to back, in one file the runner reads at its start (one sequential read over 9p).
     */
    public static final class Writer {
        static final String PACK = "images.pack";
        private final Path pack;
        private final StringBuilder plan = new StringBuilder();
        private final Map<ImageBytes, String> byIdentity = new IdentityHashMap<>();
        private final Map<String, String> byContent = new TreeMap<>();
        private long packSize;

        /** @param images a folder the guest can read (not under {@code /tmp}: the guest has its own) */
        public Writer(Path images) {
            this.pack = images.resolve(PACK);
            try {
                Files.deleteIfExists(pack);
                Files.createFile(pack);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The plan so far. */
        public String plan() {
            return "P " + hex(pack.toString()) + " " + packSize + "\n" + plan;
        }

        /**
         * Adds one scenario ({@link #unsupported} must be null for it).
         *
         * @throws OracleUnavailable when a node's bytes cannot be read in full (faults)
         */
        public void add(String name, Scenario sc) {
            StringBuilder p = new StringBuilder();
            p.append("C ").append(hex(name)).append(' ').append(hex(sc.source())).append(' ').append(hex(sc.options()))
                    .append(' ').append(sc.readOnly() ? 1 : 0).append(' ').append(sc.api() == Scenario.MountApi.FSOPEN ? 1 : 0)
                    .append(' ').append(sc.read() ? 1 : 0).append(' ').append(sc.readSize()).append('\n');
            for (Map.Entry<String, Node> e : new TreeMap<>(sc.namespace().nodes()).entrySet()) {
                String path = hex(e.getKey());
                Node n = e.getValue();
                if (n instanceof Node.RegularFile f) {
                    // a file on procfs is /proc/version bound at its path: no bytes of its own
                    p.append("N f ").append(path).append(' ').append(f.fs() == BackingFs.PROC ? "0:0" : file(f.bytes(), e.getKey()));
                    if (f.fs() != null && f.fs() != BackingFs.EXT4) {
                        p.append(' ').append(f.fs().contractName());
                    }
                } else if (n instanceof Node.BlockDevice b) {
                    p.append("N b ").append(path).append(' ').append(file(b.bytes(), e.getKey())).append(' ')
                            .append(b.readOnly() ? 1 : 0).append(' ').append(b.logicalBlockSize());
                } else if (n instanceof Node.Directory) {
                    p.append("N d ").append(path);
                } else if (n instanceof Node.Symlink s) {
                    p.append("N l ").append(path).append(' ').append(hex(s.target()));
                } else if (n instanceof Node.CharDevice c) {
                    p.append("N c ").append(path).append(' ').append(c.dev() != null ? c.dev().major() : 1).append(' ')
                            .append(c.dev() != null ? c.dev().minor() : 3);
                } else {
                    throw new IllegalArgumentException("node " + e.getKey() + ": not for the native runner");
                }
                p.append('\n');
            }
            for (Scenario.Mount m : sc.before()) {
                p.append("B ").append(hex(m.source())).append(' ').append(hex(m.options())).append(' ')
                        .append(m.readOnly() ? 1 : 0).append('\n');
            }
            plan.append(p).append("E\n");
        }

        /** The bytes of a node as {@code OFFSET:LENGTH} in the pack (what Sandbox.writeImage would write). */
        private String file(ImageBytes bytes, String key) {
            String known = byIdentity.get(bytes);
            if (known != null) {
                return known;
            }
            try {
                long size = bytes.size();
                if (size > Integer.MAX_VALUE - 16) {
                    throw new OracleUnavailable("node " + key + ": an image over 2 GiB is the JVM oracle's");
                }
                byte[] all = new byte[(int) size];
                int n;
                try {
                    n = size == 0 ? 0 : bytes.read(0, all, 0, all.length);
                } catch (KernelError e) {
                    throw new OracleUnavailable("node " + key + ": injected read faults cannot be realised on a real kernel");
                }
                if (n < all.length) {
                    throw new OracleUnavailable("node " + key + ": injected read faults cannot be realised on a real kernel");
                }
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all));
                String at = byContent.get(sha);
                if (at == null) {
                    Files.write(pack, all, java.nio.file.StandardOpenOption.APPEND);
                    at = packSize + ":" + all.length;
                    packSize += all.length;
                    byContent.put(sha, at);
                }
                byIdentity.put(bytes, at);
                return at;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A string as the plan writes it: hex of its UTF-8 bytes, {@code -} for null, {@code =} for empty. */
    static String hex(String s) {
        if (s == null) {
            return "-";
        }
        return s.isEmpty() ? "=" : HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
