package org.erofssim.oracle.utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A temporary folder for one oracle run (source tree, image, blob, extraction), deleted on
 * {@link #close()} unless {@code erofssim.keepWork=true}. Names with any bytes are deleted
 * fine: paths from a directory listing keep their raw bytes.
 */
public final class Workspace implements AutoCloseable {
    private final Path dir;

    private Workspace(Path dir) {
        this.dir = dir;
    }

    public static Workspace create(String prefix) {
        try {
            return new Workspace(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    @Override public void close() {
        if (Boolean.getBoolean("erofssim.keepWork")) {
            System.out.println("kept work folder " + dir);
            return;
        }
        delete(dir);
    }

    /** Deletes a tree, making folders writable first where needed. */
    public static void delete(Path root) {
        try {
            if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    d.toFile().setReadable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                /** A folder without read or search permission (mode 000): the walk opens it before preVisitDirectory. */
                @Override public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof java.nio.file.AccessDeniedException
                            && Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && f.toFile().setReadable(true, true) && f.toFile().setExecutable(true, true)) {
                        f.toFile().setWritable(true, true);
                        delete(f);
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
