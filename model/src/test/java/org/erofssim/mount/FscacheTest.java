package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.testing.Checkout;
import org.erofssim.testing.Scenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * fscache mode on 6.12 with ONDEMAND (fs/erofs/fscache.c, fs/netfs/fscache_*.c,
 * fs/cachefiles/): registration never needs a bound cache or a served blob; a missing cache or
 * blob fails the read that needs it ({@code erofs_fscache_read_io_async}). Each case is the
 * kernel's answer recorded in fixtures/fscache/recorded/6.12.107-erofssim-ondemand/ (the name
 * says which), written out here by hand; the session-5 model answered EOPNOTSUPP/"failed to
 * register volume" for no daemon and EINVAL/"failed to get cookie" for a missing blob, which
 * {@code fscache_acquire_volume}/{@code fscache_acquire_cookie} cannot give with FSCACHE built in.
 */
@DisplayName("fscache mode (6.12.107 with ONDEMAND)")
class FscacheTest {
    static final String SB = "erofs: (device erofs): ";
    static final String DEPRECATED = SB + "[deprecated] fscache-based on-demand read feature in use. Use at your own risk!";
    static byte[] plain;
    static byte[] multidev;
    static byte[] blob;

    @BeforeAll
    static void images() throws IOException {
        plain = Files.readAllBytes(Checkout.root().resolve("fixtures/images/plain.erofs"));
        multidev = Files.readAllBytes(Checkout.root().resolve("fixtures/images/multidev.erofs"));
        blob = Files.readAllBytes(Checkout.root().resolve("fixtures/images/multidev-blob.img"));
    }

    static Scenarios on() {
        return Scenarios.on("6.12").config(ConfigFlag.EROFS_FS_ONDEMAND, true).config(ConfigFlag.FS_DAX, false).read();
    }

    static Node.FscacheBlob served(byte[] b) {
        return new Node.FscacheBlob(ImageBytes.of(b));
    }

    static MountOutcome.Failed failed(MountOutcome o, Errno errno) {
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        MountOutcome.Failed f = (MountOutcome.Failed) o;
        assertThat(f.errno()).isEqualTo(errno);
        return f;
    }

    static MountOutcome.Mounted mounted(MountOutcome o) {
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    /** Read errnos of the regular files, by path (null: read whole). */
    static Map<String, String> fileErrnos(MountOutcome.Mounted m) {
        Map<String, String> out = new TreeMap<>();
        for (TreeEntry e : m.tree()) {
            if (e.type().equals("file")) {
                out.put(e.path(), e.readErrno());
            }
        }
        return out;
    }

    @Test
    @DisplayName("no-daemon: the volume and cookie are acquired without a cache; the superblock read gives ENOBUFS")
    void noDaemon() {
        MountOutcome.Failed f = failed(MountModel.predict(on().mount(null, "fsid=img")), Errno.ENOBUFS);
        assertThat(f.log()).containsExactly(SB + "erofs_read_superblock: cannot read erofs superblock");
    }

    @Test
    @DisplayName("missing-primary-blob: the superblock read meets the cookie still being created: source 2, EIO")
    void missingPrimary() {
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,img/other", served(plain))
                .mount(null, "fsid=img")), Errno.EIO);
        assertThat(f.log()).containsExactly("erofs: erofs_fscache_read_io_async: prepare_ondemand_read failed (source 2)",
                SB + "erofs_read_superblock: cannot read erofs superblock");
    }

    @Test
    @DisplayName("daemon-gone-at-first-read: the superblock's READ is failed when /dev/cachefiles closes: source 4, EIO")
    void goneAtFirstRead() {
        Node.FscacheBlob b = new Node.FscacheBlob(ImageBytes.of(plain), Node.FscacheBlob.Daemon.GONE_AT_FIRST_READ,
                Node.FscacheBlob.PastEnd.ZEROS);
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,img/img", b).mount(null, "fsid=img")),
                Errno.EIO);
        assertThat(f.log()).containsExactly("erofs: erofs_fscache_read_io_async: prepare_ondemand_read failed (source 4)",
                SB + "erofs_read_superblock: cannot read erofs superblock");
    }

    @Test
    @DisplayName("same-fsid-twice: fscache_acquire_volume gives erofs,img once: EBUSY")
    void sameFsidTwice() {
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,img/img", served(plain))
                .before(null, "fsid=img").mount(null, "fsid=img")), Errno.EBUSY);
        assertThat(f.log()).containsExactly(SB + "erofs_fscache_register_volume: failed to register volume for erofs,img");
    }

    @Test
    @DisplayName("a cookie key used twice in one volume (device= named like the fsid): Duplicate cookie, EINVAL [source only]")
    void duplicateCookie() {
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,img/img", served(multidev))
                .mount(null, "fsid=img,device=img")), Errno.EINVAL);
        assertThat(f.log()).containsExactly(SB + "erofs_fscache_acquire_cookie: failed to get cookie for img", DEPRECATED);
    }

    @Test
    @DisplayName("missing-device-blob: mounts; the data in the refused cookie reads ENOBUFS, silently")
    void missingDevice() {
        MountOutcome.Mounted m = mounted(MountModel.predict(on().node("fscache:erofs,img/img", served(multidev))
                .mount(null, "fsid=img,device=blob1")));
        assertThat(m.log()).containsExactly(DEPRECATED, SB + "mounted with root inode @ nid 41.");
        assertThat(fileErrnos(m)).containsEntry("/f4096", "ENOBUFS").containsEntry("/dir1/hello.txt", "ENOBUFS")
                .containsEntry("/f0", null);
    }

    @Test
    @DisplayName("multi-device: device=blob1 is the cookie blob1 of the volume; every file reads whole")
    void multiDevice() {
        MountOutcome.Mounted m = mounted(MountModel.predict(on().node("fscache:erofs,img/img", served(multidev))
                .node("fscache:erofs,img/blob1", served(blob)).mount(null, "fsid=img,device=blob1")));
        assertThat(fileErrnos(m).values()).containsOnlyNulls();
    }

    @Test
    @DisplayName("multi-device-empty-tag: the deprecation line follows the scan's error")
    void emptyTag() {
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,img/img", served(multidev))
                .mount(null, "fsid=img")), Errno.EINVAL);
        assertThat(f.log()).containsExactly(SB + "erofs_init_device: empty device tag @ pos 1152", DEPRECATED);
    }

    @Test
    @DisplayName("domain-id-shared-device: a device cookie already in the domain is shared, only a primary must be new")
    void sharedDevice() {
        MountOutcome.Mounted m = mounted(MountModel.predict(on().node("fscache:erofs,dom/img", served(multidev))
                .node("fscache:erofs,dom/img2", served(multidev)).node("fscache:erofs,dom/blob1", served(blob))
                .before(null, "fsid=img,domain_id=dom,device=blob1").mount(null, "fsid=img2,domain_id=dom,device=blob1")));
        assertThat(fileErrnos(m).values()).containsOnlyNulls();
        MountOutcome.Failed f = failed(MountModel.predict(on().node("fscache:erofs,dom/img", served(plain))
                .before(null, "fsid=img,domain_id=dom").mount(null, "fsid=img,domain_id=dom")), Errno.EEXIST);
        assertThat(f.log()).containsExactly(SB + "erofs_domain_register_cookie: img already exists in domain dom");
    }

    @Test
    @DisplayName("daemon-gone-after-mount: the pages the mount read stay cached, every other read is ENOBUFS")
    void goneAfterMount() {
        Node.FscacheBlob b = new Node.FscacheBlob(ImageBytes.of(plain), Node.FscacheBlob.Daemon.GONE_AFTER_MOUNT,
                Node.FscacheBlob.PastEnd.ZEROS);
        MountOutcome.Mounted m = mounted(MountModel.predict(on().node("fscache:erofs,img/img", b).mount(null, "fsid=img")));
        List<String> log = m.log();
        assertThat(log).startsWith(DEPRECATED, SB + "mounted with root inode @ nid 37.",
                SB + "erofs_readdir: fail to readdir of logical block 0 of nid 115",
                SB + "erofs_read_inode: failed to get inode (nid: 1280) page, err -105");
        // inline data in page 0 (read by the mount) reads; data blocks the mount never read do not
        assertThat(fileErrnos(m)).containsEntry("/dir1/hello.txt", null).containsEntry("/f4096", "ENOBUFS");
    }
}
