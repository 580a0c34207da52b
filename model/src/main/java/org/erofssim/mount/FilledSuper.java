package org.erofssim.mount;

import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;

/**
 * Result of {@link FillSuper#fill} ({@code erofs_fc_fill_super}): the metadata buffer used (for
 * later reads) and the root inode. A record of its own so that {@link KernelState}, which keeps
 * it for a mounted superblock, does not depend on the fill itself.
 */
record FilledSuper(MetaBuf buf, ErofsInode root) {}
