package org.erofssim.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders left by a SIGKILLed JVM (its finally and shutdown hook never ran) are removed at the
 * next boot's start; a running boot's folder, this JVM's or another process's, is not. The other
 * process is a child JVM that makes a folder with {@link RunFolders#create} and waits; killing it
 * with SIGKILL is what bench's timeout or the OOM killer does.
 */
class RunFoldersTest {
    @TempDir
    Path tmp;

    /** The child: makes a run folder in {@code args[0]}, prints it, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunFolders.Run run = RunFolders.create(Path.of(args[0]));
            Files.write(run.dir().resolve("scratch.ext4"), new byte[4096]);
            System.out.println(run.dir());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }

    private static Process holder(Path scratch) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), scratch.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void aKilledProcesssFolderIsRemovedAndARunningOnesIsNot() throws Exception {
        Path scratch = tmp.resolve("runs");
        Process child = holder(scratch);
        try {
            String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("the child's run folder").isNotNull();
            Path theirs = Path.of(line);
            assertThat(theirs.getParent()).isEqualTo(scratch.toAbsolutePath());
            assertThat(Files.readString(theirs.resolve(RunFolders.OWNER)).strip()).isEqualTo(Long.toString(child.pid()));

            assertThat(RunFolders.reclaimStale(scratch)).as("while its owner runs").isEmpty();
            assertThat(theirs.resolve("scratch.ext4")).exists();

            child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> removed = RunFolders.reclaimStale(scratch);
            assertThat(removed).singleElement().asString().contains(theirs.toString()).contains("pid " + child.pid())
                    .doesNotContain("\n");
            assertThat(theirs).doesNotExist();
            assertThat(RunFolders.reclaimStale(scratch)).isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void thisJvmsOwnFolderIsNeverLookedInto() throws Exception {
        Path scratch = tmp.resolve("runs");
        try (RunFolders.Run mine = RunFolders.create(scratch)) {
            for (int i = 0; i < 2; i++) { // a second pass: the first must not have dropped the lock by closing a channel
                assertThat(RunFolders.reclaimStale(scratch)).isEmpty();
            }
            assertThat(mine.dir()).exists();
            // another process sees the lock held: python3's fcntl.lockf is the lock FileChannel takes
            Process p = org.erofssim.tools.HostTools.processBuilder("python3", "-c",
                    "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n    fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                            + "    print('taken')\nexcept OSError:\n    print('refused')\n",
                    mine.dir().resolve(RunFolders.OWNER).toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo("refused");
        }
        try (var s = Files.list(scratch)) {
            assertThat(s.toList()).as("close removes the folder").isEmpty();
        }
    }

    @Test
    void aFolderWithoutAnOwnerGoesOnlyWhenUnchangedForADay() throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("runs"));
        Path legacy = Files.createDirectories(scratch.resolve("run-123")); // made by a build before owner locks
        Files.writeString(legacy.resolve("console.log"), "booting\n");
        Path unwritten = Files.createDirectories(scratch.resolve("run-456")); // its maker died before writing its pid
        Files.createFile(unwritten.resolve(RunFolders.OWNER));
        Path other = Files.createDirectories(scratch.resolve("boot")); // not a run folder
        assertThat(RunFolders.reclaimStale(scratch)).as("fresh: perhaps a boot starting or running").isEmpty();

        FileTime old = FileTime.from(Instant.now().minus(RunFolders.UNOWNED_AGE).minus(Duration.ofHours(1)));
        for (Path d : List.of(legacy, unwritten, other)) {
            try (var s = Files.list(d)) {
                for (Path f : s.toList()) {
                    Files.setLastModifiedTime(f, old);
                }
            }
            Files.setLastModifiedTime(d, old);
        }
        Files.setLastModifiedTime(legacy.resolve("console.log"), FileTime.from(Instant.now())); // a guest still printing
        assertThat(RunFolders.reclaimStale(scratch)).singleElement().asString().contains(unwritten.toString())
                .contains("unchanged for over 24 hours");
        assertThat(legacy).exists();
        Files.setLastModifiedTime(legacy.resolve("console.log"), old);
        assertThat(RunFolders.reclaimStale(scratch)).singleElement().asString().contains(legacy.toString());
        assertThat(other).exists();
        assertThat(RunFolders.reclaimStale(tmp.resolve("absent"))).isEmpty();
    }
}
