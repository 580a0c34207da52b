package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Session 12's memo of file digests ({@link Sha256Memo}) gives the JDK's SHA-256 of the bytes
 * it was given, whatever it remembers: each try hashes a sequence of contents drawn from a small
 * pool (so contents come back and are answered from memory) and variants of them that the memo's
 * selector cannot tell apart (one byte changed where the selector does not sample, so the
 * selector names a remembered entry of other contents), cut short, grown past {@link
 * Sha256Memo#CAP} (streamed, never remembered), given in random pieces, and cloned halfway
 * ({@code PlainReader} keeps copies of a digest at its marks); every digest, the clone's too,
 * must equal {@code MessageDigest.getInstance("SHA-256")}'s. Statistics show hits, misses, the
 * selector collisions (a remembered entry of other contents) and the streamed contents reached.
 */
class Sha256MemoProperties {
    record Item(int pool, String variant, int at, List<Integer> pieces, boolean cloneHalfway) {}

    @Provide
    Arbitrary<List<Item>> sequences() {
        Arbitrary<Item> item = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("same")), Tuple.of(3, Arbitraries.just("unsampled-edit")),
                        Tuple.of(1, Arbitraries.just("cut")), Tuple.of(1, Arbitraries.just("past-cap"))),
                Arbitraries.integers().between(0, 1_000_000),
                Arbitraries.integers().between(1, 70_000).list().ofMinSize(0).ofMaxSize(4),
                Arbitraries.of(false, false, false, true)).as(Item::new);
        return item.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(seed = "20261207", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void memoDigestIsTheSha256OfTheBytes(@ForAll("sequences") List<Item> items) throws Exception {
        byte[][] pool = new byte[4][];
        java.util.Random r = new java.util.Random(items.size());
        int[] sizes = {0, 100, 40_000, 150_000};
        for (int i = 0; i < 4; i++) {
            pool[i] = new byte[sizes[i]];
            r.nextBytes(pool[i]);
        }
        for (Item it : items) {
            byte[] contents = variant(pool[it.pool()], it);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(contents);
            Sha256Memo md = new Sha256Memo();
            // a size hint (expect, as PlainReader.readFile gives one): none, right, or wrong
            String hint = switch (it.at() % 3) {
                case 0 -> "no hint";
                case 1 -> "hint: the size";
                default -> "hint: another size";
            };
            if (it.at() % 3 == 1) {
                md.expect(contents.length);
            } else if (it.at() % 3 == 2) {
                md.expect(1 + it.at() % 9000);
            }
            Statistics.label("hint").collect(hint);
            MessageDigest copy = null;
            int clonedAt = 0;
            int pos = 0;
            for (int p : it.pieces()) {
                int n = Math.min(p, contents.length - pos);
                md.update(contents, pos, n);
                pos += n;
                if (it.cloneHalfway() && copy == null && pos >= contents.length / 2) {
                    copy = FileContent.cloneOf(md);
                    clonedAt = pos;
                }
            }
            md.update(contents, pos, contents.length - pos);
            if (copy != null) {
                copy.update(contents, clonedAt, contents.length - clonedAt);
                assertThat(copy.digest()).isEqualTo(expected);
            }
            long[] before = Sha256Memo.counts();
            if (it.at() % 2 == 0) {
                assertThat(md.digest()).as("%s of pool %d, %d bytes", it.variant(), it.pool(), contents.length)
                        .isEqualTo(expected);
                Statistics.label("ending").collect("digest");
            } else {
                // the remembered hex string (FileContent.hexDigest) against the JDK's formatter
                assertThat(md.hexDigest()).as("%s of pool %d, %d bytes", it.variant(), it.pool(), contents.length)
                        .isEqualTo(java.util.HexFormat.of().formatHex(expected));
                Statistics.label("ending").collect("hexDigest");
            }
            long[] after = Sha256Memo.counts();
            assertThat(md.digest()).as("reset after the digest").isEqualTo(MessageDigest.getInstance("SHA-256").digest());
            String how = contents.length > Sha256Memo.CAP ? "streamed" : after[0] > before[0] ? "hit"
                    : after[2] > before[2] ? "miss: selector collision" : "miss";
            Statistics.label("digest").collect(how);
            Statistics.label("variant").collect(it.variant());
        }
        Statistics.label("digest").coverage(c -> {
            c.check("hit").count(n -> n > 0);
            c.check("miss").count(n -> n > 0);
            c.check("streamed").count(n -> n > 0);
            c.check("miss: selector collision").count(n -> n > 0);
        });
        Statistics.label("variant").coverage(c -> c.check("unsampled-edit").count(n -> n > 0));
        Statistics.label("ending").coverage(c -> c.check("hexDigest").count(n -> n > 0));
        Statistics.label("hint").coverage(c -> {
            c.check("hint: the size").count(n -> n > 0);
            c.check("hint: another size").count(n -> n > 0);
        });
    }

    /**
     * Session 14: the digests of one thread share its scratch buffer ({@code Sha256Memo.Memo#take});
     * a digest that starts while another is unfinished (or one dropped unfinished, as a read that
     * throws leaves it) takes it over and the other keeps a copy of its bytes: each still gives the
     * JDK's SHA-256 of what it was given, whichever finishes first. Statistics show the orders reached.
     */
    @Property(seed = "20261214", tries = 200, edgeCases = EdgeCasesMode.NONE)
    void interleavedDigestsOfOneThreadKeepTheirBytes(@ForAll("sequences") List<Item> items) throws Exception {
        java.util.Random r = new java.util.Random(items.size());
        List<byte[]> contents = new ArrayList<>();
        for (Item it : items) {
            byte[] b = new byte[it.at() % 3 == 0 ? it.at() % 300 : it.at() % 120_000];
            r.nextBytes(b);
            contents.add(b);
        }
        Sha256Memo dropped = new Sha256Memo(); // left unfinished: holds the scratch until taken over
        dropped.update(contents.get(0), 0, contents.get(0).length / 2);
        for (int i = 0; i + 1 < contents.size(); i += 2) {
            byte[] a = contents.get(i);
            byte[] b = contents.get(i + 1);
            Sha256Memo first = new Sha256Memo();
            Sha256Memo second = new Sha256Memo();
            if (items.get(i).at() % 2 == 0) {
                first.expect(a.length);
            }
            first.update(a, 0, a.length / 2);
            second.expect(b.length);
            second.update(b, 0, b.length / 3);
            first.update(a, a.length / 2, a.length - a.length / 2); // grows past the scratch or writes its copy
            second.update(b, b.length / 3, b.length - b.length / 3);
            boolean firstEnds = items.get(i + 1).at() % 2 == 0;
            Sha256Memo one = firstEnds ? first : second;
            Sha256Memo other = firstEnds ? second : first;
            assertThat(one.hexDigest()).isEqualTo(java.util.HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(firstEnds ? a : b)));
            assertThat(other.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(firstEnds ? b : a));
            Statistics.label("order").collect(firstEnds ? "started first, ends first" : "started second, ends first");
        }
        Statistics.label("order").coverage(c -> {
            c.check("started first, ends first").count(n -> n > 0);
            c.check("started second, ends first").count(n -> n > 0);
        });
    }

    /** The pool's contents as {@code it} changes them. */
    private static byte[] variant(byte[] base, Item it) {
        byte[] b = base.clone();
        switch (it.variant()) {
            case "unsampled-edit" -> {
                // a byte the selector does not sample: same length, same samples, other contents
                List<Integer> free = new ArrayList<>();
                int n = b.length;
                java.util.Set<Integer> sampled = new java.util.HashSet<>();
                for (int i = 0; i < 64 && n > 0; i++) {
                    sampled.add((int) ((long) i * (n - 1) / 63));
                }
                for (int p = 0; p < n && free.size() < 200; p += 1 + n / 200) {
                    if (!sampled.contains(p)) {
                        free.add(p);
                    }
                }
                if (!free.isEmpty()) {
                    int p = free.get(it.at() % free.size());
                    b[p] ^= 1 + it.at() % 255;
                }
                return b;
            }
            case "cut" -> {
                return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : it.at() % b.length);
            }
            case "past-cap" -> {
                byte[] big = java.util.Arrays.copyOf(b, Sha256Memo.CAP + 1 + it.at() % 5000);
                big[big.length - 1] = (byte) it.at();
                return big;
            }
            default -> {
                return b;
            }
        }
    }
}
