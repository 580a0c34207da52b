package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One extra device of a mounted filesystem (device id ≥ 1), as the device scan set it up.
 * {@code kind} is how it is reached: {@code file}, {@code bdev}, {@code blob} (fscache cookie)
 * or {@code flat} (not opened; addresses land on the primary). {@code path} is the
 * {@code device=} value or the slot tag used to open it, null in flat mode.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record DeviceInfo(int id, String tag, String kind, long blocks, long mappedBlkaddr, String path) {
    // equals and hashCode written out, component by component as the record's generated ones
    // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at the
    // first call and slow until compiled (a cold campaign's first second, issue 12)
    @Override public boolean equals(Object o) {
        return this == o || o instanceof DeviceInfo d && id == d.id && Objects.equals(tag, d.tag)
                && Objects.equals(kind, d.kind) && blocks == d.blocks && mappedBlkaddr == d.mappedBlkaddr
                && Objects.equals(path, d.path);
    }

    @Override public int hashCode() {
        int h = 31 * id + Objects.hashCode(tag);
        h = 31 * h + Objects.hashCode(kind);
        h = 31 * h + Long.hashCode(blocks);
        h = 31 * h + Long.hashCode(mappedBlkaddr);
        return 31 * h + Objects.hashCode(path);
    }
}
