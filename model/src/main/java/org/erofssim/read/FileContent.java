package org.erofssim.read;

import java.util.List;
import org.erofssim.kernel.Errno;

/**
 * The whole of a regular file as a sequential {@code read(2)} loop gets it.
 *
 * @param sha256  hex SHA-256 of the bytes returned before the error (all of them without one)
 * @param okBytes how many bytes that is
 * @param errno   the error that ended the reads, or null
 * @param notes   model remarks (a file cut at {@link PlainReader#READ_LIMIT})
 */
public record FileContent(String sha256, long okBytes, Errno errno, List<String> notes) {}
