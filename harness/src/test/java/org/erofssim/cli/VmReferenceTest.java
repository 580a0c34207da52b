package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.erofssim.reference.Case;
import org.erofssim.reference.Identity;
import org.erofssim.reference.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM kernel as a reference read from what {@code vm-observe} printed (no root, no QEMU):
 * answers matched to the corpus by path tail, the guest oracle's refusal a refusal, a guest
 * failure unchecked with its line, and {@code record --from-observations} writing the same
 * recordings {@code record} writes.
 */
class VmReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OUTCOME = "{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\",\"mode\":null,"
            + "\"log\":[\"/srv/plain.erofs: Can't open blockdev\"],\"superblock\":null,\"superOptions\":null,"
            + "\"statfs\":null,\"devices\":null,\"tree\":null,\"notes\":[]}";

    @TempDir
    Path tmp;

    private Path observations() throws Exception {
        String elsewhere = "/somewhere/else/fixtures/scenarios/decision-table/";
        Path f = tmp.resolve("obs.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"scenario\":\"" + elsewhere + "row06-file-read.json\",\"release\":\"6.1.0-57-amd64\",\"exit\":0,"
                        + "\"outcome\":" + OUTCOME + ",\"error\":null,\"seconds\":1.0}",
                "{\"scenario\":\"" + elsewhere + "row12-fifo.json\",\"release\":\"6.1.0-57-amd64\",\"exit\":77,"
                        + "\"outcome\":null,\"error\":\"erofs-sim observe: scenario refused by the kernel oracle: FIFO"
                        + " /run/erofs.fifo would block mount(2) in open until a writer comes; not run\",\"seconds\":1.0}",
                "{\"scenario\":\"" + elsewhere + "row06-file-inside-fileio-erofs.json\",\"release\":\"6.1.0-57-amd64\","
                        + "\"exit\":77,\"outcome\":null,\"error\":\"erofs-sim observe: kernel oracle unavailable: cannot"
                        + " build the scenario's namespace: mount /tmp/erofs-sim-live-123/fs/erofs/mnt: ENOTBLK\","
                        + "\"seconds\":1.0}") + "\n");
        return f;
    }

    private static Case caseOf(String name) {
        Path f = Cli.root().resolve("fixtures/scenarios").resolve(name + ".json");
        return new Case(name, f, Scenarios.load(f, f.toString()));
    }

    @Test
    void answersComeFromTheBatchByCorpusName() throws Exception {
        Path corpus = Cli.root().resolve("fixtures/scenarios");
        List<Path> files = Corpus.files(corpus);
        VmReference ref = VmReference.fromObservations(List.of(observations()), corpus, files);
        assertThat(ref.identity()).isEqualTo(new Identity(Identity.Kind.VM, "6.1.0-57-amd64"));
        assertThat(ref.profile(null).orElseThrow().release()).isEqualTo("6.1.192");
        Observation read = ref.observe(caseOf("decision-table/row06-file-read"));
        assertThat(read).isInstanceOf(Observation.Observed.class);
        assertThat(ref.refuses(caseOf("decision-table/row12-fifo"))).hasValueSatisfying(
                r -> assertThat(r).startsWith("FIFO /run/erofs.fifo"));
        Observation guestFailed = ref.observe(caseOf("decision-table/row06-file-inside-fileio-erofs"));
        assertThat(((Observation.Unchecked) guestFailed).why()).isEqualTo(Observation.Why.REFUSED);
        assertThat(ref.refuses(caseOf("decision-table/row06-file-inside-fileio-erofs")))
                .hasValue("the oracle cannot build the scenario's namespace on this kernel: mount <sandbox>/fs/erofs/mnt: ENOTBLK");
        assertThat(((Observation.Unchecked) ref.observe(caseOf("decision-table/row03-bdev"))).why())
                .isEqualTo(Observation.Why.NOT_RECORDED);
    }

    @Test
    void recordFromObservationsWritesRecordingsAndRefusals() throws Exception {
        Path out = tmp.resolve("recorded");
        Cli.Result r = Cli.run("record", "--from-observations", observations().toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("recorded 1 of ", "2 refused, 0 not recorded", "not in the observations");
        JsonNode rec = JSON.readTree(out.resolve("6.1.0-57-amd64/decision-table/row06-file-read.json").toFile());
        assertThat(rec.get("recording").get("kernel").asText()).isEqualTo("6.1.0-57-amd64");
        assertThat(rec.get("outcome").get("errno").asText()).isEqualTo("ENOTBLK");
        assertThat(Files.readString(out.resolve("6.1.0-57-amd64/refused.tsv"))).contains("decision-table/row12-fifo\tFIFO");
    }

    @Test
    void recordFromPartialObservationsKeepsTheRefusalsOfScenariosTheyDoNotHold() throws Exception {
        // a refusal recorded earlier for a scenario these observations do not hold (s15-zmap lost the committed ones)
        Path out = tmp.resolve("recorded");
        Files.createDirectories(out.resolve("6.1.0-57-amd64"));
        Files.writeString(out.resolve("6.1.0-57-amd64/refused.tsv"), "# header\ndecision-table/row03-bdev\tearlier reason\n");
        Cli.Result r = Cli.run("record", "--from-observations", observations().toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("3 refused, 0 not recorded", "not in the observations");
        assertThat(Files.readString(out.resolve("6.1.0-57-amd64/refused.tsv")))
                .contains("decision-table/row03-bdev\tearlier reason", "decision-table/row12-fifo\tFIFO");
    }

    @Test
    void badObservationFilesAreOneLineExit2() throws Exception {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"scenario\":\"/x/not-in-corpus.json\",\"release\":\"6.1.0-57-amd64\",\"exit\":0}\n");
        Cli.Result r = Cli.run("record", "--from-observations", bad.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).contains("is not in the corpus").doesNotContain("\n");
        Cli.Result both = Cli.run("record", "--kernel", "6.1", "--from-observations", bad.toString());
        assertThat(both.exit()).isEqualTo(2);
    }
}
