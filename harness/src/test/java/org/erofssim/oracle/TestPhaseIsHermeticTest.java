package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.cli.Main;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.testkit.Checkout;
import org.erofssim.vm.VmKernel;
import org.erofssim.vm.VmUnavailable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Surefire's test phase ({@code mvn test}) is hermetic even as root (issue 14): the parent pom
 * sets {@code -Derofssim.live=off} there, and with it the live kernel oracle, the CLI's
 * {@code observe}, the sandbox's mounts and loop devices and the VM oracle's QEMU all refuse
 * (exit 77, one line) before touching the machine. This class is not tagged live, so it runs in
 * that phase only; the static half of the guard (every live test carries the tag) is the
 * properties module's {@code LiveTagGuardTest}.
 */
@DisplayName("mvn test cannot reach a live oracle: the test phase switches them off")
class TestPhaseIsHermeticTest {
    @TempDir Path tmp;

    static Scenario bdevRead() throws Exception {
        return ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios/decision-table/row03-bdev-read.json"));
    }

    @Test
    @DisplayName("the parent pom switches the live oracles off for Surefire")
    void theSwitchIsOn() {
        assertThat(System.getProperty(LiveKernelOracle.SWITCH))
                .as("-D%s in Surefire's systemPropertyVariables (parent pom)", LiveKernelOracle.SWITCH).isEqualTo("off");
        assertThat(LiveKernelOracle.unavailableReason()).contains("switched off", "mvn verify");
    }

    @Test
    @DisplayName("observe through the oracle and through the CLI: unavailable, whoever runs it")
    void observeRefuses() throws Exception {
        Scenario sc = bdevRead();
        assertThatThrownBy(() -> new LiveKernelOracle().observe(sc)).isInstanceOf(OracleUnavailable.class)
                .hasMessageContaining("switched off");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"observe",
                Checkout.root().resolve("fixtures/scenarios/decision-table/row03-bdev-read.json").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(OracleUnavailable.EXIT_CODE);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString().contains("switched off");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    @DisplayName("the sandbox itself refuses to mount or to open /dev/loop-control")
    void theSandboxRefuses() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("target"));
        try (Sandbox sb = Sandbox.create(tmp)) {
            assertThatThrownBy(() -> sb.mount("tmpfs", target.toString(), "tmpfs", 0, null))
                    .isInstanceOf(OracleUnavailable.class).hasMessageContaining("switched off");
            assertThatThrownBy(() -> sb.attachLoop(Files.write(tmp.resolve("img"), new byte[4096]), true, 512, false))
                    .isInstanceOf(OracleUnavailable.class).hasMessageContaining("switched off");
        }
        assertThat(Files.readAllLines(Path.of("/proc/self/mounts"))).noneMatch(l -> l.contains(target.toString()));
    }

    @Test
    @DisplayName("the VM oracle does not look for QEMU")
    void theVmOracleRefuses() {
        assertThatThrownBy(VmKernel::findQemu).isInstanceOf(VmUnavailable.class).hasMessageContaining("switched off");
    }
}
