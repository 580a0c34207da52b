package org.erofssim.sb;

import java.util.Optional;

/**
 * The {@code cache_strategy=} values ({@code EROFS_ZIP_CACHE_*}), in the order of the kernel's
 * constant table, which is also the numeric value {@code erofs_show_options} indexes it by.
 */
public enum CacheStrategy {
    DISABLED("disabled"),
    READAHEAD("readahead"),
    READAROUND("readaround");

    /** {@code values()} once, not a new array per lookup (session 14). */
    private static final CacheStrategy[] ALL = values();

    private final String optionName;

    CacheStrategy(String optionName) {
        this.optionName = optionName;
    }

    /** The value as written after {@code cache_strategy=} and shown in mountinfo. */
    public String optionName() {
        return optionName;
    }

    /** The strategy an option value names (exact, case-sensitive match), if any. */
    public static Optional<CacheStrategy> byOptionName(String value) {
        for (CacheStrategy s : ALL) {
            if (s.optionName.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
