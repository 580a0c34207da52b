package org.erofssim.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.testkit.Live;

/**
 * The child JVM of {@link LiveOracleKillTest}: observes a scenario that makes every kind of
 * resource (bound and unbound loop devices, a tmpfs, file-backed and loop-backed wrapper erofs
 * mounts, bind mounts, the scenario's own mount), and once mount(2) has succeeded writes the
 * sandbox folder to the marker file and waits to be killed.
 * Arguments: the folder holding {@code plain.img}, the marker file.
 */
// not a test (the child LiveOracleKillTest starts and kills), marked for what it needs: the live oracle
@Live
public final class KillChild {
    private KillChild() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path marker = Path.of(args[1]);
        LiveKernelOracle.afterMountHook = dir -> {
            try {
                Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"), dir.toString());
                Files.move(marker.resolveSibling(marker.getFileName() + ".tmp"), marker);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // wait for SIGKILL
                }
            }
        };
        new LiveKernelOracle().observe(ScenarioJson.read("""
                {"version": 1, "name": "kill-me",
                 "nodes": {"/dev/loop0": {"kind": "bdev", "image": "plain.img"},
                           "/dev/loop1": {"kind": "bdev"},
                           "/t/a.erofs": {"kind": "file", "image": "plain.img", "fs": "tmpfs"},
                           "/e/a.erofs": {"kind": "file", "image": "plain.img", "fs": "erofs"},
                           "/b/a.erofs": {"kind": "file", "image": "plain.img", "fs": "erofs-bdev"}},
                 "source": "/dev/loop0"}""", work));
        System.exit(3); // not reached: the hook never returns
    }
}
