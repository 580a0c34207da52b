/**
 * The in-memory state fs/erofs/internal.h describes: the superblock info ({@code erofs_sb_info}),
 * its devices, the in-memory inode ({@code erofs_inode}), the metadata buffer ({@code erofs_bread}),
 * the mount options and the superblock's log functions. Layer 2 of the model: uses only
 * {@code block}, {@code kernel} and {@code ondisk}; the mount path above fills it in.
 */
package org.erofssim.sb;
