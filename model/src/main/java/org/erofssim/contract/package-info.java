/**
 * The harness contract ({@code docs/spec/harness-contract.md}): scenarios in
 * ({@link org.erofssim.contract.ScenarioJson}), outcomes out ({@link org.erofssim.contract.OutcomeJson}),
 * and the values themselves ({@link org.erofssim.contract.Scenario},
 * {@link org.erofssim.contract.MountOutcome} and its parts). Below the mount path (it uses only
 * {@code sb}, {@code block} and {@code kernel}), so the model takes and returns its values.
 *
 * <h2>Scenario, as this reader takes it</h2>
 * <ul>
 *   <li>{@code version}: required, the number 1.</li>
 *   <li>{@code kernel}: a profile name (a string: {@code "6.18"}, never the number 6.18);
 *       default the newest profile.</li>
 *   <li>{@code config}: {@code {"SYMBOL": true|false}}, the symbol with or without {@code CONFIG_};
 *       the same symbol twice (with and without prefix) is an error.</li>
 *   <li>{@code nodes}: keys are normalised absolute paths (no {@code //}, {@code .}, {@code ..},
 *       trailing slash, not {@code /}) or {@code fscache:} keys, which must be {@code blob}s
 *       (and blobs must have such keys). A listed ancestor of a node must be a {@code dir}.
 *       A known node field on a kind it does not belong to is an error (e.g. {@code image} on
 *       a dir); an unknown node field is an error too (see below).
 *       <ul>
 *         <li>{@code image} (bdev, file, blob): relative to the scenario's folder or absolute;
 *             a bdev without one is an unbound loop device, a file or blob without one is empty.</li>
 *         <li>{@code dev} (bdev, chardev): {@code "MAJ:MIN"}, MAJ &lt; 4096, MIN &lt; 2^20. Two bdevs
 *             may not share one. Defaults, assigned in path order after the explicit ones:
 *             a bdev at {@code /dev/loopN} gets {@code 7:N} when free, any other bdev the first
 *             free {@code 259:N}; a chardev at {@code /dev/null}, {@code zero}, {@code full},
 *             {@code random}, {@code urandom} gets its real number when free, any other the
 *             first free of those (harmless to open for the live oracle), then {@code 1:256+}.</li>
 *         <li>{@code readOnly} (bdev): default true. {@code fs} (file): default {@code ext4}.
 *             {@code target} (symlink): required, not empty.</li>
 *       </ul></li>
 *   <li>{@code source}, {@code options}: strings; absent or null → null.</li>
 *   <li>{@code flags}: a list, default {@code ["ro"]}. The only flag known so far is {@code ro}
 *       (the only one {@link org.erofssim.contract.Scenario} carries); any other is refused
 *       rather than silently dropped.</li>
 *   <li>{@code read}, {@code extents}, {@code probeCache}: booleans, default false.</li>
 *   <li>{@code readSize}: how many bytes each {@code read(2)} call of the tree walk asks for,
 *       1 .. 16 MiB, default 131072 (the read pattern, see the harness contract).</li>
 *   <li>{@code mmap}: boolean, default false: the walk reads each regular file through a
 *       read-only shared mapping, touching one byte of each page in order (a fault ends the
 *       file: {@code readErrno} EIO, {@code readOkBytes} the bytes of the pages before it); not
 *       together with {@code readSize}.</li>
 * </ul>
 * A field given as JSON {@code null} counts as absent. An unknown field (top level, node or
 * {@code before} entry) is an error naming it: a typo such as {@code "opitons"} or
 * {@code "imgae"} must not silently become a default (issue 11; the first contract draft ignored
 * unknown fields). A field whose name starts with {@code x-} belongs to another tool and is
 * ignored. The harness's own top-level fields {@code expect}, {@code description} and
 * {@code comment} are known. A known field of the wrong type is an error. Duplicate keys and data after the document are
 * errors. No comments: the contract's examples carry {@code //} notes, real files may not.
 *
 * <h3>Model extensions (scenario)</h3>
 * <ul>
 *   <li>{@code "name"}: the scenario's name; default the file name without {@code .json}.</li>
 *   <li>{@code "before"}: a list of {@code {"source", "options", "flags"}} mounts made first, in
 *       order (superblock reuse of a mounted block device); same rules and defaults as the
 *       scenario's own fields.</li>
 *   <li>node {@code "logicalBlockSize"} (bdev): 512 (default), 1024, 2048 or 4096 — the sector
 *       size the live oracle gives {@code losetup --sector-size}.</li>
 *   <li>node {@code "dax"} (bdev): whether the device has a DAX device, default false.</li>
 *   <li>node {@code "nodev"} (bdev): the device node lives on a filesystem mounted {@code nodev}
 *       (spec §9 row 5: looking it up as a block device is EACCES), default false.</li>
 *   <li>node {@code "faults"} (bdev with image, file, blob): {@code {"<4 KiB page index>": "eio" | "short"}}:
 *       reads touching an {@code eio} page fail with EIO; reads end at the start of a
 *       {@code short} page, as if the file had been truncated there.</li>
 * </ul>
 *
 * <h2>Outcome, as the writer writes it</h2>
 * One compact line, fields in this order: {@code version, outcome, errno, mode, log,
 * superblock{anonDev, dev, sysfsName, blockSize}, superOptions,
 * statfs{type, bsize, blocks, bfree, bavail, files, ffree, namelen, fsid}, devices[], tree[],
 * notes, reason}. {@code superblock}, {@code superOptions}, {@code statfs}, {@code devices} and
 * {@code tree} are present on every outcome and {@code null} unless it is {@code mounted}.
 * {@code statfs.type} is {@code "0x"} and lower-case hex; {@code files}/{@code ffree} are
 * unsigned 64-bit numbers (up to 18446744073709551615).
 *
 * <h3>Model extensions (outcome)</h3>
 * <ul>
 *   <li>{@code "outcome": "crashed"} with {@code "reason"}: the modelled kernel oopses on this
 *       path; {@code "blocked"} also carries a {@code "reason"}.</li>
 *   <li>{@code superblock.dev} ({@code "7:0"}, {@code "0:*"} for an anonymous device),
 *       {@code statfs.bfree}/{@code bavail}, {@code devices[].path} (the {@code device=} value or
 *       tag used to open it; null in flat mode).</li>
 *   <li>{@code "notes"} (top level and per tree entry): model-side remarks, left out when empty.</li>
 *   <li>A file the kernel reads without an error but with bytes nothing on the image
 *       determines (stale memory: the kernel's LZ4 decoder accepts a match of offset 0 and, in
 *       a partial decode, leaves the page's old contents in place) has {@code "sha256": null}
 *       and a per-entry note starting with {@code kernel returns undefined bytes: } (saying how
 *       many and where), with {@code readErrno}/{@code readOkBytes} as for any file. The
 *       contract's "the hash then is that of the wrong bytes" cannot hold for bytes that change
 *       from one read to the next, so the comparator takes such an entry to match any kernel
 *       {@code sha256} and compares the rest. Deterministic wrong bytes (the same decoder's
 *       offset-0 match in a full decode writes zeros) keep the contract's rule: their hash.</li>
 *   <li>{@code extents} entries are {@code [logical, physical, length, "flags", device]}: the
 *       contract's four elements plus the erofs device id as a fifth; the reader also takes four
 *       (device 0).</li>
 *   <li>A tree entry for a name that {@code getdents64} lists but {@code lstat} cannot reach
 *       carries only {@code path}, {@code ino} (the dirent's nid, {@code d_ino}), {@code type}
 *       (from the dirent's file type, null when unknown), {@code mode} null and {@code readErrno}
 *       (lstat's errno); the contract is silent on such names. A walker gets names as C strings:
 *       a name holding a NUL byte is its part before the NUL, and names that are then empty or
 *       hold {@code /} are left out (with a note).</li>
 *   <li>Kernel-log attribution (the live oracle's {@code log}). The kernel log is the machine's:
 *       without {@code CONFIG_PRINTK_CALLER} a record names no task, and another process's
 *       file-backed mount prints the same {@code erofs (device erofs)} lines. An observation's
 *       {@code log} is the records printed between just before its {@code mount(2)} and the end
 *       of its tree walk, with real names mapped back to the scenario's. Left out as certainly
 *       foreign: lines naming a block device its sandbox did not attach; {@code (device erofs)}
 *       lines while its source is a block device; a {@code mounted with root inode} line when its
 *       mount failed or naming another root nid than its mount's ({@code st_ino} of its root);
 *       an {@code erofs: Unknown parameter} its options do not have. Foreign file-backed activity
 *       during a file-backed observation (such a foreign mount line, two mount lines of its
 *       nid, an {@code erofs-N} entry of {@code /sys/fs/erofs} appearing or vanishing besides
 *       its own, {@code (device erofs)} lines within 60 ms after its sandbox is released) may
 *       leave foreign lines that look like its own: the scenario is then observed again in a
 *       new sandbox, up to 5 times, and the first observation without it is the answer. When
 *       none comes, the last outcome carries the note
 *       {@code kernel log attribution uncertain, log not compared: } (naming the evidence), and
 *       the comparator leaves {@code log} out of that comparison instead of reporting a
 *       divergence. Two observations that give the same log do not settle it (on a busy host two
 *       in a row held the same foreign line). Undetectable: a foreign file-backed mount that
 *       prints read errors inside the window and nothing around it.</li>
 *   <li>An incomplete kernel log. When an observation's records were overwritten in the kernel's
 *       log buffer before the observer read them ({@code /dev/kmsg} answers {@code EPIPE}), its
 *       {@code log} holds only the records that survived, and the outcome carries the note
 *       {@code kernel log incomplete, its surviving lines compared as a subsequence: } followed by
 *       {@code at least N record(s)} lost (the VM guest's native runner counts them). The
 *       comparator then takes that log to agree when its lines appear in the other side's log in
 *       the same order; where one does not, that line is the only difference reported for
 *       {@code log}. Every other field compares as always.</li>
 * </ul>
 */
package org.erofssim.contract;
