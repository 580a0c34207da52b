package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.erofssim.ondisk.FieldEdit;
import org.junit.jupiter.api.Test;

/**
 * The campaign's histograms count values by the objects collected (hashed) and read them by their
 * strings (session 11): an enum and its name are one value, and the histograms come out sorted by
 * value as the tree map of before gave them.
 */
class CampaignStatisticsTest {
    @Test
    void valuesAreMergedByTheirStringAndReadInOrder() {
        CampaignStatistics s = new CampaignStatistics();
        s.expect("verb", List.of(FieldEdit.Verb.values()[0].name(), "NEVER"));
        s.collect("verb", FieldEdit.Verb.values()[0]);
        s.collect("verb", FieldEdit.Verb.values()[0].name());
        s.collect("verb", "b-value");
        s.collect("verb", "a-value");
        s.collect("verb", "a-value");
        s.collect("other", 7);

        String first = FieldEdit.Verb.values()[0].name();
        assertThat(s.count("verb", first)).isEqualTo(2);
        assertThat(s.count("verb", FieldEdit.Verb.values()[0])).isEqualTo(2);
        assertThat(s.count("verb", "a-value")).isEqualTo(2);
        assertThat(s.count("other", "7")).isEqualTo(1);
        var json = s.toJson(new ObjectMapper());
        List<String> names = new java.util.ArrayList<>();
        json.get("histograms").get("verb").fieldNames().forEachRemaining(names::add);
        assertThat(names).isSorted().containsExactlyInAnyOrder(first, "a-value", "b-value");
        assertThat(json.get("histograms").get("verb").get(first).asInt()).isEqualTo(2);
        assertThat(s.unreached()).containsExactly("verb: NEVER");
        StringWriter w = new StringWriter();
        s.print(new PrintWriter(w, true));
        assertThat(w.toString()).contains("[verb]", "[other]", "a-value").contains("not reached: verb: NEVER");
    }
}
