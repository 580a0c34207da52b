/**
 * On-disk EROFS structures: records with named offsets, decoded from little-endian bytes at
 * absolute indices. Decoders never throw: bytes outside the given buffer read as zero, the
 * way the kernel sees a zero-padded page. Encoders and {@link org.erofssim.ondisk.ImageEditor}
 * build and corrupt images for tests and fuzzing.
 */
package org.erofssim.ondisk;
