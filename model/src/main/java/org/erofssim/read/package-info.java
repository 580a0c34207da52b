/**
 * The read path of uncompressed inodes (data.c, fileio.c: {@code erofs_map_blocks},
 * {@code erofs_map_dev}, the folio reads) and the model of the page cache and readahead
 * (mm/filemap.c, mm/readahead.c) that compressed reads go through. Layer 3 of the model: uses
 * only {@code sb} and below.
 */
package org.erofssim.read;
