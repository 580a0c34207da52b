package org.erofssim.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("OutcomeJson writes and reads the contract's outcomes")
class OutcomeJsonTest {
    /** f_files = 2^64 - 1 and f_ffree = 2^64 - 1 - inos (spec §8.1), for inos = 40. */
    private static final long FILES = -1L;
    private static final long FFREE = -1L - 40;

    private static TreeEntry file(String path, List<TreeEntry.Extent> extents, List<String> notes) {
        return new TreeEntry(path, 57, "file", "0644", 0, 0, 300000, 592, 1, 1700000000, 0, null, null,
                Map.of("user.k", "dmFsdWU=", "trusted.a", "eA=="), "ab".repeat(32), null, 300000, extents, notes);
    }

    static MountOutcome mounted() {
        return new MountOutcome.Mounted(Mode.FILEIO, List.of("erofs (device erofs): mounted with root inode @ nid 36."),
                new SuperblockInfo(true, "0:*", "erofs-*", 4096), "ro,user_xattr,acl,cache_strategy=readaround",
                new Statfs(0xE0F5E1E2L, 4096, 1376, 0, 0, FILES, FFREE, 255, 0xc6bb2bfb, 0xa6d97aa8),
                List.of(new DeviceInfo(1, "blob-tag", "file", 219, 0, "/srv/blob")),
                List.of(new TreeEntry("/", 36, "dir", "0755", 0, 0, 27, 0, 3, 1700000000, 5, null, null, Map.of(),
                                "cd".repeat(32), null, 0, null, List.of()),
                        file("/d/big", List.of(new TreeEntry.Extent(0, 8192, 4096, "last", 1)), List.of("a guess")),
                        new TreeEntry("/d/lnk", 60, "symlink", "0777", 0, 0, 3, 0, 1, 0, 0, "big", null, null, null,
                                null, 0, List.of(), List.of()),
                        new TreeEntry("/d/null", 61, "chr", "0666", 0, 0, 0, 0, 1, 0, 0, null, "1:3", Map.of(), null,
                                "EIO", 0, null, List.of())),
                List.of("model note"));
    }

    static Stream<MountOutcome> outcomes() {
        return Stream.of(mounted(),
                new MountOutcome.Mounted(Mode.BDEV, List.of(), new SuperblockInfo(false, "7:3", "loop3", 512), "ro",
                        new Statfs(0xE0F5E1E2L, 512, 8, 0, 0, FILES, FILES, 255, 0x703, 0), List.of(), List.of(), List.of()),
                new MountOutcome.Mounted(Mode.BDEV, List.of(), null, null, null, null, null, List.of()),
                new MountOutcome.Failed(Errno.ENOTBLK, null, List.of(), List.of()),
                new MountOutcome.Failed(Errno.EINVAL, Mode.FILEIO, List.of("erofs (device erofs): cannot find valid erofs superblock"), List.of("n")),
                new MountOutcome.Blocked("open of a FIFO waits for a writer", null, List.of(), List.of()),
                new MountOutcome.Crashed("sb_set_blocksize on a missing bdev (CVE-2024-56750)", Mode.FILEIO, List.of("x"), List.of()));
    }

    private static JsonNode tree(MountOutcome o) throws IOException {
        return JsonFields.MAPPER.readTree(OutcomeJson.write(o));
    }

    private static List<String> keys(JsonNode obj) {
        List<String> out = new ArrayList<>();
        obj.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Nested
    @DisplayName("writes the contract's shape")
    class Shape {
        /** Field names and order transcribed from harness-contract.md "Outcome". */
        private static final List<String> CONTRACT_TOP = List.of("version", "outcome", "errno", "mode", "log",
                "superblock", "superOptions", "statfs", "devices", "tree");
        private static final List<String> CONTRACT_SUPERBLOCK = List.of("anonDev", "sysfsName", "blockSize");
        private static final List<String> CONTRACT_STATFS = List.of("type", "bsize", "blocks", "files", "ffree", "namelen", "fsid");
        private static final List<String> CONTRACT_DEVICE = List.of("id", "tag", "kind", "blocks", "mappedBlkaddr");
        private static final List<String> CONTRACT_TREE = List.of("path", "ino", "type", "mode", "uid", "gid", "size",
                "blocks", "nlink", "mtime", "mtimeNsec", "target", "rdev", "xattrs", "sha256", "readErrno", "readOkBytes");

        @Test void aMountedOutcomeHasTheContractsFieldsInItsOrder() throws IOException {
            JsonNode j = tree(mounted());
            assertThat(keys(j)).containsSubsequence(CONTRACT_TOP);
            assertThat(keys(j.get("superblock"))).containsSubsequence(CONTRACT_SUPERBLOCK);
            assertThat(keys(j.get("statfs"))).containsSubsequence(CONTRACT_STATFS);
            assertThat(keys(j.get("devices").get(0))).containsSubsequence(CONTRACT_DEVICE);
            assertThat(keys(j.get("tree").get(0))).containsSubsequence(CONTRACT_TREE);
        }

        @Test void theContractsOwnExampleHasNoFieldThisWriterLacksNorAnOtherOrder() throws IOException {
            JsonNode doc = JsonFields.MAPPER.readTree(ContractDoc.jsonBlockAfter("## Outcome"));
            JsonNode ours = tree(mounted());
            assertSameShape(doc, ours, "");
        }

        /** Every field of the document's example is in ours, in the same order, with the same JSON type. */
        private void assertSameShape(JsonNode doc, JsonNode ours, String path) {
            if (doc.isObject()) {
                assertThat(ours.isObject()).as(path).isTrue();
                if (path.endsWith(".xattrs")) {
                    return; // the names of xattrs are data, not fields
                }
                assertThat(keys(ours)).as(path).containsSubsequence(keys(doc));
                for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    assertSameShape(e.getValue(), ours.get(e.getKey()), path + "." + e.getKey());
                }
            } else if (doc.isArray()) {
                assertThat(ours.isArray()).as(path).isTrue();
                if (doc.size() > 0 && ours.size() > 0) {
                    assertSameShape(doc.get(0), ours.get(0), path + "[0]");
                }
            } else if (!doc.isNull() && !ours.isNull()) {
                assertThat(ours.getNodeType()).as(path).isEqualTo(doc.getNodeType());
            }
        }

        @Test void statfsValuesAreWrittenAsTheContractSpellsThem() throws IOException {
            String line = OutcomeJson.write(mounted());
            assertThat(line).contains("\"files\":18446744073709551615").contains("\"ffree\":18446744073709551575");
            JsonNode s = tree(mounted()).get("statfs");
            assertThat(s.get("type").asText()).isEqualTo("0xe0f5e1e2");
            assertThat(s.get("fsid").asText()).isEqualTo("c6bb2bfb:a6d97aa8");
            assertThat(s.get("files").bigIntegerValue()).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
            assertThat(s.get("bsize").asLong()).isEqualTo(4096);
            assertThat(s.get("namelen").asInt()).isEqualTo(255);
        }

        @Test void aZeroUuidBdevFsidIsTheEncodedDevice() throws IOException {
            JsonNode j = tree(outcomes().toList().get(1));
            assertThat(j.get("statfs").get("fsid").asText()).isEqualTo("00000703:00000000");
            assertThat(j.get("superblock").get("anonDev").asBoolean()).isFalse();
            assertThat(j.get("superblock").get("dev").asText()).isEqualTo("7:3");
        }

        @Test void itIsOneCompactLine() throws IOException {
            for (MountOutcome o : outcomes().toList()) {
                String line = OutcomeJson.write(o);
                assertThat(line).doesNotContain("\n").startsWith("{\"version\":1,");
                assertThat(line).isEqualTo(JsonFields.MAPPER.writeValueAsString(JsonFields.MAPPER.readTree(line)));
            }
        }

        @Test void aMountedOutcomeHasNoErrnoAndItsMode() throws IOException {
            JsonNode j = tree(mounted());
            assertThat(j.get("outcome").asText()).isEqualTo("mounted");
            assertThat(j.get("errno").isNull()).isTrue();
            assertThat(j.get("mode").asText()).isEqualTo("fileio");
            assertThat(j.get("log").get(0).asText()).isEqualTo("erofs (device erofs): mounted with root inode @ nid 36.");
            assertThat(j.has("reason")).isFalse();
        }

        @Test void aFailureNamesItsErrnoSymbolicallyAndHasNullMountFields() throws IOException {
            JsonNode j = tree(new MountOutcome.Failed(Errno.ENOTBLK, null, List.of(), List.of()));
            assertThat(j.get("outcome").asText()).isEqualTo("failed");
            assertThat(j.get("errno").asText()).isEqualTo("ENOTBLK");
            assertThat(j.get("mode").isNull()).isTrue();
            for (String f : List.of("superblock", "superOptions", "statfs", "devices", "tree")) {
                assertThat(j.get(f)).as(f).isNotNull();
                assertThat(j.get(f).isNull()).as(f).isTrue();
            }
            assertThat(j.has("notes")).isFalse();
            assertThat(j.has("reason")).isFalse();
        }

        @Test void blockedAndCrashedCarryAReason() throws IOException {
            JsonNode b = tree(new MountOutcome.Blocked("fifo", null, List.of(), List.of()));
            assertThat(b.get("outcome").asText()).isEqualTo("blocked");
            assertThat(b.get("reason").asText()).isEqualTo("fifo");
            assertThat(b.get("errno").isNull()).isTrue();
            JsonNode c = tree(new MountOutcome.Crashed("oops", Mode.FILEIO, List.of(), List.of()));
            assertThat(c.get("outcome").asText()).isEqualTo("crashed");
            assertThat(c.get("reason").asText()).isEqualTo("oops");
            assertThat(keys(c).get(keys(c).size() - 1)).isEqualTo("reason");
        }

        @Test void notesComeLastButBeforeReasonAndOnlyWhenThereAreSome() throws IOException {
            JsonNode j = tree(mounted());
            assertThat(keys(j)).endsWith("tree", "notes");
            assertThat(j.get("notes").get(0).asText()).isEqualTo("model note");
        }

        @Test void extentsAreLeftOutUnlessAskedForAndHaveFiveElements() throws IOException {
            JsonNode t = tree(mounted()).get("tree");
            assertThat(t.get(0).has("extents")).isFalse();
            JsonNode big = t.get(1);
            assertThat(big.get("extents").get(0).toString()).isEqualTo("[0,8192,4096,\"last\",1]");
            assertThat(t.get(2).get("extents").size()).isZero();
            assertThat(big.get("notes").get(0).asText()).isEqualTo("a guess");
            assertThat(t.get(0).has("notes")).isFalse();
        }

        @Test void treeEntriesKeepNullsAndSortXattrs() throws IOException {
            JsonNode t = tree(mounted()).get("tree");
            assertThat(t.get(1).get("target").isNull()).isTrue();
            assertThat(t.get(1).get("readErrno").isNull()).isTrue();
            assertThat(keys(t.get(1).get("xattrs"))).containsExactly("trusted.a", "user.k");
            assertThat(t.get(2).get("xattrs").isNull()).isTrue();
            assertThat(t.get(3).get("rdev").asText()).isEqualTo("1:3");
            assertThat(t.get(1).get("mode").asText()).isEqualTo("0644");
        }
    }

    @Nested
    @DisplayName("reads back what it writes")
    class RoundTrip {
        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("org.erofssim.contract.OutcomeJsonTest#outcomes")
        void readingAWrittenOutcomeGivesItBack(MountOutcome o) {
            String line = OutcomeJson.write(o);
            MountOutcome back = OutcomeJson.read(line);
            assertThat(back).isEqualTo(o);
            assertThat(OutcomeJson.write(back)).isEqualTo(line);
        }

        @Test void theContractsExampleReads() throws IOException {
            String example = ContractDoc.jsonBlockAfter("## Outcome", "18446744073709551615");
            MountOutcome.Mounted m = (MountOutcome.Mounted) OutcomeJson.read(example);
            assertThat(m.mode()).isEqualTo(Mode.FILEIO);
            assertThat(m.superblock().sysfsName()).isEqualTo("erofs-*");
            assertThat(m.statfs().type()).isEqualTo(0xE0F5E1E2L);
            assertThat(m.statfs().files()).isEqualTo(-1L);
            assertThat(m.statfs().fsid()).isEqualTo("c6bb2bfb:a6d97aa8");
            assertThat(m.devices()).extracting(DeviceInfo::blocks).containsExactly(219L);
            assertThat(m.tree().get(0).xattrs()).containsOnlyKeys("user.k");
            assertThat(m.tree().get(0).extents()).isNull();
            assertThat(m.notes()).isEmpty();
        }

        @Test void fourElementExtentsReadAsDeviceZero() {
            String line = OutcomeJson.write(mounted()).replace("[0,8192,4096,\"last\",1]", "[0,8192,4096,\"last\"]");
            MountOutcome.Mounted m = (MountOutcome.Mounted) OutcomeJson.read(line);
            assertThat(m.tree().get(1).extents()).containsExactly(new TreeEntry.Extent(0, 8192, 4096, "last", 0));
        }
    }

    @Nested
    @DisplayName("refuses bad outcome lines naming the field")
    class BadLines {
        static Stream<Arguments> bad() {
            String ok = OutcomeJson.write(mounted());
            return Stream.of(
                    Arguments.of("{\"outcome\": \"failed\", \"errno\": \"EIO\"}", "version", "missing"),
                    Arguments.of("{\"version\": 2, \"outcome\": \"failed\"}", "version", "expected 1, got 2"),
                    Arguments.of("{\"version\": 1}", "outcome", "missing"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"ok\"}", "outcome", "got 'ok'"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"failed\", \"errno\": \"ENOTANERRNO\"}", "errno", "unknown errno 'ENOTANERRNO'"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"failed\", \"errno\": 22}", "errno", "expected a string, got number"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"failed\", \"errno\": \"EIO\", \"mode\": \"nodev\"}", "mode", "got 'nodev'"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"blocked\"}", "reason", "missing"),
                    Arguments.of("{\"version\": 1, \"outcome\": \"failed\", \"errno\": \"EIO\", \"log\": [1]}", "log[0]", "expected a string"),
                    Arguments.of(ok.replace("\"files\":18446744073709551615", "\"files\":-1"), "statfs.files", "unsigned 64-bit"),
                    Arguments.of(ok.replace("\"files\":18446744073709551615", "\"files\":18446744073709551616"), "statfs.files", "unsigned 64-bit"),
                    Arguments.of(ok.replace("0xe0f5e1e2", "E0F5E1E2"), "statfs.type", "expected 0x"),
                    Arguments.of(ok.replace("c6bb2bfb:a6d97aa8", "c6bb2bfb"), "statfs.fsid", "%08x:%08x"),
                    Arguments.of(ok.replace("\"anonDev\":true", "\"anonDev\":1"), "superblock.anonDev", "expected true or false"),
                    Arguments.of(ok.replace("\"id\":1", "\"id\":\"1\""), "devices[0].id", "expected an integer"),
                    Arguments.of(ok.replace("\"ino\":57", "\"ino\":5.7"), "tree[1].ino", "expected an integer"),
                    Arguments.of(ok.replace("[0,8192,4096,\"last\",1]", "[0,8192]"), "tree[1].extents[0]", "expected [logical"),
                    Arguments.of(ok.replace("\"user.k\":\"dmFsdWU=\"", "\"user.k\":7"), "tree[1].xattrs.user.k", "expected a string"));
        }

        @ParameterizedTest(name = "{1}: {2}")
        @MethodSource("bad")
        void theMessageStartsWithTheFieldPath(String json, String field, String says) {
            ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> OutcomeJson.read(json));
            assertThat(e).as(json).isNotNull();
            assertThat(e.getMessage()).startsWith(field + ": ").contains(says).doesNotContain("\n");
        }
    }

    @Nested
    @DisplayName("writes the same characters streaming (issue 12: huge trees)")
    class Streaming {
        static Stream<MountOutcome> more() {
            MountOutcome.Mounted m = (MountOutcome.Mounted) mounted();
            List<TreeEntry> odd = new ArrayList<>(m.tree());
            odd.add(new TreeEntry("/d/\u00e9t\u00e9 \"q\"\\\u0001", 62, "file", "0600", 1, 2, 0, 0, 1, -5, 999999999, null,
                    null, null, null, "EUCLEAN", 0, null, List.of("not modelled: x\ny")));
            return Stream.concat(outcomes(), Stream.of(
                    new MountOutcome.Mounted(m.mode(), m.log(), m.superblock(), m.superOptions(), m.statfs(), m.devices(),
                            odd, List.of("n1", "n2"), new MetadataCache("bdev", List.of(0L, 1L, 7L)), List.of("umount line")),
                    new MountOutcome.Mounted(m.mode(), m.log(), m.superblock(), m.superOptions(), m.statfs(), m.devices(),
                            List.of(), List.of(), null, List.of())));
        }

        @ParameterizedTest
        @MethodSource("more")
        void sameCharactersAsTheWholeTreeWrite(MountOutcome o) throws IOException {
            java.io.StringWriter w = new java.io.StringWriter();
            OutcomeJson.write(o, w);
            assertThat(w.toString()).isEqualTo(OutcomeJson.write(o))
                    .isEqualTo(JsonFields.MAPPER.writeValueAsString(OutcomeJson.toTree(o)));
            assertThat(OutcomeJson.write(OutcomeJson.read(w.toString()))).isEqualTo(w.toString());
        }

        /** What the tree's users (the comparator, record's unchanged check) saw before it was derived from the stream. */
        @Test void theTreeKeepsEachValuesJavaType() {
            com.fasterxml.jackson.databind.node.ObjectNode t = OutcomeJson.toTree(mounted());
            assertThat(t.get("version").isInt()).isTrue();
            assertThat(t.get("superblock").get("anonDev").isBoolean()).isTrue();
            assertThat(t.get("superblock").get("blockSize").isInt()).isTrue();
            assertThat(t.get("statfs").get("bsize").isLong()).isTrue();
            assertThat(t.get("statfs").get("files").isBigInteger()).isTrue();
            assertThat(t.get("statfs").get("files").bigIntegerValue()).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
            assertThat(t.get("statfs").get("ffree").bigIntegerValue()).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.valueOf(41)));
            assertThat(t.get("devices").get(0).get("id").isInt()).isTrue();
            assertThat(t.get("devices").get(0).get("blocks").isLong()).isTrue();
            JsonNode big = t.get("tree").get(1);
            assertThat(big.get("ino").isLong()).isTrue();
            assertThat(big.get("target").isNull()).isTrue();
            assertThat(big.get("extents").get(0).get(0).isLong()).isTrue();
            assertThat(big.get("extents").get(0).get(4).isInt()).isTrue();
            assertThat(t.get("tree").get(2).get("xattrs").isNull()).isTrue();
        }

        @Test void aSmallUnsignedCountIsStillABigInteger() {
            MountOutcome.Mounted m = (MountOutcome.Mounted) mounted();
            Statfs s = m.statfs();
            MountOutcome small = new MountOutcome.Mounted(m.mode(), m.log(), m.superblock(), m.superOptions(),
                    new Statfs(s.type(), s.bsize(), s.blocks(), 0, 0, 7, 3, s.namelen(), 1, 2), m.devices(), null,
                    List.of(), null, List.of());
            JsonNode st = OutcomeJson.toTree(small).get("statfs");
            assertThat(st.get("files").isBigInteger()).isTrue();
            assertThat(st.get("files").longValue()).isEqualTo(7);
            assertThat(OutcomeJson.write(small)).contains("\"files\":7,\"ffree\":3,");
        }
    }
}
