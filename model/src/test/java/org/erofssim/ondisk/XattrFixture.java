package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/** Test support: where the inline xattr area of a fixture inode starts, found through dump.erofs. */
final class XattrFixture {
    private XattrFixture() {}

    /** Absolute position of the inode of {@code path} in {@code image} (nid from dump.erofs --path). */
    static long inodePosition(String imageName, String path) {
        var image = Fixtures.image(imageName);
        Fixtures.Run run = Fixtures.dumpErofs(image, "--path=" + path);
        if (run.exit() != 0) {
            throw new IllegalStateException("dump.erofs --path=" + path + ": " + run.stderr());
        }
        long nid = Long.parseLong(Fixtures.fields(run.stdout()).get("NID"));
        ByteBuffer buf = Fixtures.buffer(image);
        Superblock sb = Superblock.decode(buf);
        return (sb.metaBlkaddr() << sb.blkszbits()) + nid * 32;
    }
}
