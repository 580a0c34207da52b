package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.kernel.KernelError;

/**
 * A private folder {@code /tmp/erofs-sim-live-XXXX} in which one scenario's namespace is built
 * for real, and everything the build created (mounts, loop devices), released by {@link #close()}.
 *
 * <pre>
 *   journal        resources created, one per line (see {@link Journal})
 *   root/          the scenario's namespace: /srv/a.erofs is root/srv/a.erofs
 *   store/         image copies behind loop devices, wrapper images
 *   fs/&lt;kind&gt;/     filesystems mounted for file nodes whose "fs" is not the sandbox's own
 *   mnt/           mount points of the scenario's mounts
 * </pre>
 */
final class Sandbox implements AutoCloseable, SandboxNames {
    static final long EXT4_MAGIC = 0xEF53L;
    private static final int MKFS_TIMEOUT_SECONDS = 120;
    /** Tests: put ext4 files on an ext4 of the sandbox's own even when the sandbox is on ext4. */
    static volatile boolean forceOwnExt4;

    final Path dir;
    final Path root;
    final Path store;
    final Path fsDir;
    final Path mnt;
    private final Journal journal;

    /** Mount points this sandbox mounted on, in order. */
    private final List<String> mounts = new ArrayList<>();
    /** Loop devices bound by this sandbox: number → the descriptor held open until release. */
    private final Map<Integer, Integer> loopFds = new LinkedHashMap<>();
    /** Loop devices created unbound with LOOP_CTL_ADD. */
    private final List<Integer> addedLoops = new ArrayList<>();
    private int loopCtl = -1;
    private int counter;

    /** Real block device name (loop12) → the scenario's name for it (loop0: its path's last component). */
    final Map<String, String> bdevNames = new TreeMap<>();
    /** Real block device number (7:12) → the scenario's number for it. */
    final Map<String, DevT> bdevDevs = new TreeMap<>();
    /** Scenario bdev path (with an image) → the image file behind its loop device. */
    final Map<String, Path> bdevImages = new TreeMap<>();
    /** Oracle-side remarks on how the scenario was realised. */
    final List<String> notes = new ArrayList<>();
    /** Whether images are fsync'ed once written (their page cache is then clean and can be evicted). */
    private boolean syncImages;

    private Sandbox(Path dir) {
        this.dir = dir;
        this.root = dir.resolve("root");
        this.store = dir.resolve("store");
        this.fsDir = dir.resolve("fs");
        this.mnt = dir.resolve("mnt");
        this.journal = Journal.create(dir);
    }

    /** Creates a fresh sandbox folder under {@code tmp} (mode 0700, like mkdtemp). */
    static Sandbox create(Path tmp) {
        try {
            Path d = Files.createTempDirectory(tmp, Journal.PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))).toRealPath();
            Sandbox s = new Sandbox(d);
            s.registerShutdownHook();
            for (Path p : List.of(s.root, s.store, s.fsDir, s.mnt)) {
                Files.createDirectory(p);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ paths

    /** The real path of a scenario path: absolute ones below {@code root}, relative ones from it. */
    String real(String scenarioPath) {
        if (scenarioPath == null || scenarioPath.isEmpty()) {
            return scenarioPath;
        }
        return scenarioPath.startsWith("/") ? root + scenarioPath : root + "/" + scenarioPath;
    }

    /** A mount-option string with every {@code device=} and {@code source=} value made real. */
    String realOptions(String options) {
        return realOptions(options, false);
    }

    /**
     * {@link #realOptions(String)}, but with {@code cookies} the {@code device=} values are kept
     * as written: in fscache mode they name cookies of the volume (the daemon's cookie keys), not
     * paths.
     */
    String realOptions(String options, boolean cookies) {
        if (options == null || options.isEmpty()) {
            return options;
        }
        String[] parts = options.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            for (String key : cookies ? List.of("source=") : List.of("device=", "source=")) {
                if (parts[i].startsWith(key) && parts[i].length() > key.length()) {
                    parts[i] = key + real(parts[i].substring(key.length()));
                }
            }
        }
        return String.join(",", parts);
    }

    /** A fresh mount point {@code mnt/<name>}. */
    String mountPoint(String name) {
        Path p = mnt.resolve(name);
        try {
            Files.createDirectory(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.toString();
    }

    // ------------------------------------------------------------------ mounts

    /** mount(2), journalled first; a successful mount is released by {@link #close()}. */
    void mount(String source, String target, String fstype, long flags, String data) {
        refuseWhenSwitchedOff();
        journal.record("mount " + target);
        Syscalls.mount(source, target, fstype, flags, data);
        mounts.add(target);
    }

    /** Journals a mount about to be attempted by the caller (the scenario's own mount). */
    void aboutToMount(String target) {
        refuseWhenSwitchedOff();
        journal.record("mount " + target);
    }

    /** Records that the caller's mount at {@code target} succeeded. */
    void mounted(String target) {
        mounts.add(target);
    }

    // ------------------------------------------------------------------ loop devices

    /**
     * A second lock on the switch {@link LiveKernelOracle#SWITCH} (the oracle checks it first):
     * no mount and no loop device in a JVM where the live oracles are off (Surefire's test phase).
     */
    private static void refuseWhenSwitchedOff() {
        String off = LiveKernelOracle.switchedOff();
        if (off != null) {
            throw new OracleUnavailable(off);
        }
    }

    private int loopControl() {
        refuseWhenSwitchedOff();
        if (loopCtl < 0) {
            loopCtl = Syscalls.open("/dev/loop-control", Syscalls.O_RDWR | Syscalls.O_CLOEXEC);
        }
        return loopCtl;
    }

    /** A bound loop device: its number and {@code MAJ:MIN}. */
    record Loop(int number, DevT dev) {
        String name() {
            return "loop" + number;
        }
    }

    /**
     * Binds a free loop device to {@code backing} with {@code LOOP_CONFIGURE} (autoclear, so a
     * killed run's devices go when their last user closes them).
     */
    Loop attachLoop(Path backing, boolean readOnly, int blockSize, boolean directIo) {
        int flags = Syscalls.LO_FLAGS_AUTOCLEAR | (readOnly ? Syscalls.LO_FLAGS_READ_ONLY : 0)
                | (directIo ? Syscalls.LO_FLAGS_DIRECT_IO : 0);
        SyscallException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int n = Syscalls.loopCtlGetFree(loopControl());
            journal.record("loop " + n + " " + backing);
            int lfd;
            try {
                lfd = Syscalls.open("/dev/loop" + n, Syscalls.O_RDWR | Syscalls.O_CLOEXEC);
            } catch (SyscallException e) {
                last = e; // the node may not be there yet, or someone took it
                Reclaim.sleep(10);
                continue;
            }
            int bfd = Syscalls.open(backing.toString(), (readOnly ? Syscalls.O_RDONLY : Syscalls.O_RDWR)
                    | Syscalls.O_CLOEXEC | Syscalls.O_LARGEFILE);
            try {
                Syscalls.loopConfigure(lfd, bfd, blockSize, flags, backing.toString());
            } catch (SyscallException e) {
                Syscalls.close(lfd);
                if (e.errno() == Syscalls.EBUSY) {
                    last = e; // another user bound it first
                    continue;
                }
                throw e;
            } finally {
                Syscalls.close(bfd);
            }
            loopFds.put(n, lfd);
            setReadAhead(n);
            return new Loop(n, loopDev(n));
        }
        throw last != null ? last : new SyscallException("LOOP_CONFIGURE", Syscalls.EBUSY);
    }

    /** The readahead size every loop device of a run gets: the kernel's default (VM_READAHEAD_PAGES). */
    static final String LOOP_READ_AHEAD_KB = "128";

    /**
     * Sets {@code /sys/block/loopN/queue/read_ahead_kb} to {@link #LOOP_READ_AHEAD_KB}. The loop
     * driver never lowers a device's readahead size ({@code blk_apply_bdi_limits} keeps the
     * largest value a device ever had), so on a shared machine loop0..3 may read ahead 2560 KiB
     * and loop4.. 128 KiB; a bdev-mode mount's reads (the readahead windows of its files, and so
     * the log lines of damaged compressed files) would depend on which device the run got. The
     * model reads with the default window (DataReader.RA_PAGES). A device without the attribute
     * is left as it is.
     */
    private void setReadAhead(int n) {
        Path ra = Path.of("/sys/block/loop" + n + "/queue/read_ahead_kb");
        try {
            if (Files.exists(ra)) {
                Files.writeString(ra, LOOP_READ_AHEAD_KB);
            }
        } catch (java.io.IOException e) {
            journal.record("read_ahead_kb loop" + n + " not set: " + e.getMessage());
        }
    }

    /** Creates a new, unbound loop device (capacity 0) with {@code LOOP_CTL_ADD}. */
    Loop addUnboundLoop() {
        for (int n = 4000; n < 1 << 19; n++) {
            if (Files.exists(Path.of("/sys/block/loop" + n))) {
                continue;
            }
            journal.record("loopadd " + n);
            try {
                Syscalls.loopCtlAdd(loopControl(), n);
            } catch (SyscallException e) {
                if (e.errno() == Syscalls.EEXIST) {
                    continue;
                }
                throw e;
            }
            addedLoops.add(n);
            return new Loop(n, loopDev(n));
        }
        throw new SyscallException("LOOP_CTL_ADD", Syscalls.EEXIST);
    }

    /** {@code /sys/block/loopN/loop/dio}: "1" when the loop driver does direct I/O on its file. */
    private static String loopDio(int n) {
        try {
            return Files.readString(Path.of("/sys/block/loop" + n + "/loop/dio")).strip();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static DevT loopDev(int n) {
        Path p = Path.of("/sys/block/loop" + n + "/dev");
        for (int i = 0; i < 100; i++) {
            try {
                return DevT.parse(Files.readString(p).strip());
            } catch (IOException e) {
                Reclaim.sleep(10);
            }
        }
        return new DevT(7, n);
    }

    // ------------------------------------------------------------------ nodes

    /**
     * Builds every node of the namespace under {@code root}. For the {@code probeCache} probe
     * ({@code forCacheProbe}) the scenario's loop devices use direct I/O, so the loop driver
     * leaves its backing file's page cache alone, and every image is fsync'ed once written, so
     * its pages are clean and {@code POSIX_FADV_DONTNEED} can drop them.
     */
    void realise(Map<String, Node> nodes, boolean forCacheProbe) {
        boolean directIoLoops = forCacheProbe;
        syncImages = forCacheProbe;
        Map<String, Node> sorted = new TreeMap<>(nodes);
        Map<BackingFs, Map<String, Node.RegularFile>> byFs = new EnumMap<>(BackingFs.class);
        Map<String, Node.BlockDevice> bdevs = new TreeMap<>();
        boolean sandboxIsExt = Syscalls.statfs(dir.toString()).type() == EXT4_MAGIC && !forceOwnExt4;
        try {
            for (Map.Entry<String, Node> e : sorted.entrySet()) {
                String key = e.getKey();
                Node node = e.getValue();
                Path real = Path.of(real(key));
                Files.createDirectories(real.getParent());
                if (node instanceof Node.Directory) {
                    Files.createDirectories(real);
                } else if (node instanceof Node.Symlink s) {
                    String t = s.target();
                    Syscalls.symlink(t.startsWith("/") ? real(t) : t, real.toString());
                } else if (node instanceof Node.CharDevice c) {
                    DevT d = c.dev() != null ? c.dev() : new DevT(1, 3);
                    Syscalls.mknod(real.toString(), Syscalls.S_IFCHR | 0666, d.major(), d.minor());
                } else if (node instanceof Node.Fifo) {
                    Syscalls.mknod(real.toString(), Syscalls.S_IFIFO | 0644, 0, 0);
                } else if (node instanceof Node.Socket) {
                    Syscalls.bindUnixSocket(real.toString(), dir.toString());
                } else if (node instanceof Node.BlockDevice b) {
                    bdevs.put(key, b);
                } else if (node instanceof Node.RegularFile f) {
                    BackingFs fs = f.fs() != null ? f.fs() : BackingFs.EXT4;
                    if (fs == BackingFs.EXT4 && sandboxIsExt) {
                        writeImage(f.bytes(), real, key);
                    } else {
                        byFs.computeIfAbsent(fs, k -> new TreeMap<>()).put(key, f);
                    }
                } else {
                    throw new OracleUnavailable("node " + key + ": kind " + node.kind() + " cannot be realised");
                }
            }
            // bound loop devices first: LOOP_CTL_GET_FREE could hand out our unbound ones
            for (Map.Entry<String, Node.BlockDevice> e : bdevs.entrySet()) {
                if (e.getValue().bytes() != null) {
                    realiseBdev(e.getKey(), e.getValue(), directIoLoops);
                }
            }
            for (Map.Entry<String, Node.BlockDevice> e : bdevs.entrySet()) {
                if (e.getValue().bytes() == null) {
                    realiseBdev(e.getKey(), e.getValue(), directIoLoops);
                }
            }
            for (Map.Entry<BackingFs, Map<String, Node.RegularFile>> e : byFs.entrySet()) {
                realiseFilesOn(e.getKey(), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void realiseBdev(String key, Node.BlockDevice b, boolean directIo) throws IOException {
        Loop loop;
        if (b.bytes() == null) {
            loop = addUnboundLoop();
        } else {
            Path img = store.resolve("bdev" + (counter++) + ".img");
            writeImage(b.bytes(), img, key);
            int lbs = b.logicalBlockSize() > 0 ? b.logicalBlockSize() : 512;
            loop = attachLoop(img, b.readOnly(), lbs, directIo);
            bdevImages.put(key, img);
            if (directIo && !"1".equals(loopDio(loop.number()))) {
                notes.add("bdev " + key + ": LO_FLAGS_DIRECT_IO was asked for, but the loop driver reads its image "
                        + "buffered (loop/dio = " + loopDio(loop.number()) + "), so the image file's cache fills too");
            }
        }
        if (b.nodev()) {
            // the node on a tmpfs mounted nodev, bind-mounted at its path (the bind mount keeps nodev)
            Path base = fsDir.resolve("nodev");
            if (!Files.isDirectory(base)) {
                Files.createDirectories(base);
                mount("tmpfs", base.toString(), "tmpfs", Syscalls.MS_NOSUID | Syscalls.MS_NODEV, "mode=0755");
            }
            Path node = base.resolve("bdev" + (counter++));
            Syscalls.mknod(node.toString(), Syscalls.S_IFBLK | 0600, loop.dev().major(), loop.dev().minor());
            bindFile(node, key);
        } else {
            Syscalls.mknod(real(key), Syscalls.S_IFBLK | 0600, loop.dev().major(), loop.dev().minor());
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        bdevNames.put(loop.name(), name);
        bdevDevs.put(loop.dev().toString(), b.dev() != null ? b.dev() : loop.dev());
    }

    /** Puts files on a filesystem of kind {@code fs} this sandbox mounts, bind-mounted at their paths. */
    private void realiseFilesOn(BackingFs fs, Map<String, Node.RegularFile> files) throws IOException {
        String kind = fs.contractName();
        Path base = fsDir.resolve(kind);
        Files.createDirectories(base);
        Path filesDir;
        switch (fs) {
            case TMPFS:
                mount("tmpfs", base.toString(), "tmpfs", Syscalls.MS_NOSUID | Syscalls.MS_NODEV, "mode=0755");
                filesDir = base;
                break;
            case RAMFS:
                mount("ramfs", base.toString(), "ramfs", Syscalls.MS_NOSUID | Syscalls.MS_NODEV, "mode=0755");
                filesDir = base;
                break;
            case PROC:
                mount("proc", base.toString(), "proc", Syscalls.MS_NOSUID | Syscalls.MS_NODEV, null);
                notes.add(PROC_NOTE);
                for (String key : files.keySet()) {
                    bindFile(base.resolve("version"), key);
                }
                return;
            case OVERLAY: {
                Path lower = base.resolve("lower");
                Path upper = base.resolve("upper");
                Path work = base.resolve("work");
                Path merged = base.resolve("merged");
                for (Path p : List.of(lower, upper, work, merged)) {
                    Files.createDirectories(p);
                }
                int i = 0;
                for (Map.Entry<String, Node.RegularFile> e : files.entrySet()) {
                    writeImage(e.getValue().bytes(), lower.resolve("f" + i++), e.getKey());
                }
                mount("overlay", merged.toString(), "overlay", 0,
                        "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work);
                i = 0;
                for (String key : files.keySet()) {
                    bindFile(merged.resolve("f" + i++), key);
                }
                return;
            }
            case EROFS:
            case EROFS_BDEV: {
                Path src = base.resolve("src");
                Path top = base.resolve("mnt");
                Files.createDirectories(src);
                Files.createDirectories(top);
                int i = 0;
                for (Map.Entry<String, Node.RegularFile> e : files.entrySet()) {
                    writeImage(e.getValue().bytes(), src.resolve("f" + i++), e.getKey());
                }
                Path img = store.resolve("wrap-" + kind + ".img");
                run(List.of("mkfs.erofs", "--quiet", img.toString(), src.toString()));
                if (fs == BackingFs.EROFS) {
                    mount(img.toString(), top.toString(), "erofs", Syscalls.MS_RDONLY, null);
                } else {
                    Loop l = attachLoop(img, true, 512, false);
                    mount("/dev/" + l.name(), top.toString(), "erofs", Syscalls.MS_RDONLY, null);
                }
                requireFsType(top, 0xE0F5E1E2L, kind);
                i = 0;
                for (String key : files.keySet()) {
                    bindFile(top.resolve("f" + i++), key);
                }
                return;
            }
            case EXT4: {
                long need = 0;
                for (Node.RegularFile f : files.values()) {
                    need += f.bytes() == null ? 0 : f.bytes().size();
                }
                long size = Math.max(32L << 20, (need + (need >> 2) + (16L << 20) + 4095) & ~4095L);
                Path img = store.resolve("ext4.img");
                try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(size);
                    ch.position(size - 1);
                    ch.write(java.nio.ByteBuffer.wrap(new byte[1]));
                }
                run(List.of("mkfs.ext4", "-q", "-F", img.toString()));
                Loop l = attachLoop(img, false, 512, false);
                mount("/dev/" + l.name(), base.toString(), "ext4", 0, null);
                notes.add("fs ext4: the sandbox is not on ext4, so files live on an ext4 this oracle made on " + l.name());
                filesDir = base;
                break;
            }
            default:
                throw new OracleUnavailable("fs " + kind + " cannot be realised");
        }
        int i = 0;
        for (Map.Entry<String, Node.RegularFile> e : files.entrySet()) {
            Path f = filesDir.resolve("f" + i++);
            writeImage(e.getValue().bytes(), f, e.getKey());
            bindFile(f, e.getKey());
        }
    }

    private static void requireFsType(Path p, long magic, String kind) {
        long t = Syscalls.statfs(p.toString()).type();
        if (t != magic) {
            throw new IllegalStateException("fs " + kind + ": " + p + " has f_type 0x" + Long.toHexString(t));
        }
    }

    /** The note for files on procfs (shared with {@link NativeObservation}). */
    static final String PROC_NOTE = "fs proc: the file is /proc/version of a procfs this oracle mounted; its content is not the image's";

    /** Bind-mounts the file {@code from} onto the scenario path {@code key} (created empty first). */
    private void bindFile(Path from, String key) throws IOException {
        Path to = Path.of(real(key));
        Files.createFile(to);
        mount(from.toString(), to.toString(), null, Syscalls.MS_BIND, null);
    }

    /**
     * Writes a node's bytes to {@code to}, keeping holes: a 4 KiB block of zeros is not written
     * (the file is extended past it), so a sparse image stays sparse in the sandbox instead of
     * taking its full size in {@code /tmp} (issue 11: a 1 GiB image of one 4 KiB block was copied
     * densely). Reads of a hole give zeros, as the block did. Injected faults cannot be realised on
     * a real kernel: an image that fails or ends early while being copied is refused.
     */
    void writeImage(ImageBytes bytes, Path to, String key) throws IOException {
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(to.toFile(), "rw")) {
            raf.setLength(0);
            java.nio.channels.FileChannel ch = raf.getChannel();
            if (bytes == null) {
                return;
            }
            long size = bytes.size();
            byte[] buf = new byte[1 << 20];
            long pos = 0;
            while (pos < size) {
                int want = (int) Math.min(buf.length, size - pos);
                int n;
                try {
                    n = bytes.read(pos, buf, 0, want);
                } catch (KernelError e) {
                    throw new OracleUnavailable("node " + key + ": injected read faults cannot be realised on a real kernel");
                }
                if (n < want) {
                    throw new OracleUnavailable("node " + key + ": injected read faults cannot be realised on a real kernel");
                }
                for (int off = 0; off < n; ) {
                    int len = Math.min(HOLE_BLOCK, n - off);
                    if (!zero(buf, off, len)) {
                        int end = off + len;   // one write for a run of data blocks
                        while (end < n && !zero(buf, end, Math.min(HOLE_BLOCK, n - end))) {
                            end += Math.min(HOLE_BLOCK, n - end);
                        }
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, off, end - off);
                        long at = pos + off;
                        while (b.hasRemaining()) {
                            at += ch.write(b, at);
                        }
                        off = end;
                    } else {
                        off += len;
                    }
                }
                pos += n;
            }
            raf.setLength(size); // the trailing holes
            if (syncImages) {
                ch.force(true);
            }
        }
    }

    /** The granularity of the holes {@link #writeImage} leaves (the page and block size). */
    static final int HOLE_BLOCK = 4096;

    private static boolean zero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private void run(List<String> cmd) throws IOException {
        Process p = org.erofssim.tools.HostTools.processBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(MKFS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish in " + MKFS_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(cmd.get(0) + " interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    // ------------------------------------------------------------------ release

    @Override public Path dir() {
        return dir;
    }

    @Override public Path root() {
        return root;
    }

    @Override public String scenarioLoopName(String realName) {
        return bdevNames.get(realName);
    }

    /** Whether {@code loopName} is a loop device this sandbox made for a scenario bdev node. */
    @Override public boolean isScenarioLoop(String loopName) {
        return bdevNames.containsKey(loopName);
    }

    /** True for a loop device this sandbox attached (scenario bdev nodes and wrapped file systems). */
    @Override public boolean ownsLoop(String name) {
        if (!name.startsWith("loop")) {
            return false;
        }
        try {
            return loopFds.containsKey(Integer.parseInt(name.substring(4)));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Releases everything: the mounts made (newest first), then any other mount below the
     * folder, the loop devices (LOOP_CLR_FD, then the descriptor), the loop devices added, and
     * the folder. Returns what could not be released (empty when all went).
     */
    List<String> releaseAll() {
        List<String> left = new ArrayList<>();
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Reclaim.unmount(mounts.get(i), false);
        }
        mounts.clear();
        Reclaim.unmountAllUnder(dir.toString(), left);
        for (Map.Entry<Integer, Integer> e : loopFds.entrySet()) {
            try {
                Syscalls.loopClrFd(e.getValue());
            } catch (SyscallException ex) {
                if (ex.errno() != Syscalls.ENXIO) {
                    left.add("loop" + e.getKey() + ": " + ex.getMessage());
                }
            }
            Syscalls.close(e.getValue());
        }
        loopFds.clear();
        for (Integer n : addedLoops) {
            if (!Reclaim.removeIfUnbound(n)) {
                left.add("loop" + n + " (added) not removed");
            }
        }
        addedLoops.clear();
        if (loopCtl >= 0) {
            Syscalls.close(loopCtl);
            loopCtl = -1;
        }
        Reclaim.Report r = Reclaim.release(dir, List.of());
        left.addAll(r.remaining());
        journal.close();
        if (r.deleted()) {
            return left;
        }
        left.add("folder " + dir + " kept");
        return left;
    }

    /** Set once {@link #close()} has started: releasing twice (the shutdown hook and the caller) is harmless. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Releases this sandbox when the JVM is asked to stop (SIGTERM, SIGINT, SIGHUP) while it is
     * open (issue 11: such a run used to leave its mounts and loop devices until a later run
     * reclaimed them from the journal). SIGKILL runs no hook: the journal still serves the next run.
     */
    private final Thread shutdownHook = new Thread(this::close, "erofs-sim sandbox release");

    private void registerShutdownHook() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is stopping: the hook runs (or ran) and finds this sandbox closed
            }
        }
        synchronized (this) {
            List<String> left = releaseAll();
            if (!left.isEmpty()) {
                System.err.println("erofs-sim live oracle: could not release " + left);
            }
        }
    }
}
