package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model-only campaign assembles each shape's scenario template from parsed parts (the template
 * without {@code device=} entries, and each entry's node) instead of writing and parsing a JSON per
 * shape: the assembled template must be the parsed one, node by node (kinds, device numbers, flags,
 * bytes), and predict the same outcomes. Templates are shared by cases whose mount contexts differ
 * only where the template writes nothing ({@link FuzzScenarios#templateContext}): each case's is
 * compared with the parse of its own context.
 */
class FuzzTemplatesTest {
    @TempDir
    Path out;

    @Test
    void assembledTemplatesAreTheParsedOnesForTheCasesOfGuidedDraws() throws Exception {
        FuzzCampaign campaign = new FuzzCampaign(new FuzzCampaign.Settings(7, 1, null, Releases.DEFAULT,
                FuzzRoundsTest.IMAGES, out, null, Duration.ofSeconds(30), 40));
        KernelProfile profile = Releases.DEFAULT;
        List<FuzzCase> cases = new ArrayList<>();
        for (long seed : new long[] {12, 42, 7}) {
            FuzzGenerator gen = new FuzzGenerator(seed, FuzzCampaignTest.bases());
            FuzzMutator mutator = new FuzzMutator(gen);
            FuzzCase prev = gen.next();
            for (int i = 0; i < 1000; i++) {
                FuzzCase c = (i & 1) == 0 ? gen.next() : mutator.mutate(prev, gen.next());
                cases.add(c);
                prev = c;
            }
        }
        // the places where a device path meets another node: /dev/loop20 is both the 11th blob
        // loop device and the earlier mount's loop device; a primary file given as device= too
        List<DeviceArg> eleven = new ArrayList<>(java.util.Collections.nCopies(10, DeviceArg.MISSING));
        eleven.add(DeviceArg.BLOB_BDEV);
        cases.add(new FuzzCase(BaseImage.MULTIDEV, FuzzCase.Source.BDEV, false, List.of(), eleven, true, List.of(),
                List.of(), Map.of(), FuzzCase.Context.NONE.withBefore(FuzzCase.Before.SOURCE_CLAIMED)));
        cases.add(new FuzzCase(BaseImage.MULTIDEV, FuzzCase.Source.FILE, false, List.of(),
                List.of(DeviceArg.PRIMARY_FILE, DeviceArg.BLOB_FILE, DeviceArg.DIR, DeviceArg.PRIMARY_FILE), true,
                List.of(), List.of(), Map.of(), FuzzCase.Context.NONE.withFs("tmpfs")));

        Map<String, Integer> reached = new TreeMap<>();
        int predicted = 0;
        for (int k = 0; k < cases.size(); k++) {
            FuzzCase c = cases.get(k);
            // as scenarioInMemory makes a case's scenario from its template
            Scenario parsed = ofCase(campaign.parsedTemplate(c, profile), c, profile);
            Scenario assembled = ofCase(campaign.assembledTemplate(c, profile), c, profile);
            assertThat(describe(assembled)).as("case %d: %s", k, c).isEqualTo(describe(parsed));
            for (int i = 0; i < c.devices().size(); i++) {
                reached.merge(c.devices().get(i) + (i > 0 ? " at index > 0" : " at index 0"), 1, Integer::sum);
            }
            reached.merge("context " + (c.context().equals(FuzzCase.Context.NONE) ? "plain" : "other"), 1, Integer::sum);
            reached.merge("source " + c.source(), 1, Integer::sum);
            // a template shared with cases whose contexts differ only where it writes nothing
            if (FuzzScenarios.templateContext(c.source(), c.context(), false) != c.context()) {
                reached.merge("context narrowed for the template", 1, Integer::sum);
            }
            if (k % 15 == 0 || k >= cases.size() - 2) { // the outcomes too, for one in 15
                assertThat(OutcomeJson.write(MountModel.predict(assembled))).as("case %d: %s", k, c)
                        .isEqualTo(OutcomeJson.write(MountModel.predict(parsed)));
                predicted++;
            }
        }
        System.out.println("FuzzTemplatesTest: " + cases.size() + " cases, " + predicted + " predicted both ways; " + reached);
        for (DeviceArg d : DeviceArg.values()) {
            assertThat(reached).containsKey(d + " at index 0").containsKey(d + " at index > 0");
        }
        for (FuzzCase.Source s : FuzzCase.Source.values()) {
            assertThat(reached).containsKey("source " + s);
        }
        assertThat(reached).containsKey("context other");
        assertThat(reached.getOrDefault("context narrowed for the template", 0)).isGreaterThanOrEqualTo(20);
    }

    private static Scenario ofCase(Scenario template, FuzzCase c, KernelProfile profile) {
        return template.toBuilder().options(c.optionString()).read(c.read())
                .kernel(new KernelConfig(profile, c.effectiveConfig())).build();
    }

    /** Everything of a template but its name and description, nodes in path order, bytes by content. */
    private static String describe(Scenario s) {
        StringBuilder b = new StringBuilder();
        for (var rc : Scenario.class.getRecordComponents()) {
            if (rc.getName().equals("name") || rc.getName().equals("namespace") || rc.getName().equals("description")) {
                continue;
            }
            b.append(rc.getName()).append('=').append(value(s, rc)).append('\n');
        }
        for (Map.Entry<String, Node> e : new TreeMap<>(s.namespace().nodes()).entrySet()) {
            b.append(e.getKey()).append(": ").append(node(e.getValue())).append('\n');
        }
        return b.toString();
    }

    private static String node(Object n) {
        if (n instanceof ImageBytes bytes) {
            byte[] all = new byte[(int) bytes.size()];
            bytes.withoutFaults().read(0, all, 0, all.length); // the faults are compared on their own
            return "bytes(" + bytes.size() + ", " + java.util.Arrays.hashCode(all) + ", faults " + bytes.faults() + ")";
        }
        if (n == null || !n.getClass().isRecord()) {
            return String.valueOf(n);
        }
        StringBuilder b = new StringBuilder(n.getClass().getSimpleName()).append('(');
        for (var rc : n.getClass().getRecordComponents()) {
            b.append(rc.getName()).append('=').append(node(value(n, rc))).append(' ');
        }
        return b.append(')').toString();
    }

    private static Object value(Object o, java.lang.reflect.RecordComponent rc) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
