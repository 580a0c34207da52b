/**
 * Compressed inodes: the compressed map (zmap.c), compressed reads through the page cache
 * (zdata.c) and the decompressors (decompressor*.c, lib/lz4). Layer 4 of the model: uses
 * {@code read} (page cache, device reads), {@code sb} and below.
 */
package org.erofssim.zip;
