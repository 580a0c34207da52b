package org.erofssim.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("references: the spec and a recording answer through one interface")
class ReferencesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Spec §9 row 14: no source, EINVAL. */
    private static final String NO_SOURCE = "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {}";

    @TempDir
    Path tmp;

    private Case write(String name, String json) throws IOException {
        Path f = tmp.resolve("scenarios").resolve(name + ".json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, json);
        return new Case(name, f, ScenarioJson.read(f));
    }

    @Test
    @DisplayName("identity: kind and release, structured for JSON reports and as a column label")
    void identity() {
        Identity rec = new Identity(Identity.Kind.RECORDED, "6.18.44-fc-v782");
        assertThat(rec.toJson().toString()).isEqualTo("{\"kind\":\"recorded\",\"release\":\"6.18.44-fc-v782\"}");
        assertThat(rec.label()).isEqualTo("recorded 6.18.44-fc-v782");
        assertThat(new SpecExpectation().identity().toJson().toString()).isEqualTo("{\"kind\":\"spec\"}");
        assertThat(new SpecExpectation().identity().label()).isEqualTo("spec");
        assertThat(new HostKernel().identity().kind()).isEqualTo(Identity.Kind.LIVE);
        assertThat(new HostKernel().identity().release()).isEqualTo(HostKernel.runningRelease()).isNotBlank();
    }

    @Test
    @DisplayName("spec: an expectation compared as a subset on the scenario's profile; none is unchecked; malformed is one line")
    void spec() throws IOException {
        Reference spec = new SpecExpectation();
        Case met = write("met", NO_SOURCE + ", \"expect\": {\"errno\": \"EINVAL\"}}");
        Case unmet = write("unmet", NO_SOURCE + ", \"expect\": {\"outcome\": \"mounted\"}}");
        Case none = write("none", NO_SOURCE + "}");
        assertThat(spec.comparison()).isEqualTo(Comparison.EXPECTATION_SUBSET);
        assertThat(spec.profile(met.scenario()).orElseThrow().name()).isEqualTo("6.18.44");
        assertThat(spec.refuses(met)).isEmpty();
        MountOutcome model = MountModel.predict(met.scenario());
        assertThat(spec.comparison().differences(model, spec.observe(met))).isEmpty();
        assertThat(spec.comparison().differences(model, spec.observe(unmet)))
                .singleElement().satisfies(d -> assertThat(d.field()).isEqualTo("outcome"));
        Observation o = spec.observe(none);
        assertThat(o).isInstanceOf(Observation.Unchecked.class);
        assertThat(((Observation.Unchecked) o).why()).isEqualTo(Observation.Why.NO_EXPECTATION);
        assertThat(spec.observe(Case.of(met.scenario()))).isInstanceOf(Observation.Unchecked.class);
        Case bad = write("bad", NO_SOURCE + ", \"expect\": {\"errno\": 5}}");
        assertThatThrownBy(() -> spec.observe(bad)).isInstanceOf(ReferenceInputException.class)
                .hasMessageEndingWith("expect.errno: expected a string");
    }

    @Test
    @DisplayName("recording: observed, stale, refused, not recorded, no profile; compared as a kernel's outcome")
    void recording() throws IOException {
        Case c = write("row14", NO_SOURCE + "}");
        Case other = write("other", NO_SOURCE + ", \"options\": \"ro\"}");
        Path rec = tmp.resolve("recorded");
        Scenario s = c.scenario();
        String outcome = OutcomeJson.write(MountModel.predict(s));
        record(rec, "6.18.44-test", "row14", outcome, Recordings.inputsSha256(c.file()));
        record(rec, "6.18.44-test", "other", outcome, "0".repeat(64));
        Files.writeString(rec.resolve("6.18.44-test").resolve(Recordings.REFUSED), "# header\nfifo\tFIFO /x would block\n");
        record(rec, "5.10.0-old", "row14", outcome, Recordings.inputsSha256(c.file()));

        assertThat(RecordedKernel.all(rec)).extracting(RecordedKernel::release).containsExactly("5.10.0-old", "6.18.44-test");
        RecordedKernel k = new RecordedKernel(rec, "6.18.44-test");
        assertThat(k.comparison()).isEqualTo(Comparison.KERNEL_OUTCOME);
        assertThat(k.profile(s).orElseThrow().name()).isEqualTo("6.18.44");
        Observation o = k.observe(c);
        assertThat(o).isInstanceOf(Observation.Observed.class);
        assertThat(k.comparison().differences(MountModel.predict(s), o)).isEmpty();
        assertThat(((Observation.Unchecked) k.observe(other)).why()).isEqualTo(Observation.Why.STALE);
        Case fifo = new Case("fifo", c.file(), s);
        assertThat(k.refuses(fifo)).contains("FIFO /x would block");
        assertThat(((Observation.Unchecked) k.observe(fifo)).reason())
                .isEqualTo("refused by the live oracle when recorded: FIFO /x would block");
        assertThat(((Observation.Unchecked) k.observe(new Case("nope", c.file(), s))).why())
                .isEqualTo(Observation.Why.NOT_RECORDED);
        RecordedKernel old = new RecordedKernel(rec, "5.10.0-old");
        assertThat(old.profile(s)).isEmpty();
        assertThat(((Observation.Unchecked) old.observe(c)).why()).isEqualTo(Observation.Why.NO_PROFILE);
    }

    private static void record(Path dir, String release, String name, String outcomeJson, String inputs)
            throws IOException {
        ObjectNode h = JSON.createObjectNode().put("kernel", release).put("date", "2026-01-01T00:00:00Z")
                .put("erofsSim", "test").put("scenario", name + ".json").put("inputsSha256", inputs);
        Path f = Recordings.file(dir, release, name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, Recordings.format(h, (ObjectNode) JSON.readTree(outcomeJson)));
    }
}
