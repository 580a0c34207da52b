package org.erofssim.oracle.fscache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.oracle.fscache.OndemandProtocol.PastEnd;
import org.erofssim.oracle.fscache.OndemandProtocol.Write;
import org.erofssim.sb.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cachefiles on-demand protocol without a kernel: messages laid out by hand as the UAPI
 * header {@code include/uapi/linux/cachefiles.h} describes them (16-byte header, OPEN's payload
 * header and keys, READ's two u64), the commands, the write plan, and the session's choices.
 */
@DisplayName("cachefiles on-demand protocol (no root needed)")
class OndemandProtocolTest {

    private static byte[] header(int msgId, int opcode, int len, int objectId, int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN).putInt(msgId).putInt(opcode).putInt(len)
                .putInt(objectId).array();
    }

    /** OPEN as cachefiles_ondemand_init_open_req lays it out: the volume key with its NUL, then the raw cookie key. */
    private static byte[] open(int msgId, int objectId, String volume, String cookie, int fd) {
        byte[] v = volume.getBytes(StandardCharsets.UTF_8);
        byte[] c = cookie.getBytes(StandardCharsets.UTF_8);
        int len = 16 + 16 + v.length + 1 + c.length;
        ByteBuffer b = ByteBuffer.wrap(header(msgId, 0, len, objectId, len)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16);
        b.putInt(v.length + 1).putInt(c.length).putInt(fd).putInt(0).put(v).put((byte) 0).put(c);
        return b.array();
    }

    @Test
    @DisplayName("OPEN: volume key erofs,<fsid> (NUL dropped), cookie key, the anonymous fd")
    void open() {
        byte[] m = open(3, 1, "erofs,img1", "img1", 17);
        assertThat(OndemandProtocol.parse(m, m.length))
                .isEqualTo(new OndemandProtocol.Open(3, 1, "erofs,img1", "img1", 17, 0));
    }

    @Test
    @DisplayName("READ: off and len as u64; CLOSE: the header alone")
    void readAndClose() {
        byte[] r = ByteBuffer.wrap(header(9, 2, 32, 2, 32)).order(ByteOrder.LITTLE_ENDIAN).position(16)
                .putLong(8192).putLong(4096).array();
        assertThat(OndemandProtocol.parse(r, 32)).isEqualTo(new OndemandProtocol.Read(9, 2, 8192, 4096));
        assertThat(OndemandProtocol.parse(header(4, 1, 16, 2, 16), 16)).isEqualTo(new OndemandProtocol.Close(4, 2));
    }

    @Test
    @DisplayName("the test's hand-made layout and the encoder used by the daemon's checks agree")
    void encodeMatchesTheLayout() {
        assertThat(OndemandProtocol.encode(new OndemandProtocol.Open(3, 1, "erofs,img1", "img1", 17, 0)))
                .isEqualTo(open(3, 1, "erofs,img1", "img1", 17));
    }

    @Test
    @DisplayName("bad messages are one line naming what is wrong")
    void badMessages() {
        assertThatThrownBy(() -> OndemandProtocol.parse(new byte[8], 8)).hasMessageContaining("shorter than its 16-byte header");
        assertThatThrownBy(() -> OndemandProtocol.parse(header(1, 1, 20, 0, 16), 16)).hasMessageContaining("len field 20");
        assertThatThrownBy(() -> OndemandProtocol.parse(header(1, 7, 16, 0, 16), 16)).hasMessageContaining("unknown opcode 7");
        assertThatThrownBy(() -> OndemandProtocol.parse(header(1, 2, 16, 0, 16), 16)).hasMessageContaining("READ 1: 16 bytes");
        byte[] o = open(5, 1, "erofs,a", "a", 3);
        o[16] = 9; // volume_key_size no longer fits
        assertThatThrownBy(() -> OndemandProtocol.parse(o, o.length)).hasMessageContaining("do not fill");
        byte[] noNul = open(5, 1, "erofs,a", "a", 3);
        noNul[32 + 7] = 'x'; // the volume key's NUL
        assertThatThrownBy(() -> OndemandProtocol.parse(noNul, noNul.length)).hasMessageContaining("not NUL-terminated");
    }

    @Test
    @DisplayName("CACHEFILES_IOC_READ_COMPLETE is _IOW(0x98, 1, int) = 0x40049801")
    void ioctlNumber() {
        assertThat(OndemandProtocol.IOC_READ_COMPLETE).isEqualTo(0x40049801L);
    }

    @Test
    @DisplayName("bind commands; a tag with 'erofs' in it is refused (its log lines would read as erofs's)")
    void commands() {
        assertThat(OndemandProtocol.bindCommands("/tmp/c", "simcache")).containsExactly("dir /tmp/c", "tag simcache",
                "bind ondemand");
        assertThatThrownBy(() -> OndemandProtocol.bindCommands("/tmp/c", "myErofsCache")).hasMessageContaining("contains \"erofs\"");
        assertThatThrownBy(() -> OndemandProtocol.bindCommands("/tmp/a b", "simcache")).hasMessageContaining("space");
        assertThat(OndemandProtocol.copen(7, 12288)).isEqualTo("copen 7,12288");
        assertThat(OndemandProtocol.copen(8, -2)).isEqualTo("copen 8,-2");
        assertThat(FscacheSession.TAG).doesNotContainIgnoringCase("erofs");
    }

    @Test
    @DisplayName("a READ is answered in page-aligned writes: zeros past the blob's end, or (SHORT) the blob's bytes only")
    void writePlan() {
        // blob of 10000 bytes (2 pages and 1808 bytes); READ 0..16384
        assertThat(OndemandProtocol.plan(0, 16384, 10000, PastEnd.ZEROS, 8192))
                .containsExactly(new Write(0, 8192, 8192), new Write(8192, 8192, 1808));
        assertThat(OndemandProtocol.plan(0, 16384, 10000, PastEnd.SHORT, 8192))
                .containsExactly(new Write(0, 8192, 8192), new Write(8192, 1808, 1808));
        assertThat(OndemandProtocol.plan(0, 16384, 10000, PastEnd.SHORT, 1 << 20))
                .containsExactly(new Write(0, 10000, 10000));
        // an unaligned request is widened to its pages
        assertThat(OndemandProtocol.plan(5000, 10, 1 << 20, PastEnd.ZEROS, 1 << 20)).containsExactly(new Write(4096, 4096, 4096));
        // wholly past the end: a page of zeros, or nothing
        assertThat(OndemandProtocol.plan(40960, 4096, 10000, PastEnd.ZEROS, 4096)).containsExactly(new Write(40960, 4096, 0));
        assertThat(OndemandProtocol.plan(40960, 4096, 10000, PastEnd.SHORT, 4096)).isEmpty();
        assertThat(OndemandProtocol.plan(0, 0, 10000, PastEnd.ZEROS, 4096)).isEmpty();
        assertThatThrownBy(() -> OndemandProtocol.plan(0, 1, 1, PastEnd.ZEROS, 1000)).hasMessageContaining("multiple of 4096");
    }

    private static Scenario scenario(String options, Map<String, Node> nodes) {
        return Scenario.builder().namespace(new VirtualNamespace(nodes)).source(null).options(options).build();
    }

    @Test
    @DisplayName("the session: blobs go to the daemon, not the sandbox; refused without ONDEMAND; fsid= mounts report fscache")
    void session() {
        Node blob = new Node.FscacheBlob(ImageBytes.of(new byte[4096]));
        Scenario sc = scenario("fsid=a", Map.of("fscache:erofs,a/a", blob, "/srv/d", new Node.Directory()));
        assertThat(FscacheSession.blobs(sc)).containsOnlyKeys("fscache:erofs,a/a");
        assertThat(FscacheSession.sandboxNodes(sc.namespace().nodes())).containsOnlyKeys("/srv/d");
        assertThat(FscacheSession.refusal(sc, Map.of("EROFS_FS_ONDEMAND", false, "CACHEFILES_ONDEMAND", false)))
                .contains("CONFIG_EROFS_FS_ONDEMAND or CONFIG_CACHEFILES_ONDEMAND off");
        assertThat(FscacheSession.refusal(sc, null)).contains("no /proc/config.gz");
        assertThat(FscacheSession.refusal(scenario("fsid=a", Map.of()), null)).isNull();
        Map<String, Boolean> on = Map.of("EROFS_FS_ONDEMAND", true);
        assertThat(FscacheSession.mode(Mode.FILEIO, sc, on)).isEqualTo(Mode.FSCACHE);
        assertThat(FscacheSession.mode(Mode.FILEIO, sc, Map.of("EROFS_FS_ONDEMAND", false))).isEqualTo(Mode.FILEIO);
        assertThat(FscacheSession.mode(null, sc, on)).isNull();
        assertThat(FscacheSession.mode(Mode.FILEIO, scenario("domain_id=a", Map.of()), on)).isEqualTo(Mode.FILEIO);
    }

    @Test
    @DisplayName("a scenario without blobs starts no daemon (nothing to close, no notes)")
    void noBlobsNoDaemon() {
        try (FscacheSession s = FscacheSession.start(scenario("fsid=a", Map.of()), java.nio.file.Path.of("/nonexistent"))) {
            assertThat(s.active()).isFalse();
            assertThat(s.notes()).isEmpty();
        }
        assertThat(List.of(Node.FscacheBlob.Daemon.values()).stream().map(Node.FscacheBlob.Daemon::contractName))
                .containsExactly("serves", "gone-after-mount", "gone-at-first-read");
    }
}
