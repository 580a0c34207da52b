package org.erofssim.oracle.fscache;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.erofssim.block.Node;
import org.erofssim.oracle.fscache.OndemandProtocol.Close;
import org.erofssim.oracle.fscache.OndemandProtocol.Message;
import org.erofssim.oracle.fscache.OndemandProtocol.Open;
import org.erofssim.oracle.fscache.OndemandProtocol.Read;

/**
 * A minimal cachefiles on-demand daemon in this JVM: opens {@code /dev/cachefiles}, binds an
 * on-demand cache in a folder of its own, and answers the kernel's requests on a thread of its
 * own from a scenario's blob nodes ({@code fscache:<volume>/<cookie>}): OPEN with {@code copen
 * <id>,<size>} (or {@code -ENOENT} for a cookie the scenario has no blob for), READ by writing the
 * range into the anonymous fd (page-aligned buffer, whole pages: cachefiles writes with direct
 * I/O) and {@code CACHEFILES_IOC_READ_COMPLETE}, CLOSE by closing that fd. A blob's {@link
 * Node.FscacheBlob.Daemon} makes it go away (close {@code /dev/cachefiles} and every anonymous
 * fd) at its first READ or after the mount.
 *
 * <p>Only one process may hold {@code /dev/cachefiles} open (EBUSY for the next).
 */
public final class OndemandDaemon implements AutoCloseable {
    static final String DEVICE = "/dev/cachefiles";
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int ENOENT = 2;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int CHUNK = 256 * 1024;

    private final CachefilesLibC c = CachefilesLibC.INSTANCE;
    private final Map<String, Node.FscacheBlob> blobs;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Object[]> objects = new java.util.concurrent.ConcurrentHashMap<>(); // object id -> {fd, blob, key}
    private final Thread thread;
    private volatile boolean stop;
    private volatile boolean gone;
    /** Why the daemon is asked to leave by another thread ({@link #afterMount}); its loop does it. */
    private volatile String leaveRequest;
    /** Polls of the device that found no request pending (the daemon was idle). */
    private volatile long idlePolls;
    private int devFd;
    private final Object fdLock = new Object();

    private OndemandDaemon(int devFd, Map<String, Node.FscacheBlob> blobs) {
        this.devFd = devFd;
        this.blobs = Map.copyOf(blobs);
        this.thread = new Thread(this::loop, "erofs-sim-cachefiles-ondemand");
        this.thread.setDaemon(true);
    }

    /**
     * Binds an on-demand cache in {@code cacheDir} (a folder on a file system with xattrs) with
     * {@code tag} and starts answering. Throws {@link IllegalStateException} with one line when the
     * device cannot be opened (no CACHEFILES, another daemon: EBUSY) or a bind command fails.
     */
    public static OndemandDaemon start(String cacheDir, String tag, Map<String, Node.FscacheBlob> blobs) {
        List<String> cmds = OndemandProtocol.bindCommands(cacheDir, tag);
        CachefilesLibC c = CachefilesLibC.INSTANCE;
        int fd = c.open(DEVICE, O_RDWR | O_CLOEXEC, 0);
        if (fd < 0) {
            int e = Native.getLastError();
            throw new IllegalStateException("cannot open " + DEVICE + ": " + c.strerror(e)
                    + (e == 16 ? " (another cachefiles daemon holds it)" : ""));
        }
        for (String cmd : cmds) {
            byte[] b = cmd.getBytes(StandardCharsets.UTF_8);
            if (c.write(fd, b, new NativeLong(b.length)).longValue() < 0) {
                int e = Native.getLastError();
                c.close(fd);
                throw new IllegalStateException(DEVICE + ": '" + cmd + "' failed: " + c.strerror(e));
            }
        }
        OndemandDaemon d = new OndemandDaemon(fd, blobs);
        d.thread.start();
        return d;
    }

    /** What the daemon did, one line each ("OPEN erofs,x/y: size 4096", "READ ...", "gone: ..."), for notes. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Whether the daemon has gone away (a blob's behaviour, or an error reading the device). */
    public boolean gone() {
        return gone;
    }

    /**
     * Waits (at most {@code millis}) until the daemon has found no request pending twice after
     * this call: every request the kernel queued before it (an extra device's OPEN queued during
     * mount(2)) has then been answered. Without this wait, whether the tree walk's first read of a
     * device whose OPEN is refused finds the cookie still being created (erofs logs
     * {@code prepare_ondemand_read failed (source 2)}, EIO for that pass) or already failed
     * (ENOBUFS, silent) is a race between the walk and this thread.
     */
    public void awaitIdle(long millis) {
        long start = idlePolls;
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!gone && !stop && idlePolls < start + 2 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Called once mount(2) has returned successfully: a blob with {@code gone-after-mount} makes the daemon leave now. */
    public void afterMount() {
        boolean leave = blobs.values().stream().anyMatch(b -> b.daemon() == Node.FscacheBlob.Daemon.GONE_AFTER_MOUNT);
        if (leave) {
            // the daemon's own thread closes the fds (between two polls): closed from here, the
            // number could be reused by the oracle's next open(2) while that thread reads it
            leaveRequest = "after the mount, as the scenario's blob asks";
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!gone && thread.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!gone) {
                goAway(leaveRequest);
            }
        }
    }

    private void loop() {
        byte[] buf = new byte[OndemandProtocol.MSG_MAX_SIZE];
        Memory pfd = new Memory(8);
        Memory raw = new Memory(CHUNK + OndemandProtocol.PAGE);
        Pointer aligned = raw.align(OndemandProtocol.PAGE);
        while (!stop && !gone) {
            if (leaveRequest != null) {
                goAway(leaveRequest);
                return;
            }
            int fd;
            synchronized (fdLock) {
                fd = devFd;
            }
            if (fd < 0) {
                return;
            }
            pfd.setInt(0, fd);
            pfd.setShort(4, POLLIN);
            pfd.setShort(6, (short) 0);
            int r = c.poll(pfd, new NativeLong(1), 50);
            if (r <= 0 || (pfd.getShort(6) & POLLIN) == 0) {
                if (r == 0) {
                    idlePolls++;
                }
                continue;
            }
            long n = c.read(fd, buf, new NativeLong(buf.length)).longValue();
            if (n == 0) {
                continue;
            }
            if (n < 0) {
                int e = Native.getLastError();
                if (e == EAGAIN || e == EINTR) {
                    continue;
                }
                if (!stop) {
                    events.add("read " + DEVICE + ": " + c.strerror(e));
                }
                continue;
            }
            Message m;
            try {
                m = OndemandProtocol.parse(buf, (int) n);
            } catch (OndemandProtocol.BadMessage e) {
                events.add(e.getMessage());
                continue;
            }
            handle(m, aligned);
        }
    }

    private void handle(Message m, Pointer buf) {
        if (m instanceof Open o) {
            String key = OndemandProtocol.nodeKey(o.volumeKey(), o.cookieKey());
            Node.FscacheBlob blob = blobs.get(key);
            if (blob == null) {
                events.add("OPEN " + key + ": no such blob, copen -ENOENT");
                command(OndemandProtocol.copen(o.msgId(), -ENOENT));
                c.close(o.fd());
                return;
            }
            objects.put(o.objectId(), new Object[] {o.fd(), blob, key});
            long size = blob.bytes().size();
            events.add("OPEN " + key + ": size " + size);
            command(OndemandProtocol.copen(o.msgId(), size));
        } else if (m instanceof Read r) {
            Object[] obj = objects.get(r.objectId());
            if (obj == null) {
                events.add("READ of unknown object " + r.objectId() + " (not completed)");
                return;
            }
            int fd = (Integer) obj[0];
            Node.FscacheBlob blob = (Node.FscacheBlob) obj[1];
            if (blob.daemon() == Node.FscacheBlob.Daemon.GONE_AT_FIRST_READ) {
                goAway("at the first READ of " + obj[2] + " (off " + r.off() + " len " + r.len() + "), unanswered");
                return;
            }
            OndemandProtocol.PastEnd pe = blob.pastEnd() == Node.FscacheBlob.PastEnd.SHORT
                    ? OndemandProtocol.PastEnd.SHORT : OndemandProtocol.PastEnd.ZEROS;
            String failed = null;
            for (OndemandProtocol.Write w : OndemandProtocol.plan(r.off(), r.len(), blob.bytes().size(), pe, CHUNK)) {
                byte[] data = new byte[w.length()];
                if (w.dataBytes() > 0) {
                    blob.bytes().read(w.offset(), data, 0, w.dataBytes());
                }
                buf.write(0, data, 0, data.length);
                long done = c.pwrite(fd, buf, new NativeLong(w.length()), w.offset()).longValue();
                if (done != w.length()) {
                    failed = "pwrite " + w.length() + " at " + w.offset() + ": "
                            + (done < 0 ? c.strerror(Native.getLastError()) : done + " bytes");
                    break;
                }
            }
            events.add("READ " + obj[2] + " off " + r.off() + " len " + r.len() + (failed == null ? "" : ": " + failed));
            if (c.ioctl(fd, new NativeLong(OndemandProtocol.IOC_READ_COMPLETE), new NativeLong(Integer.toUnsignedLong(r.msgId()))) < 0) {
                events.add("READ_COMPLETE " + r.msgId() + ": " + c.strerror(Native.getLastError()));
            }
        } else if (m instanceof Close cl) {
            Object[] obj = objects.remove(cl.objectId());
            if (obj != null) {
                c.close((Integer) obj[0]);
                events.add("CLOSE " + obj[2]);
            }
        }
    }

    private void command(String cmd) {
        byte[] b = cmd.getBytes(StandardCharsets.UTF_8);
        int fd;
        synchronized (fdLock) {
            fd = devFd;
        }
        if (fd >= 0 && c.write(fd, b, new NativeLong(b.length)).longValue() < 0) {
            events.add("'" + cmd + "': " + c.strerror(Native.getLastError()));
        }
    }

    /** Closes every anonymous fd and {@code /dev/cachefiles}: the kernel fails what is pending and unbinds the cache. */
    private void goAway(String why) {
        synchronized (fdLock) {
            if (gone) {
                return;
            }
            gone = true;
            events.add("daemon gone " + why);
            closeAll();
        }
    }

    private void closeAll() {
        synchronized (fdLock) {
            for (Object[] o : objects.values()) {
                c.close((Integer) o[0]);
            }
            objects.clear();
            if (devFd >= 0) {
                c.close(devFd);
                devFd = -1;
            }
        }
    }

    /** Stops the thread, then closes the anonymous fds and the device (unbinding the cache). */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll();
    }
}
