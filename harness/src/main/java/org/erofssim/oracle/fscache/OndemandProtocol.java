package org.erofssim.oracle.fscache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The cachefiles on-demand protocol as a daemon sees it (the UAPI header
 * {@code include/uapi/linux/cachefiles.h}, read and written from {@code /dev/cachefiles}; the
 * kernel side is {@code cachefiles_ondemand_daemon_read}, {@code cachefiles_ondemand_copen} and
 * {@code cachefiles_ondemand_fd_ioctl} in fs/cachefiles/ondemand.c). Pure code: parsing the
 * messages, formatting the commands, planning the writes that answer a READ. The I/O is
 * {@link OndemandDaemon}'s.
 *
 * <p>A message is a 16-byte little-endian header {@code msg_id, opcode, len, object_id} (len
 * counts the header) and a payload: OPEN carries {@code volume_key_size, cookie_key_size, fd,
 * flags} and the two keys (the volume key NUL-terminated, {@code erofs,<domain_id or fsid>}; the
 * cookie key raw, the fsid for the primary, the device tag for an extra device); READ carries
 * {@code off, len} (u64); CLOSE carries nothing.
 */
public final class OndemandProtocol {
    private OndemandProtocol() {}

    /** CACHEFILES_MSG_MAX_SIZE: the read buffer a daemon needs. */
    public static final int MSG_MAX_SIZE = 1024;
    static final int HEADER = 16;
    /** {@code _IOW(0x98, 1, int)}. */
    public static final long IOC_READ_COMPLETE = (1L << 30) | (4L << 16) | (0x98L << 8) | 1;
    /** cachefiles writes the cache file with direct I/O: buffers and lengths in whole pages. */
    public static final int PAGE = 4096;

    /** One request from the kernel. */
    public sealed interface Message permits Open, Close, Read {
        int msgId();

        int objectId();
    }

    /** OPEN: a cookie is being looked up; {@code fd} is an anonymous fd for its cache file, installed in the reader. */
    public record Open(int msgId, int objectId, String volumeKey, String cookieKey, int fd, int flags) implements Message {}

    /** CLOSE: the object is gone; the daemon closes its anonymous fd. */
    public record Close(int msgId, int objectId) implements Message {}

    /** READ: fill {@code [off, off + len)} of the object's cache file, then complete {@code msgId}. */
    public record Read(int msgId, int objectId, long off, long len) implements Message {}

    /** A message that cannot be parsed: one line naming the field. */
    public static final class BadMessage extends IllegalArgumentException {
        BadMessage(String message) {
            super(message);
        }
    }

    /** Parses one message as read(2) returned it ({@code n} bytes of {@code buf}). */
    public static Message parse(byte[] buf, int n) {
        if (n < HEADER || n > buf.length) {
            throw new BadMessage("cachefiles message: " + n + " bytes, shorter than its 16-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        int msgId = b.getInt(0);
        int opcode = b.getInt(4);
        long len = Integer.toUnsignedLong(b.getInt(8));
        int objectId = b.getInt(12);
        if (len != n) {
            throw new BadMessage("cachefiles message " + Integer.toUnsignedString(msgId) + ": len field " + len
                    + ", read(2) returned " + n + " bytes");
        }
        switch (opcode) {
            case 0: {
                if (n < HEADER + 16) {
                    throw new BadMessage("cachefiles OPEN " + msgId + ": " + n + " bytes, no room for its 16-byte payload header");
                }
                long vks = Integer.toUnsignedLong(b.getInt(16));
                long cks = Integer.toUnsignedLong(b.getInt(20));
                int fd = b.getInt(24);
                int flags = b.getInt(28);
                if (HEADER + 16 + vks + cks != n) {
                    throw new BadMessage("cachefiles OPEN " + msgId + ": volume_key_size " + vks + " + cookie_key_size "
                            + cks + " do not fill the " + (n - HEADER - 16) + " payload bytes");
                }
                int v = HEADER + 16;
                int vlen = (int) vks;
                if (vlen == 0 || buf[v + vlen - 1] != 0) {
                    throw new BadMessage("cachefiles OPEN " + msgId + ": volume key not NUL-terminated");
                }
                String volume = new String(buf, v, vlen - 1, StandardCharsets.UTF_8);
                String cookie = new String(buf, v + vlen, (int) cks, StandardCharsets.UTF_8);
                return new Open(msgId, objectId, volume, cookie, fd, flags);
            }
            case 1:
                return new Close(msgId, objectId);
            case 2: {
                if (n != HEADER + 16) {
                    throw new BadMessage("cachefiles READ " + msgId + ": " + n + " bytes, expected " + (HEADER + 16));
                }
                long off = b.getLong(16);
                long rlen = b.getLong(24);
                if (off < 0 || rlen < 0) {
                    throw new BadMessage("cachefiles READ " + msgId + ": range off " + Long.toUnsignedString(off)
                            + " len " + Long.toUnsignedString(rlen) + " out of range");
                }
                return new Read(msgId, objectId, off, rlen);
            }
            default:
                throw new BadMessage("cachefiles message " + msgId + ": unknown opcode " + Integer.toUnsignedString(opcode));
        }
    }

    /** Encodes a message as the kernel writes it (for tests and for the daemon's own checks). */
    public static byte[] encode(Message m) {
        byte[] payload;
        int opcode;
        if (m instanceof Open o) {
            byte[] v = (o.volumeKey() + "\0").getBytes(StandardCharsets.UTF_8);
            byte[] c = o.cookieKey().getBytes(StandardCharsets.UTF_8);
            ByteBuffer p = ByteBuffer.allocate(16 + v.length + c.length).order(ByteOrder.LITTLE_ENDIAN);
            p.putInt(v.length).putInt(c.length).putInt(o.fd()).putInt(o.flags()).put(v).put(c);
            payload = p.array();
            opcode = 0;
        } else if (m instanceof Read r) {
            payload = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(r.off()).putLong(r.len()).array();
            opcode = 2;
        } else {
            payload = new byte[0];
            opcode = 1;
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(m.msgId()).putInt(opcode).putInt(HEADER + payload.length).putInt(m.objectId()).put(payload);
        return b.array();
    }

    /**
     * Why {@code tag} cannot be the cache's tag, or null. The tag is printed in the CacheFiles
     * and fscache log lines; one containing "erofs" would land among the erofs driver's lines that
     * the oracle collects.
     */
    public static String badTag(String tag) {
        if (tag == null || tag.isEmpty()) {
            return "empty cache tag";
        }
        if (tag.toLowerCase(java.util.Locale.ROOT).contains("erofs")) {
            return "cache tag '" + tag + "' contains \"erofs\": its log lines would read as the erofs driver's";
        }
        if (!tag.matches("[A-Za-z0-9_.-]{1,32}")) {
            return "cache tag '" + tag + "': letters, digits, '_', '.', '-' only, at most 32";
        }
        return null;
    }

    /** The commands that bind an on-demand cache: {@code dir}, {@code tag}, {@code bind ondemand}. */
    public static List<String> bindCommands(String cacheDir, String tag) {
        String bad = badTag(tag);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        if (cacheDir.isEmpty() || cacheDir.indexOf('\n') >= 0 || cacheDir.indexOf(' ') >= 0 || cacheDir.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cache dir '" + cacheDir + "': empty, or has a space, newline or NUL");
        }
        return List.of("dir " + cacheDir, "tag " + tag, "bind ondemand");
    }

    /** {@code copen <msg_id>,<size>}: the object's size, or a negative errno to fail the OPEN. */
    public static String copen(int msgId, long sizeOrNegativeErrno) {
        return "copen " + Integer.toUnsignedString(msgId) + "," + sizeOrNegativeErrno;
    }

    /**
     * What the daemon writes for requested pages at and past the blob's end. erofs asks cachefiles
     * with no size limit ({@code erofs_fscache_read_io_async} passes LLONG_MAX as i_size), so
     * reads past the blob's end reach the daemon, and what it writes there is what the reader gets.
     */
    public enum PastEnd {
        /** Every requested page, zeros past the blob's end (cachefiles writes with direct I/O: whole pages). */
        ZEROS("zeros"),
        /**
         * Only the blob's bytes, as a daemon that writes what it read from its file would: the
         * last partial page with a length that is not a whole number of pages (the direct-I/O write
         * refuses it), nothing past the end; the READ is completed anyway and those pages stay holes.
         */
        SHORT("short");

        private final String name;

        PastEnd(String name) {
            this.name = name;
        }

        public String contractName() {
            return name;
        }
    }

    /** One write into the anonymous fd: {@code length} bytes from {@code offset}, of which the first {@code dataBytes} are the blob's, the rest zeros. */
    public record Write(long offset, int length, int dataBytes) {}

    /**
     * The writes that answer {@code READ(off, len)} on a blob of {@code size} bytes: page-aligned
     * offsets, at most {@code chunk} bytes each (a multiple of the page); {@code dataBytes} of each
     * come from the blob, the rest are zeros. {@link PastEnd#SHORT} stops at the blob's end.
     */
    public static List<Write> plan(long off, long len, long size, PastEnd pastEnd, int chunk) {
        if (chunk <= 0 || chunk % PAGE != 0) {
            throw new IllegalArgumentException("chunk " + chunk + " is not a positive multiple of " + PAGE);
        }
        List<Write> out = new ArrayList<>();
        if (len <= 0) {
            return out;
        }
        long start = Math.floorDiv(off, PAGE) * (long) PAGE;
        long end = ceilPage(off + len);
        if (pastEnd == PastEnd.SHORT) {
            end = Math.min(end, ceilPage(size));
        }
        for (long at = start; at < end; at += chunk) {
            int n = (int) Math.min(chunk, end - at);
            int data = (int) Math.max(0, Math.min(n, size - at));
            out.add(new Write(at, pastEnd == PastEnd.SHORT && data < n ? data : n, data));
        }
        return out;
    }

    static long ceilPage(long x) {
        return Math.floorDiv(x + PAGE - 1, PAGE) * (long) PAGE;
    }

    /**
     * The volume key's id (fsid or domain_id) and the cookie name of {@code fscache:<volume>/<cookie>}
     * keys, the contract's way to name a blob: {@code erofs,<id>} and the cookie.
     */
    public static String nodeKey(String volumeKey, String cookieKey) {
        return "fscache:" + volumeKey + "/" + cookieKey;
    }
}
