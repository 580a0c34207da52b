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
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model-only campaign makes each case's scenario in memory ({@link FuzzScenarios#inMemory}): a
 * template per shape, assembled from parsed parts (the template without {@code device=} entries,
 * and each entry's node) and shared by cases of every base and of mount contexts that differ only
 * where the template writes nothing ({@link FuzzScenarios#templateContext}), with the case's own
 * image, options, CONFIG and tree read put in. That scenario must be the one the case's own JSON
 * gives, naming its edited image written to a file (what a finding's {@code scenario.json} and a
 * live run use), node by node (kinds, device numbers, flags, bytes, faults), and predict the same
 * outcomes.
 */
class FuzzTemplatesTest {
    @TempDir
    Path out;

    @Test
    void inMemoryScenariosAreTheParsedOnesForTheCasesOfGuidedDraws() throws Exception {
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
                if (i % 10 == 3) { // the base itself as the image
                    c = c.with(c.base(), c.source(), false, List.of(), c.devices(), c.read(), List.of(), c.options(),
                            c.config());
                }
                cases.add(c);
                prev = c;
            }
        }
        // the places where a device path meets another node: /dev/loop20 is both the 11th blob
        // loop device and the earlier mount's loop device; a primary file given as device= too
        List<DeviceArg> eleven = new ArrayList<>(java.util.Collections.nCopies(10, DeviceArg.MISSING));
        eleven.add(DeviceArg.BLOB_BDEV);
        for (boolean fix : new boolean[] {false, true}) { // the base, and an edited image (its checksum stored again)
            cases.add(new FuzzCase(BaseImage.MULTIDEV, FuzzCase.Source.BDEV, fix, List.of(), eleven, true, List.of(),
                    List.of(), Map.of(), FuzzCase.Context.NONE.withBefore(FuzzCase.Before.SOURCE_CLAIMED)));
        }
        cases.add(new FuzzCase(BaseImage.LZ4, FuzzCase.Source.FILE, false, List.of(),
                List.of(DeviceArg.PRIMARY_FILE, DeviceArg.BLOB_FILE, DeviceArg.DIR, DeviceArg.PRIMARY_FILE), true,
                List.of(), List.of(), Map.of(), FuzzCase.Context.NONE.withFs("tmpfs").withEio(true)));

        String blob = FuzzRoundsTest.IMAGES.resolve(FuzzCampaign.BLOB).toAbsolutePath().toString();
        Map<String, Integer> reached = new TreeMap<>();
        int predicted = 0;
        for (int k = 0; k < cases.size(); k++) {
            FuzzCase c = cases.get(k);
            boolean edited = !c.edits().isEmpty() || !c.bytes().isEmpty() || c.fixChecksum();
            if (c.devices().size() > 10 && c.devices().get(10) == DeviceArg.BLOB_BDEV
                    && c.context().before() == FuzzCase.Before.SOURCE_CLAIMED) {
                // /dev/loop20 is the earlier mount's loop device and then the blob: the blob, as in
                // the JSON (an edited case put its image there until session 13)
                reached.merge("/dev/loop20 both, " + (edited ? "edited" : "the base"), 1, Integer::sum);
            }
            Path image = out.resolve("case-" + k + ".erofs"); // a file of its own: the parsed scenario maps it
            java.nio.file.Files.write(image, c.image(campaign.base(c)));
            Scenario parsed = org.erofssim.contract.ScenarioJson.read(
                    c.scenario(profile.name(), image.toString(), blob).toString(), out, "fuzz");
            Scenario inMemory = campaign.scenarioInMemory(c, profile);
            assertThat(describe(inMemory)).as("case %d: %s", k, c).isEqualTo(describe(parsed));
            for (int i = 0; i < c.devices().size(); i++) {
                reached.merge(c.devices().get(i) + (i > 0 ? " at index > 0" : " at index 0"), 1, Integer::sum);
            }
            reached.merge("context " + (c.context().equals(FuzzCase.Context.NONE) ? "plain" : "other"), 1, Integer::sum);
            reached.merge("source " + c.source(), 1, Integer::sum);
            reached.merge("image " + (edited ? "edited" : "the base"), 1, Integer::sum);
            reached.merge("base " + c.base(), 1, Integer::sum);
            // a template shared with cases whose contexts differ only where it writes nothing
            if (FuzzScenarios.templateContext(c.source(), c.context(), false) != c.context()) {
                reached.merge("context narrowed for the template", 1, Integer::sum);
            }
            if (k % 15 == 0 || k >= cases.size() - 2) { // the outcomes too, for one in 15
                assertThat(OutcomeJson.write(MountModel.predict(inMemory))).as("case %d: %s", k, c)
                        .isEqualTo(OutcomeJson.write(MountModel.predict(parsed)));
                predicted++;
            }
            java.nio.file.Files.delete(image);
        }
        System.out.println("FuzzTemplatesTest: " + cases.size() + " cases, " + predicted + " predicted both ways; " + reached);
        for (DeviceArg d : DeviceArg.values()) {
            assertThat(reached).containsKey(d + " at index 0").containsKey(d + " at index > 0");
        }
        for (FuzzCase.Source s : FuzzCase.Source.values()) {
            assertThat(reached).containsKey("source " + s);
        }
        for (BaseImage b : BaseImage.values()) {
            assertThat(reached).containsKey("base " + b);
        }
        assertThat(reached).containsKey("context other").containsKey("/dev/loop20 both, edited")
                .containsKey("/dev/loop20 both, the base");
        assertThat(reached.getOrDefault("image the base", 0)).isGreaterThanOrEqualTo(200);
        assertThat(reached.getOrDefault("context narrowed for the template", 0)).isGreaterThanOrEqualTo(20);
    }

    /**
     * Every template without {@code device=} entries a campaign can ask for (each source in every
     * mount context the generator and mutator can make, narrowed as the templates are keyed),
     * assembled from parsed parts ({@link FuzzScenarios#coreTemplate}), is the one its own JSON
     * gives ({@link FuzzScenarios#partTemplate}): nodes, device numbers, the mount before, the
     * mount API, CONFIG.
     */
    @Test
    void everyCoreTemplateAssembledFromPartsIsTheParsedOne() throws Exception {
        FuzzScenarios scenarios = new FuzzScenarios(FuzzRoundsTest.IMAGES, out, FuzzCampaignTest.bases());
        KernelProfile profile = Releases.DEFAULT;
        java.util.Set<List<Object>> seen = new java.util.HashSet<>();
        Map<String, Integer> reached = new TreeMap<>();
        String[] filesystems = {null, "tmpfs", "ramfs", "proc", "overlay", "erofs", "erofs-bdev"};
        for (FuzzCase.Source source : FuzzCase.Source.values()) {
            for (int bits = 0; bits < 16; bits++) {
                for (String fs : filesystems) {
                    for (int lbs : new int[] {0, 1024, 2048, 4096}) {
                        for (FuzzCase.Before before : FuzzCase.Before.values()) {
                            FuzzCase.Context x = FuzzScenarios.templateContext(source, new FuzzCase.Context(
                                    (bits & 1) != 0, fs, lbs, (bits & 2) != 0, before, (bits & 4) != 0, (bits & 8) != 0),
                                    false);
                            if (!seen.add(List.of(source, x.toString()))) {
                                continue;
                            }
                            Scenario assembled = scenarios.coreTemplate(source, x, profile);
                            Scenario parsed = scenarios.partTemplate(source, x, profile);
                            assertThat(describe(assembled)).as("%s in %s", source, x).isEqualTo(describe(parsed));
                            reached.merge("source " + source, 1, Integer::sum);
                            reached.merge("before " + before, 1, Integer::sum);
                            reached.merge(x.fscache() ? "fscache" : "no fscache", 1, Integer::sum);
                            reached.merge(x.fsopen() ? "fsopen" : "mount(2)", 1, Integer::sum);
                        }
                    }
                }
            }
        }
        System.out.println("FuzzTemplatesTest: " + seen.size() + " core templates; " + reached);
        for (FuzzCase.Source s : FuzzCase.Source.values()) {
            assertThat(reached).containsKey("source " + s);
        }
        for (FuzzCase.Before b : FuzzCase.Before.values()) {
            assertThat(reached).containsKey("before " + b);
        }
        assertThat(reached).containsKeys("fscache", "no fscache", "fsopen", "mount(2)");
        assertThat(seen).hasSizeGreaterThan(400);
    }

    /** Everything of a scenario but its name and description, nodes in path order, bytes by content. */
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
