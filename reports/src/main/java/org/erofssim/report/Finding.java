package org.erofssim.report;

import java.nio.file.Path;

/**
 * One entry of the findings catalogue ({@code docs/findings/*.md}): kernel behaviour that looks
 * like a bug, with its reproducer. The report lists each with a relative link to its file.
 *
 * @param title   the document's first heading
 * @param summary its first paragraph after the heading, as plain text
 * @param file    the Markdown file
 */
public record Finding(String title, String summary, Path file) {}
