package org.erofssim.sb;

/**
 * One extra device of a superblock, {@code struct erofs_device_info} (fs/erofs/internal.h):
 * device id {@code id} (≥ 1), the path it was opened by ({@code device=} or the slot tag), the
 * slot's {@code blocks} and {@code mapped_blkaddr} (6.15+: {@code uniaddr}) low words.
 */
public final class ErofsDevice {
    public final int id;
    public String path;
    public String tag;
    public DeviceBacking backing = new DeviceBacking.Flat();
    public long blocks;
    public long mappedBlkaddr;

    public ErofsDevice(int id, String path) {
        this.id = id;
        this.path = path;
    }

    public int id() { return id; }
    public String path() { return path; }
    public String tag() { return tag; }
    public DeviceBacking backing() { return backing; }
    public long blocks() { return blocks; }
    public long mappedBlkaddr() { return mappedBlkaddr; }
}
