package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.kernel.Behavior;
import org.junit.jupiter.api.Test;

/**
 * {@link Behavior#commit()} and {@link Behavior#title()}, which {@code matrix} prints, say what
 * each constant's javadoc says: the hash and the quoted subject line occur in the javadoc right
 * above the constant; a null hash is one the javadoc does not give (a bracketed title is a
 * description, not a quoted subject), and a javadoc that opens with a hash and a quoted subject
 * has that hash as {@code commit()}.
 */
class BehaviorCommitsTest {
    @Test
    void accessorsMirrorTheJavadoc() throws IOException {
        String src = Files.readString(Cli.root().resolve("model/src/main/java/org/erofssim/kernel/Behavior.java"));
        for (Behavior b : Behavior.values()) {
            Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*" + b.name() + "[,;\\s]", Pattern.DOTALL).matcher(src);
            assertThat(m.find()).as("javadoc of " + b).isTrue();
            String doc = m.group(1).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
            if (b.commit() != null) {
                assertThat(b.commit()).matches("[0-9a-f]{12}");
                assertThat(doc).as(b.name()).contains(b.commit());
            }
            Matcher lead = Pattern.compile("^\\s*([0-9a-f]{12}) \"").matcher(doc);
            if (lead.find()) { // a javadoc that opens with a hash and a subject names its commit
                assertThat(b.commit()).as(b.name()).isEqualTo(lead.group(1));
            }
            if (!b.title().startsWith("[")) {
                assertThat(doc).as(b.name()).contains("\"" + b.title() + "\"");
            }
        }
    }
}
