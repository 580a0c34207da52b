package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.tools.ErofsUtils;

/** Builds EROFS images with {@code mkfs.erofs} from a {@link TreeSpec} or a folder. */
public final class Mkfs {
    private Mkfs() {}

    /**
     * What one mkfs run left in {@code dir}: the image, the blob device where {@code --blobdev}
     * was given (else null), the source folder, and the run itself. A refused build has
     * {@code ok() == false} and its reason in {@code run().err()}.
     */
    public record Built(Path dir, Path image, Path blob, Path source, MkfsOptions options,
                        UtilsProcess.Result run) {
        public boolean ok() {
            return run.ok();
        }

        /** Extra devices in device-table order (the blob, if any). */
        public List<Path> devices() {
            return blob == null ? List.of() : List.of(blob);
        }

        public Built orThrow() {
            run.orThrow();
            return this;
        }

        /** mkfs's complaint, one line. */
        public String refusal() {
            String e = run.err().strip();
            int nl = e.indexOf('\n');
            return nl < 0 ? e : e.substring(0, nl);
        }
    }

    /** Materializes {@code spec} into {@code workDir/src} and builds {@code workDir/image.erofs}. */
    public static Built build(TreeSpec spec, MkfsOptions options, Path workDir) throws IOException {
        Path src = workDir.resolve("src");
        spec.materialize(src);
        return build(src, options, workDir);
    }

    /** Builds {@code workDir/image.erofs} (and {@code workDir/blob.erofs}) from {@code sourceDir}. */
    public static Built build(Path sourceDir, MkfsOptions options, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path image = workDir.resolve("image.erofs").toAbsolutePath();
        Path blob = options.blobdev() ? workDir.resolve("blob.erofs").toAbsolutePath() : null;
        Files.deleteIfExists(image);
        if (blob != null) {
            Files.deleteIfExists(blob);
        }
        List<String> args = new ArrayList<>(options.args(blob));
        args.add(image.toString());
        args.add(sourceDir.toAbsolutePath().toString());
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.MKFS, args, options.env());
        return new Built(workDir, image, blob, sourceDir, options, r);
    }
}
