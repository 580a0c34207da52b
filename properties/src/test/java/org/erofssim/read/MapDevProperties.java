package org.erofssim.read;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.ImageBytes;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.Releases;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.SbInfo;

/**
 * {@code erofs_map_dev} ({@link MapDev#map}) over random device tables — 0 to 8 extra devices,
 * slot {@code blocks} and {@code mapped_blkaddr} including 0, overlapping ranges, flat mode or
 * devices given with {@code device=} — against {@link #expected}, an implementation of spec §5's
 * rules written from its text: every (device id, address) lands on exactly one device and offset,
 * and ids beyond the table are ENODEV.
 */
@Label("erofs_map_dev (spec §5) against an independent implementation of its rules")
class MapDevProperties {

    /** One slot: its {@code blocks} and {@code mapped_blkaddr} (u32 each). */
    record Dev(long blocks, long mapped) {}

    /** A superblock's device table as the device scan leaves it. */
    record Table(String profile, int blkszbits, boolean flat, List<Dev> devices) {}

    /** A device id from a chunk index (0 for everything else) and a physical byte address. */
    record Query(Table table, int deviceId, long pa) {}

    /** Where spec §5 sends a query: a device id (0 = primary) and a byte offset on it; ENODEV as a null. */
    record Where(int device, long offset) {}

    /**
     * Spec §5: (2) a non-zero id names device id−1 of the table, missing → ENODEV; flat → the
     * primary at {@code pa + mapped_blkaddr * bs}; else that device at {@code pa} unchanged.
     * (3) id 0 with extra devices, not flat: the first device in id order with
     * {@code mapped_blkaddr != 0} and {@code mapped_blkaddr*bs <= pa < (mapped_blkaddr+blocks)*bs}
     * takes it at {@code pa - mapped_blkaddr*bs}; no match → the primary. (4) flat: id 0 never
     * moves. (5) fsoffset is 0 here.
     */
    static Where expected(Table t, int deviceId, long pa) {
        long bs = 1L << t.blkszbits();
        List<Dev> devs = t.devices();
        if (deviceId != 0) {
            if (deviceId - 1 >= devs.size()) {
                return null;
            }
            Dev d = devs.get(deviceId - 1);
            return t.flat() ? new Where(0, pa + d.mapped() * bs) : new Where(deviceId, pa);
        }
        if (!devs.isEmpty() && !t.flat()) {
            for (int i = 0; i < devs.size(); i++) {
                Dev d = devs.get(i);
                if (d.mapped() != 0 && d.mapped() * bs <= pa && pa < (d.mapped() + d.blocks()) * bs) {
                    return new Where(i + 1, pa - d.mapped() * bs);
                }
            }
        }
        return new Where(0, pa);
    }

    static SbInfo sbi(Table t) {
        List<SbInfo.DeviceSpec> specs = new ArrayList<>();
        for (Dev d : t.devices()) {
            specs.add(new SbInfo.DeviceSpec(d.blocks(), d.mapped()));
        }
        KernelConfig kernel = KernelConfig.of(Releases.resolve(t.profile()).profile());
        return SbInfo.withDevices(kernel, t.blkszbits(), t.flat(), ImageBytes.of(new byte[4096]), specs);
    }

    // edge cases off: the generators aim at range boundaries themselves, and jqwik's edge-case
    // combinations through flatMap cost seconds while adding only empty tables and ENODEV ids
    @Property(tries = 3000, seed = "505", edgeCases = EdgeCasesMode.NONE)
    @Label("every (device id, address) maps to the one device and offset spec §5 gives, or ENODEV past the table")
    void mapsLikeTheSpec(@ForAll("queries") Query q) {
        Table t = q.table();
        SbInfo sbi = sbi(t);
        Where want = expected(t, q.deviceId(), q.pa());
        MapDev.Target got;
        try {
            got = MapDev.map(sbi, q.deviceId(), q.pa());
        } catch (KernelError e) {
            if (want != null || e.errno() != Errno.ENODEV) {
                throw new AssertionError(q + ": " + (want == null ? "ENODEV" : want) + " expected, got " + e.errno());
            }
            got = null;
        }
        if (want == null && got != null) {
            throw new AssertionError(q + ": ENODEV expected, got " + got);
        }
        if (got != null) {
            if (got.device() != want.device() || got.position() != want.offset()) {
                throw new AssertionError(q + ": device " + want.device() + " @ " + want.offset()
                        + " expected, got device " + got.device() + " @ " + got.position());
            }
            DeviceBacking backing = want.device() == 0 ? sbi.primary() : sbi.devices().get(want.device() - 1).backing();
            if (got.backing() != backing) {
                throw new AssertionError(q + ": read from " + got.backing() + ", expected " + backing);
            }
        }
        collect(q, want);
    }

    private static void collect(Query q, Where want) {
        Table t = q.table();
        long bs = 1L << t.blkszbits();
        String result;
        if (want == null) {
            result = "ENODEV (id past the table)";
        } else if (q.deviceId() != 0) {
            result = t.flat() ? "flat: id → primary + mapped_blkaddr" : "id → that device, address unchanged";
        } else if (t.devices().isEmpty()) {
            result = "primary (no extra devices)";
        } else if (t.flat()) {
            result = "flat: id 0 never redirected";
        } else {
            result = want.device() == 0 ? "id 0: no range holds it → primary" : "id 0: redirected by range";
        }
        Statistics.label("layout").collect(t.devices().isEmpty() ? "no devices" : t.flat() ? "flat" : "devices given");
        Statistics.label("result").collect(result);
        Statistics.label("device read").collect(want == null ? -1 : want.device());
        int holding = 0;
        boolean zeroStartHolds = false;
        if (q.deviceId() == 0) {
            for (Dev d : t.devices()) {
                boolean in = d.mapped() * bs <= q.pa() && q.pa() < (d.mapped() + d.blocks()) * bs;
                if (in && d.mapped() != 0) {
                    holding++;
                }
                zeroStartHolds |= in && d.mapped() == 0;
            }
        }
        Statistics.label("ranges holding an id-0 address").collect(holding >= 2 ? "2+ (overlap: first wins)" : String.valueOf(holding));
        Statistics.label("mapped_blkaddr 0 range holds it (skipped)").collect(zeroStartHolds);

        Statistics.label("layout").coverage(c -> {
            c.check("flat").percentage(p -> p > 10);
            c.check("devices given").percentage(p -> p > 10);
            c.check("no devices").count(n -> n > 0);
        });
        Statistics.label("result").coverage(c -> {
            for (String r : List.of("ENODEV (id past the table)", "flat: id → primary + mapped_blkaddr",
                    "id → that device, address unchanged", "primary (no extra devices)", "flat: id 0 never redirected",
                    "id 0: no range holds it → primary", "id 0: redirected by range")) {
                c.check(r).count(n -> n > 0);
            }
        });
        Statistics.label("device read").coverage(c -> {
            for (int d = 0; d <= 8; d++) {
                c.check(d).count(n -> n > 0);
            }
        });
        Statistics.label("ranges holding an id-0 address").coverage(c -> c.check("2+ (overlap: first wins)").count(n -> n > 0));
        Statistics.label("mapped_blkaddr 0 range holds it (skipped)").coverage(c -> c.check(true).count(n -> n > 0));
    }

    @Provide
    Arbitrary<Query> queries() {
        Arbitrary<Long> blocks = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(6, Arbitraries.longs().between(1, 64)), Tuple.of(1, Arbitraries.longs().between(65, 0xFFFFFFFFL)));
        Arbitrary<Long> mapped = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(6, Arbitraries.longs().between(1, 256)), Tuple.of(1, Arbitraries.longs().between(257, 0xFFFFFFFFL)));
        Arbitrary<Dev> dev = Combinators.combine(blocks, mapped).as(Dev::new);
        Arbitrary<Table> tables = Combinators.combine(Arbitraries.of("6.12.0", "6.13", "6.18"),
                Arbitraries.integers().between(9, 12), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 8).flatMap(n -> dev.list().ofSize(n))).as(Table::new);
        return tables.flatMap(t -> Combinators.combine(deviceIds(t), addresses(t))
                .as((id, pa) -> new Query(t, id, pa)));
    }

    private static Arbitrary<Integer> deviceIds(Table t) {
        int n = t.devices().size();
        Arbitrary<Integer> zero = Arbitraries.just(0);
        Arbitrary<Integer> pastTheTable = Arbitraries.integers().between(n + 1, n + 3);
        Arbitrary<Integer> largest = Arbitraries.just(0xFFFF);
        if (n == 0) {
            return Arbitraries.frequencyOf(Tuple.of(5, zero), Tuple.of(1, pastTheTable), Tuple.of(1, largest));
        }
        return Arbitraries.frequencyOf(Tuple.of(5, zero), Tuple.of(4, Arbitraries.integers().between(1, n)),
                Tuple.of(1, pastTheTable), Tuple.of(1, largest));
    }

    /** Addresses near and inside the devices' ranges (block boundaries, first/last byte), or anywhere. */
    private static Arbitrary<Long> addresses(Table t) {
        long bs = 1L << t.blkszbits();
        Arbitrary<Long> anywhere = Arbitraries.longs().between(0, 1L << 45);
        if (t.devices().isEmpty()) {
            return Arbitraries.oneOf(anywhere, Arbitraries.longs().between(0, 64 * bs));
        }
        Arbitrary<Long> near = Arbitraries.of(t.devices()).flatMap(d -> {
            Arbitrary<Long> block = Arbitraries.oneOf(
                    Arbitraries.of(-1L, 0L, 1L, d.blocks() - 1, d.blocks(), d.blocks() + 1),
                    Arbitraries.longs().between(0, Math.max(0, d.blocks())));
            Arbitrary<Long> inBlock = Arbitraries.oneOf(Arbitraries.of(0L, bs - 1), Arbitraries.longs().between(0, bs - 1));
            return Combinators.combine(block, inBlock).as((k, r) -> Math.max(0, (d.mapped() + k) * bs + r));
        });
        return Arbitraries.frequencyOf(Tuple.of(6, near), Tuple.of(1, anywhere));
    }
}
