package org.erofssim;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The model's package stack as ArchUnit rules (checked by {@link ArchitectureTest}, shown to
 * bite by {@link PackageStackTest}); docs/DESIGN.md draws the same layers. From the bottom:
 *
 * <pre>
 * mount                        get_tree, fill_super, options, device scan, statfs, describe
 * file                         the read facade (plain vs compressed), namei, readdir, fiemap, tree walk
 * zip                          zmap, zdata, decompressors
 * inode     read     contract  iget, xattrs | data.c, fileio.c, page cache, readahead | scenario, outcome, JSON
 * sb                           internal.h: erofs_sb_info, erofs_inode, buffers, devices, mount options
 * block                        the VFS namespace and block devices the mount path sees
 * kernel    ondisk   tools     kernel configs and profiles | on-disk format | host tools
 * </pre>
 *
 * Each layer may use only the layers below it that are named in its rule; packages of one row
 * do not use each other. A new package must be given a layer here (every class of the model
 * must be in one).
 */
final class PackageStack {
    private PackageStack() {}

    static final String ROOT = "org.erofssim";

    /** No cycle between any two packages under {@code org.erofssim} (one slice per full package name). */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching(ROOT + ".(**)")
            .should().beFreeOfCycles()
            .as("no cycle between packages under " + ROOT);

    /** The layer order of the picture above: each layer uses only the layers below it that it names. */
    static final ArchRule LAYERS = layers().as("the model's layers: each uses only the layers below it");

    /** {@link #LAYERS} as a builder (the self-test makes its layers optional: it imports a few classes). */
    static LayeredArchitecture layers() {
        return layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage(ROOT + "..")
                .layer("kernel").definedBy(ROOT + ".kernel..")
                .layer("ondisk").definedBy(ROOT + ".ondisk..")
                .layer("tools").definedBy(ROOT + ".tools..")
                .layer("block").definedBy(ROOT + ".block..")
                .layer("sb").definedBy(ROOT + ".sb..")
                .layer("inode").definedBy(ROOT + ".inode..")
                .layer("read").definedBy(ROOT + ".read..")
                .layer("contract").definedBy(ROOT + ".contract..")
                .layer("zip").definedBy(ROOT + ".zip..")
                .layer("file").definedBy(ROOT + ".file..")
                .layer("mount").definedBy(ROOT + ".mount..")
                .whereLayer("kernel").mayNotAccessAnyLayer()
                .whereLayer("ondisk").mayNotAccessAnyLayer()
                .whereLayer("tools").mayNotAccessAnyLayer()
                .whereLayer("block").mayOnlyAccessLayers("kernel")
                .whereLayer("sb").mayOnlyAccessLayers("block", "kernel", "ondisk")
                .whereLayer("inode").mayOnlyAccessLayers("sb", "block", "kernel", "ondisk")
                .whereLayer("read").mayOnlyAccessLayers("sb", "block", "kernel", "ondisk")
                .whereLayer("contract").mayOnlyAccessLayers("sb", "block", "kernel", "ondisk")
                .whereLayer("zip").mayOnlyAccessLayers("read", "sb", "block", "kernel", "ondisk")
                .whereLayer("file").mayOnlyAccessLayers("zip", "read", "inode", "contract", "sb", "block", "kernel",
                        "ondisk")
                .whereLayer("mount").mayOnlyAccessLayers("file", "zip", "read", "inode", "contract", "sb", "block",
                        "kernel", "ondisk", "tools")
                .ensureAllClassesAreContainedInArchitecture();
    }
}
