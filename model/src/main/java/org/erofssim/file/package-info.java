/**
 * Files as the VFS reads them: {@link org.erofssim.file.DataReader}, the read facade that
 * dispatches uncompressed inodes to {@code read} and compressed ones to {@code zip}; lookup
 * (namei.c), directories (dir.c), FIEMAP and the tree walk. Layer 5 of the model: uses
 * {@code zip}, {@code read}, {@code inode}, {@code contract}, {@code sb} and below.
 */
package org.erofssim.file;
