package org.erofssim.sb;

import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;

/**
 * What an erofs device ({@code struct erofs_device_info}) reads from: the opened file
 * ({@code dif->file}, fileio), the opened block device ({@code dif->file} from
 * {@code bdev_file_open_by_path}, or the superblock's own {@code s_bdev} for the primary),
 * an fscache cookie, or nothing (flat mode: the extra device is never opened).
 */
public sealed interface DeviceBacking {
    /** The bytes behind it, or null for {@link Flat}. */
    ImageBytes bytes();

    /** The contract's device {@code kind}: file, bdev, blob (fscache cookie) or flat (not opened). */
    String kind();

    record OfFile(Node.RegularFile file, String path) implements DeviceBacking {
        @Override public ImageBytes bytes() { return file.bytes(); }
        @Override public String kind() { return "file"; }
    }

    record OfBdev(Node.BlockDevice bdev, String path) implements DeviceBacking {
        @Override public ImageBytes bytes() { return bdev.bytes() == null ? ImageBytes.empty() : bdev.bytes(); }
        @Override public String kind() { return "bdev"; }
    }

    /**
     * An fscache cookie {@code name}: {@code blob} is what the daemon serves for it, null when
     * the daemon refuses its OPEN or no cache is bound; {@code cache} decides which reads of it
     * fail ({@link FscacheCache#read}).
     */
    record OfCookie(Node.FscacheBlob blob, String name, FscacheCache cache) implements DeviceBacking {
        @Override public ImageBytes bytes() { return blob == null ? ImageBytes.empty() : blob.bytes(); }
        @Override public String kind() { return "blob"; }
    }

    record Flat() implements DeviceBacking {
        @Override public ImageBytes bytes() { return null; }
        @Override public String kind() { return "flat"; }
    }
}
