/**
 * Inodes: {@code erofs_iget}/{@code erofs_read_inode} (inode.c) and extended attributes
 * (xattr.c). Layer 3 of the model: uses only {@code sb} and below.
 */
package org.erofssim.inode;
