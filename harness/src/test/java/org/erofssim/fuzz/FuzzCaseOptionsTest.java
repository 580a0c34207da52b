package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.junit.jupiter.api.Test;

/**
 * A case's option string ({@link FuzzCase#optionString}, built without a list per case) is its
 * items joined by commas: the {@code device=} items of its device paths, its options, and
 * {@code fsid=fs1} in fscache mode; null without items. Checked on drawn and mutated cases, and
 * on device places past the paths made once.
 */
class FuzzCaseOptionsTest {
    @Test
    void optionStringsAreTheItemsJoined() throws Exception {
        FuzzGenerator gen = new FuzzGenerator(12, FuzzCampaignTest.bases());
        FuzzMutator mutator = new FuzzMutator(gen);
        List<FuzzCase> cases = new ArrayList<>();
        FuzzCase prev = gen.next();
        for (int i = 0; i < 3000; i++) {
            FuzzCase c = (i & 1) == 0 ? gen.next() : mutator.mutate(prev, gen.next());
            cases.add(c);
            prev = c;
        }
        List<DeviceArg> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(DeviceArg.values()[i % DeviceArg.values().length]);
        }
        cases.add(new FuzzCase(FuzzCase.BaseImage.PLAIN, FuzzCase.Source.FILE, false, List.of(), many, false, List.of(),
                List.of("", "acl", ""), Map.of(), FuzzCase.Context.NONE.withFscache(true)));
        cases.add(new FuzzCase(FuzzCase.BaseImage.PLAIN, FuzzCase.Source.FILE, false, List.of(), List.of(), false, List.of(),
                List.of("", ""), Map.of(), FuzzCase.Context.NONE));
        Map<String, Integer> reached = new TreeMap<>();
        for (FuzzCase c : cases) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < c.devices().size(); i++) {
                String path = switch (c.devices().get(i)) {
                    case BLOB_FILE -> "/srv/dev" + i + ".img";
                    case BLOB_BDEV -> "/dev/loop" + (10 + i);
                    case PRIMARY_FILE -> "/srv/primary" + i + ".img";
                    case DIR -> "/srv/devdir" + i;
                    case MISSING -> "/srv/nodev" + i + ".img";
                };
                assertThat(c.devices().get(i).path(i)).isEqualTo(path);
                items.add("device=" + path);
            }
            items.addAll(c.options());
            if (c.context().fscache()) {
                items.add("fsid=fs1");
            }
            assertThat(c.optionString()).as("%s", c).isEqualTo(items.isEmpty() ? null : String.join(",", items));
            reached.merge(items.isEmpty() ? "no items" : c.devices().isEmpty() ? "options only"
                    : c.options().isEmpty() ? "devices only" : "devices and options", 1, Integer::sum);
            if (c.context().fscache()) {
                reached.merge("fscache", 1, Integer::sum);
            }
        }
        System.out.println("FuzzCaseOptionsTest: " + cases.size() + " cases; " + reached);
        assertThat(reached).containsKeys("no items", "options only", "devices only", "devices and options", "fscache");
    }
}
