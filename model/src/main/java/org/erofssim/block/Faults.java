package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.Map;
import java.util.TreeMap;

/**
 * Injected read faults of one node, by 4 KiB page index: {@link Kind#EIO} fails any read that
 * touches the page; {@link Kind#SHORT} ends every read at the start of the page, as a backing
 * file that was truncated under the mount would.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record Faults(Map<Long, Kind> byPage) {
    @API(status = EXPERIMENTAL, since = "0.1.0")
    public enum Kind { EIO, SHORT }

    public static final Faults NONE = new Faults(Map.of());

    public Faults {
        byPage = java.util.Collections.unmodifiableMap(new TreeMap<>(byPage));
    }

    public boolean isEmpty() {
        return byPage.isEmpty();
    }

    Kind at(long page) {
        return byPage.get(page);
    }
}
