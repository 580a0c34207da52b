package org.erofssim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Benchmark figures given to the report ({@code conform --bench FILE}, e.g. what
 * {@code erofs-sim bench --json} wrote). The report does not depend on that file's layout: it
 * shows every number in it by its JSON path, and plots them as bars.
 *
 * @param file the JSON file it was read from
 * @param data its content
 */
public record Bench(Path file, JsonNode data) {}
