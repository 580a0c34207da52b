package org.erofssim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * report.json against its published schema, {@code docs/spec/report.schema.json}, with a kept
 * validator (networknt json-schema-validator, draft 2020-12): the writer's output validates, and
 * the schema is strict enough to refuse what issue 13 complained of (references as free text,
 * differences as JSON inside strings, absolute scenario paths).
 */
@DisplayName("report.json and docs/spec/report.schema.json")
class ReportSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The published schema, from the checkout (the tests run in the module's folder). */
    static Schema schema() throws IOException {
        Path file = Path.of("..", "docs", "spec", "report.schema.json");
        assertThat(file).as("the published schema").isRegularFile();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(file.toFile()));
    }

    static List<Error> errors(JsonNode report) throws IOException {
        return schema().validate(report);
    }

    private static JsonNode written() throws IOException {
        return JSON.readTree(ReportWriter.json(ReportWriterTest.REPORT, ReportWriterTest.DIR));
    }

    @Test
    @DisplayName("the writer's report validates")
    void writtenReportValidates() throws IOException {
        assertThat(errors(written())).isEmpty();
    }

    @Test
    @DisplayName("a reference as free text, JSON in a string, an absolute path or a prose profile is refused")
    void oldFormsAreRefused() throws IOException {
        ObjectNode r = (ObjectNode) written();
        ((ObjectNode) r.path("cases").get(0).path("checks").get(1)).put("reference", "recorded 6.18.44-fc-v782");
        assertThat(errors(r)).as("free-text reference").isNotEmpty();

        r = (ObjectNode) written();
        ((ObjectNode) r.path("cases").get(1).path("checks").get(0).path("differences").get(0)).put("extra", 1);
        assertThat(errors(r)).as("unknown field in a difference").isNotEmpty();

        r = (ObjectNode) written();
        ((ObjectNode) r.path("cases").get(0)).put("scenario", "/work/fixtures/scenarios/row06.json");
        assertThat(errors(r)).as("absolute scenario path").isNotEmpty();

        r = (ObjectNode) written();
        r.put("profile", "per scenario (default 6.18.44)");
        assertThat(errors(r)).as("profile as prose").isNotEmpty();

        r = (ObjectNode) written();
        ((ObjectNode) r.path("cases").get(0).path("checks").get(1)).set("reference",
                JSON.createObjectNode().put("kind", "recorded"));
        assertThat(errors(r)).as("a kernel reference without its release").isNotEmpty();

        r = (ObjectNode) written();
        ((ObjectNode) r.path("cases").get(1).path("checks").get(0)).remove("differences");
        assertThat(errors(r)).as("a divergence without differences").isNotEmpty();
    }

    @Test
    @DisplayName("the schema names the version the writer writes")
    void versionMatches() throws IOException {
        JsonNode s = JSON.readTree(Files.readString(Path.of("..", "docs", "spec", "report.schema.json")));
        assertThat(s.path("properties").path("version").path("const").asInt()).isEqualTo(ReportWriter.JSON_VERSION);
    }
}
