package org.erofssim.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.Releases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("ScenarioJson decodes the contract's scenarios")
class ScenarioJsonTest {
    /** Bytes of the small image the tests write: 2.5 pages, byte i = i mod 7. */
    private static final byte[] IMAGE = new byte[2 * ImageBytes.PAGE_SIZE + 2048];

    static {
        for (int i = 0; i < IMAGE.length; i++) {
            IMAGE[i] = (byte) (i % 7);
        }
    }

    @TempDir Path dir;

    @BeforeEach void writeFixtures() throws IOException {
        Files.createDirectories(dir.resolve("fixtures/images"));
        Files.write(dir.resolve("fixtures/images/plain.erofs"), IMAGE);
        Files.write(dir.resolve("fixtures/images/blob.erofs"), new byte[] {9, 8, 7});
    }

    private Scenario read(String json) {
        return ScenarioJson.read(json, dir);
    }

    private static Node node(Scenario s, String path) {
        return s.namespace().nodes().get(path);
    }

    @Nested
    @DisplayName("fills in the contract's defaults")
    class Defaults {
        @Test void aScenarioWithOnlyAVersionHasEveryDefault() {
            Scenario s = read("{\"version\": 1}");
            assertThat(s.name()).isEqualTo("scenario");
            assertThat(s.kernel().profile()).isSameAs(Releases.DEFAULT);
            assertThat(s.kernel().config()).isEqualTo(Releases.DEFAULT.defaultConfig());
            assertThat(s.namespace().nodes()).isEmpty();
            assertThat(s.source()).isNull();
            assertThat(s.options()).isNull();
            assertThat(s.readOnly()).isTrue();
            assertThat(s.before()).isEmpty();
            assertThat(s.read()).isFalse();
            assertThat(s.extents()).isFalse();
            assertThat(s.probeCache()).isFalse();
            assertThat(s.api()).isEqualTo(Scenario.MountApi.MOUNT);
            assertThat(s.readSize()).isEqualTo(131072);
            assertThat(s.mmap()).isFalse();
        }

        @Test void theMountApiIsMountOrFsopen() {
            assertThat(read("{\"version\": 1, \"api\": \"fsopen\"}").api()).isEqualTo(Scenario.MountApi.FSOPEN);
            assertThat(read("{\"version\": 1, \"api\": \"mount\"}").api()).isEqualTo(Scenario.MountApi.MOUNT);
            assertThat(read("{\"version\": 1, \"api\": \"fsopen\"}").toBuilder().build().api())
                    .isEqualTo(Scenario.MountApi.FSOPEN);
            assertThatThrownBy(() -> read("{\"version\": 1, \"api\": \"mount2\"}"))
                    .isInstanceOf(ScenarioException.class)
                    .hasMessageContaining("api").hasMessageContaining("unknown mount API 'mount2' (known: fsopen, mount)");
        }

        @Test void theReadPatternIsRead() {
            assertThat(read("{\"version\": 1, \"read\": true, \"readSize\": 1048576}").readSize()).isEqualTo(1 << 20);
            assertThat(read("{\"version\": 1, \"read\": true, \"readSize\": 4096}").readSize()).isEqualTo(4096);
            Scenario m = read("{\"version\": 1, \"read\": true, \"mmap\": true}");
            assertThat(m.mmap()).isTrue();
            assertThat(m.readSize()).isEqualTo(131072);
            assertThat(read("{\"version\": 1, \"readSize\": null, \"mmap\": null}").defaultReadPattern()).isTrue();
        }

        @Test void aFieldGivenAsNullCountsAsAbsent() {
            Scenario s = read("{\"version\": 1, \"kernel\": null, \"source\": null, \"flags\": null, \"read\": null}");
            assertThat(s.kernel().profile()).isSameAs(Releases.DEFAULT);
            assertThat(s.source()).isNull();
            assertThat(s.readOnly()).isTrue();
        }

        @Test void extensionFieldsOfOtherToolsAreIgnored() {
            Scenario s = read("{\"version\": 1, \"comment\": \"x\", \"x-future\": {\"a\": [1, 2]}, \"source\": \"/x\","
                    + " \"before\": [{\"source\": \"/y\", \"x-why\": 1}]}");
            assertThat(s.source()).isEqualTo("/x");
            assertThat(s.before()).hasSize(1);
        }

        @Test void extensionNodeFieldsAreIgnored() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/d\": {\"kind\": \"dir\", \"x-owner\": \"root\"}}}");
            assertThat(node(s, "/d")).isEqualTo(new Node.Directory());
        }
    }

    @Nested
    @DisplayName("decodes every field")
    class Fields {
        @Test void readingAFileNamesTheScenarioAfterItAndResolvesImagesFromItsFolder() throws IOException {
            Path file = dir.resolve("plain-file.json");
            Files.writeString(file, "{\"version\": 1, \"nodes\": {\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \"fixtures/images/plain.erofs\"}}}");
            Scenario s = ScenarioJson.read(file);
            assertThat(s.name()).isEqualTo("plain-file");
            Node.RegularFile f = (Node.RegularFile) node(s, "/srv/a.erofs");
            assertThat(f.bytes().size()).isEqualTo(IMAGE.length);
            assertThat(f.bytes().readFully(0, 16).array()).isEqualTo(java.util.Arrays.copyOf(IMAGE, 16));
            assertThat(f.fs()).isEqualTo(BackingFs.EXT4);
        }

        @Test void aNameFieldWinsOverTheFileName() throws IOException {
            Path file = dir.resolve("x.json");
            Files.writeString(file, "{\"version\": 1, \"name\": \"named\"}");
            assertThat(ScenarioJson.read(file).name()).isEqualTo("named");
            assertThat(ScenarioJson.read("{\"version\": 1}", dir, "given").name()).isEqualTo("given");
        }

        @Test void anAbsoluteImagePathIsTakenAsIs() {
            String abs = dir.resolve("fixtures/images/blob.erofs").toAbsolutePath().toString();
            Scenario s = ScenarioJson.read("{\"version\": 1, \"nodes\": {\"/f\": {\"kind\": \"file\", \"image\": "
                    + quote(abs) + "}}}", dir.resolve("elsewhere"));
            assertThat(((Node.RegularFile) node(s, "/f")).bytes().size()).isEqualTo(3);
        }

        @Test void theKernelIsChosenByShortNameOrRelease() {
            assertThat(read("{\"version\": 1, \"kernel\": \"6.12\"}").kernel().profile().name()).isEqualTo("6.12.118");
            assertThat(read("{\"version\": 1, \"kernel\": \"6.12.0\"}").kernel().profile().name()).isEqualTo("6.12.0");
            assertThat(read("{\"version\": 1, \"kernel\": \"6.13\"}").kernel().profile().name()).isEqualTo("6.13.0-rc4");
            assertThat(read("{\"version\": 1, \"kernel\": \"6.18.44-fc-v782\"}").kernel().profile())
                    .isSameAs(Releases.linux_6_18_44());
        }

        @Test void aReleaseResolvedToAnotherPresetLeavesOneNote() {
            List<String> notes = new java.util.ArrayList<>();
            Scenario s = ScenarioJson.read("{\"version\": 1, \"kernel\": \"6.12.1+deb12-amd64\"}", null, "s",
                    notes::add);
            assertThat(s.kernel().profile()).isSameAs(Releases.linux_6_12_0());
            assertThat(notes).containsExactly("kernel 6.12.1+deb12-amd64: not modelled; using 6.12.0, the newest"
                    + " modelled 6.12 release not newer than it");
            // a 6.12.y past a stable backport: 6.12.0 plus the backports up to y, under its own name
            notes.clear();
            Scenario s100 = ScenarioJson.read("{\"version\": 1, \"kernel\": \"6.12.100+deb12-amd64\"}", null, "s",
                    notes::add);
            assertThat(s100.kernel().profile().name()).isEqualTo("6.12.100");
            assertThat(notes).hasSize(1);
            assertThat(notes.get(0)).startsWith("kernel 6.12.100+deb12-amd64: 6.12.0 + the stable backports up to 6.12.100 (");
        }

        @Test void configOverridesTakeSymbolsWithOrWithoutThePrefix() {
            Scenario s = read("{\"version\": 1, \"config\": {\"EROFS_FS_ONDEMAND\": true, \"CONFIG_EROFS_FS_ZIP\": false}}");
            assertThat(s.kernel().enabled(ConfigFlag.EROFS_FS_ONDEMAND)).isTrue();
            assertThat(s.kernel().enabled(ConfigFlag.EROFS_FS_ZIP)).isFalse();
            assertThat(s.kernel().enabled(ConfigFlag.EROFS_FS_BACKED_BY_FILE)).isTrue();
        }

        @Test void sourceOptionsAndProbesAreTakenAsGiven() {
            Scenario s = read("{\"version\": 1, \"source\": \"/srv/a.erofs\", \"options\": \"device=/srv/blob\","
                    + " \"read\": true, \"extents\": true, \"probeCache\": true}");
            assertThat(s.source()).isEqualTo("/srv/a.erofs");
            assertThat(s.options()).isEqualTo("device=/srv/blob");
            assertThat(s.read()).isTrue();
            assertThat(s.extents()).isTrue();
            assertThat(s.probeCache()).isTrue();
        }

        @Test void anEmptySourceStaysAnEmptyString() {
            assertThat(read("{\"version\": 1, \"source\": \"\"}").source()).isEmpty();
        }

        @Test void flagsDecideReadOnly() {
            assertThat(read("{\"version\": 1, \"flags\": []}").readOnly()).isFalse();
            assertThat(read("{\"version\": 1, \"flags\": [\"ro\"]}").readOnly()).isTrue();
            assertThat(read("{\"version\": 1, \"flags\": [\"ro\", \"ro\"]}").readOnly()).isTrue();
        }

        @Test void beforeListsEarlierMountsWithTheSameDefaults() {
            Scenario s = read("{\"version\": 1, \"before\": [{\"source\": \"/dev/loop0\"},"
                    + " {\"source\": \"/dev/loop0\", \"options\": \"acl\", \"flags\": []}]}");
            assertThat(s.before()).containsExactly(new Scenario.Mount("/dev/loop0", null, true),
                    new Scenario.Mount("/dev/loop0", "acl", false));
        }

        @Test void aBdevTakesItsImageDevReadOnlySectorSizeAndDax() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"fixtures/images/plain.erofs\","
                    + " \"dev\": \"7:9\", \"readOnly\": false, \"logicalBlockSize\": 4096, \"dax\": true}}}");
            Node.BlockDevice b = (Node.BlockDevice) node(s, "/dev/loop0");
            assertThat(b.capacity()).isEqualTo(IMAGE.length);
            assertThat(b.dev()).isEqualTo(new DevT(7, 9));
            assertThat(b.readOnly()).isFalse();
            assertThat(b.logicalBlockSize()).isEqualTo(4096);
            assertThat(b.dax()).isTrue();
        }

        @Test void aBdevWithoutImageIsAnUnboundLoopDeviceWithTheDefaults() {
            Node.BlockDevice b = (Node.BlockDevice) node(read("{\"version\": 1, \"nodes\": {\"/dev/loop5\": {\"kind\": \"bdev\"}}}"), "/dev/loop5");
            assertThat(b.bytes()).isNull();
            assertThat(b.capacity()).isZero();
            assertThat(b.dev()).isEqualTo(new DevT(7, 5));
            assertThat(b.readOnly()).isTrue();
            assertThat(b.logicalBlockSize()).isEqualTo(512);
            assertThat(b.dax()).isFalse();
        }

        @Test void everyOtherKindIsDecoded() {
            Scenario s = read("{\"version\": 1, \"nodes\": {"
                    + "\"/srv/t\": {\"kind\": \"file\", \"image\": \"fixtures/images/blob.erofs\", \"fs\": \"tmpfs\"},"
                    + "\"/srv/empty\": {\"kind\": \"file\"},"
                    + "\"/srv/dir\": {\"kind\": \"dir\"},"
                    + "\"/srv/lnk\": {\"kind\": \"symlink\", \"target\": \"t\"},"
                    + "\"/dev/null\": {\"kind\": \"chardev\", \"dev\": \"1:3\"},"
                    + "\"/srv/fifo\": {\"kind\": \"fifo\"},"
                    + "\"/srv/sock\": {\"kind\": \"socket\"},"
                    + "\"fscache:erofs,id/id\": {\"kind\": \"blob\", \"image\": \"fixtures/images/blob.erofs\"},"
                    + "\"fscache:erofs,id/t1\": {\"kind\": \"blob\", \"daemon\": \"gone-at-first-read\", \"pastEnd\": \"short\"}}}");
            assertThat(((Node.RegularFile) node(s, "/srv/t")).fs()).isEqualTo(BackingFs.TMPFS);
            assertThat(((Node.RegularFile) node(s, "/srv/empty")).bytes().size()).isZero();
            assertThat(node(s, "/srv/dir")).isEqualTo(new Node.Directory());
            assertThat(node(s, "/srv/lnk")).isEqualTo(new Node.Symlink("t"));
            assertThat(node(s, "/dev/null")).isEqualTo(new Node.CharDevice(new DevT(1, 3)));
            assertThat(node(s, "/srv/fifo")).isEqualTo(new Node.Fifo());
            assertThat(node(s, "/srv/sock")).isEqualTo(new Node.Socket());
            assertThat(((Node.FscacheBlob) node(s, "fscache:erofs,id/id")).bytes().size()).isEqualTo(3);
            assertThat(((Node.FscacheBlob) node(s, "fscache:erofs,id/id")).daemon()).isEqualTo(Node.FscacheBlob.Daemon.SERVES);
            assertThat(((Node.FscacheBlob) node(s, "fscache:erofs,id/id")).pastEnd()).isEqualTo(Node.FscacheBlob.PastEnd.ZEROS);
            assertThat(((Node.FscacheBlob) node(s, "fscache:erofs,id/t1")).daemon()).isEqualTo(Node.FscacheBlob.Daemon.GONE_AT_FIRST_READ);
            assertThat(((Node.FscacheBlob) node(s, "fscache:erofs,id/t1")).pastEnd()).isEqualTo(Node.FscacheBlob.PastEnd.SHORT);
            assertThat(s.namespace().resolve("/srv/lnk", true).node()).isSameAs(node(s, "/srv/t"));
        }

        @Test void everyBackingFsIsKnownByItsContractName() {
            for (BackingFs fs : BackingFs.values()) {
                Scenario s = read("{\"version\": 1, \"nodes\": {\"/f\": {\"kind\": \"file\", \"fs\": " + quote(fs.contractName()) + "}}}");
                assertThat(((Node.RegularFile) node(s, "/f")).fs()).isEqualTo(fs);
            }
        }

        @Test void faultsAreInjectedIntoTheImage() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/f\": {\"kind\": \"file\", \"image\": \"fixtures/images/plain.erofs\","
                    + " \"faults\": {\"1\": \"eio\", \"2\": \"short\"}}}}");
            ImageBytes b = ((Node.RegularFile) node(s, "/f")).bytes();
            assertThat(b.read(0, new byte[10], 0, 10)).isEqualTo(10);
            KernelError e = catchThrowableOfType(KernelError.class, () -> b.read(ImageBytes.PAGE_SIZE, new byte[10], 0, 10));
            assertThat(e.errno()).isEqualTo(Errno.EIO);
            assertThat(b.read(2L * ImageBytes.PAGE_SIZE, new byte[10], 0, 10)).isZero();
        }
    }

    @Nested
    @DisplayName("picks device numbers the scenario leaves out")
    class DefaultDevs {
        private DevT dev(Scenario s, String path) {
            Node n = node(s, path);
            return n instanceof Node.BlockDevice b ? b.dev() : ((Node.CharDevice) n).dev();
        }

        @Test void aLoopDeviceGetsItsOwnNumber() {
            assertThat(dev(read("{\"version\": 1, \"nodes\": {\"/dev/loop3\": {\"kind\": \"bdev\"}}}"), "/dev/loop3")).isEqualTo(new DevT(7, 3));
        }

        @Test void otherBlockDevicesGetUniqueBlkextNumbers() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/dev/sda\": {\"kind\": \"bdev\"}, \"/dev/sdb\": {\"kind\": \"bdev\"},"
                    + " \"/dev/x\": {\"kind\": \"bdev\", \"dev\": \"259:0\"}}}");
            assertThat(dev(s, "/dev/sda")).isEqualTo(new DevT(259, 1));
            assertThat(dev(s, "/dev/sdb")).isEqualTo(new DevT(259, 2));
        }

        @Test void aLoopNameWhoseNumberIsTakenGetsABlkextNumber() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\"}, \"/dev/a\": {\"kind\": \"bdev\", \"dev\": \"7:0\"}}}");
            assertThat(dev(s, "/dev/loop0")).isEqualTo(new DevT(259, 0));
        }

        @Test void aLoopNameKeepsItsNumberAgainstAnEarlierPath() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/a/b\": {\"kind\": \"bdev\"}, \"/dev/loop0\": {\"kind\": \"bdev\"}}}");
            assertThat(dev(s, "/dev/loop0")).isEqualTo(new DevT(7, 0));
            assertThat(dev(s, "/a/b")).isEqualTo(new DevT(259, 0));
        }

        @Test void characterDevicesGetUniqueHarmlessMemNumbers() {
            Scenario s = read("{\"version\": 1, \"nodes\": {\"/dev/a\": {\"kind\": \"chardev\"}, \"/dev/null\": {\"kind\": \"chardev\"},"
                    + " \"/dev/zero\": {\"kind\": \"chardev\"}, \"/dev/b\": {\"kind\": \"chardev\"}}}");
            assertThat(dev(s, "/dev/null")).isEqualTo(new DevT(1, 3));
            assertThat(dev(s, "/dev/zero")).isEqualTo(new DevT(1, 5));
            assertThat(dev(s, "/dev/a")).isEqualTo(new DevT(1, 7));
            assertThat(dev(s, "/dev/b")).isEqualTo(new DevT(1, 8));
        }
    }

    @Nested
    @DisplayName("reads the contract document's own example")
    class ContractExample {
        @Test void theScenarioExampleDecodes() throws IOException {
            String example = ContractDoc.jsonBlockAfter("## Scenario");
            Scenario s = read(example);
            assertThat(s.kernel().profile().name()).isEqualTo("6.18.44");
            assertThat(s.kernel().enabled(ConfigFlag.EROFS_FS_ONDEMAND)).isFalse();
            assertThat(s.namespace().nodes()).containsOnlyKeys("/dev/loop0", "/srv/a.erofs", "/srv/blob", "/srv/dir", "/dev/null");
            assertThat(((Node.BlockDevice) node(s, "/dev/loop0")).dev()).isEqualTo(new DevT(7, 0));
            assertThat(s.source()).isEqualTo("/srv/a.erofs");
            assertThat(s.options()).isEqualTo("device=/srv/blob,cache_strategy=readahead");
            assertThat(s.read()).isTrue();
            assertThat(s.readOnly()).isTrue();
        }
    }

    @Nested
    @DisplayName("refuses bad input with one line naming the field")
    class BadInput {
        static Stream<Arguments> bad() {
            String v = "{\"version\": 1, ";
            return Stream.of(
                    Arguments.of("{\"version\": 2}", "version", "expected 1, got 2"),
                    Arguments.of("{}", "version", "missing"),
                    Arguments.of("{\"version\": \"1\"}", "version", "expected 1, got \"1\""),
                    Arguments.of("{\"version\": 1.5}", "version", "expected 1, got 1.5"),
                    Arguments.of("[1]", "scenario", "expected a JSON object, got array"),
                    Arguments.of(v + "\"name\": 3}", "name", "expected a string, got number"),
                    Arguments.of(v + "\"kernel\": \"5.10\"}", "kernel", "'5.10': no modelled release of the 5.10 line"),
                    Arguments.of(v + "\"kernel\": \"7.9.4-amd64\"}", "kernel", "'7.9.4-amd64': no modelled release of the 7.9 line"),
                    Arguments.of(v + "\"kernel\": 6.18}", "kernel", "expected a string, got number"),
                    Arguments.of(v + "\"config\": []}", "config", "expected an object, got array"),
                    Arguments.of(v + "\"config\": {\"CONFIG_FOO\": true}}", "config.CONFIG_FOO", "unknown CONFIG symbol"),
                    Arguments.of(v + "\"config\": {\"EROFS_FS_ZIP\": \"y\"}}", "config.EROFS_FS_ZIP", "expected true or false, got string"),
                    Arguments.of(v + "\"config\": {\"EROFS_FS_ZIP\": true, \"CONFIG_EROFS_FS_ZIP\": false}}", "config.CONFIG_EROFS_FS_ZIP", "given twice"),
                    Arguments.of(v + "\"nodes\": [\"/a\"]}", "nodes", "expected an object, got array"),
                    Arguments.of(v + "\"nodes\": {\"dev/loop0\": {\"kind\": \"bdev\"}}}", "nodes.dev/loop0", "not an absolute path"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0/\": {\"kind\": \"bdev\"}}}", "nodes./dev/loop0/", "trailing slash"),
                    Arguments.of(v + "\"nodes\": {\"/dev//loop0\": {\"kind\": \"bdev\"}}}", "nodes./dev//loop0", "empty path component"),
                    Arguments.of(v + "\"nodes\": {\"/dev/../loop0\": {\"kind\": \"bdev\"}}}", "nodes./dev/../loop0", "'..' component"),
                    Arguments.of(v + "\"nodes\": {\"/\": {\"kind\": \"dir\"}}}", "nodes./", "always exists"),
                    Arguments.of(v + "\"nodes\": {\"/x\": \"file\"}}", "nodes./x", "expected an object, got string"),
                    Arguments.of(v + "\"nodes\": {\"/x\": {}}}", "nodes./x.kind", "missing"),
                    Arguments.of(v + "\"nodes\": {\"/x\": {\"kind\": \"pipe\"}}}", "nodes./x.kind", "unknown kind 'pipe'"),
                    Arguments.of(v + "\"nodes\": {\"/x\": {\"kind\": 1}}}", "nodes./x.kind", "expected a string, got number"),
                    Arguments.of(v + "\"nodes\": {\"/x\": {\"kind\": \"blob\"}}}", "nodes./x.kind", "must start with fscache:"),
                    Arguments.of(v + "\"nodes\": {\"fscache:a/b\": {\"kind\": \"file\"}}}", "nodes.fscache:a/b.kind", "must be a blob"),
                    Arguments.of(v + "\"nodes\": {\"/d\": {\"kind\": \"dir\", \"image\": \"fixtures/images/plain.erofs\"}}}", "nodes./d.image", "not a field of a dir node"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"readOnly\": true}}}", "nodes./f.readOnly", "not a field of a file node"),
                    Arguments.of(v + "\"nodes\": {\"/l\": {\"kind\": \"symlink\", \"target\": \"/f\", \"fs\": \"ext4\"}}}", "nodes./l.fs", "not a field of a symlink node"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"fixtures/x.erofs\"}}}", "nodes./dev/loop0.image", "no such file: fixtures/x.erofs"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"fixtures\"}}}", "nodes./dev/loop0.image", "not a regular file: fixtures"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"image\": 7}}}", "nodes./f.image", "expected a string, got number"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"dev\": \"7-0\"}}}", "nodes./dev/loop0.dev", "expected \"MAJ:MIN\""),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"dev\": \"4096:0\"}}}", "nodes./dev/loop0.dev", "'4096:0'"),
                    Arguments.of(v + "\"nodes\": {\"/dev/null\": {\"kind\": \"chardev\", \"dev\": [1, 3]}}}", "nodes./dev/null.dev", "expected a string, got array"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\"}, \"/dev/loop1\": {\"kind\": \"bdev\", \"dev\": \"7:1\"}, \"/dev/loop9\": {\"kind\": \"bdev\", \"dev\": \"7:1\"}}}", "nodes./dev/loop9.dev", "7:1 is already the dev of /dev/loop1"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"readOnly\": \"yes\"}}}", "nodes./dev/loop0.readOnly", "expected true or false, got string"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"dax\": 1}}}", "nodes./dev/loop0.dax", "expected true or false, got number"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"logicalBlockSize\": 1000}}}", "nodes./dev/loop0.logicalBlockSize", "expected 512, 1024, 2048 or 4096, got 1000"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"logicalBlockSize\": \"512\"}}}", "nodes./dev/loop0.logicalBlockSize", "expected an integer"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"fs\": \"btrfs\"}}}", "nodes./f.fs", "unknown filesystem 'btrfs'"),
                    Arguments.of(v + "\"nodes\": {\"/l\": {\"kind\": \"symlink\"}}}", "nodes./l.target", "missing"),
                    Arguments.of(v + "\"nodes\": {\"/l\": {\"kind\": \"symlink\", \"target\": \"\"}}}", "nodes./l.target", "empty"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"faults\": [1]}}}", "nodes./f.faults", "expected an object, got array"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"faults\": {\"x\": \"eio\"}}}}", "nodes./f.faults.x", "page index"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"faults\": {\"-1\": \"eio\"}}}}", "nodes./f.faults.-1", "page index"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"faults\": {\"0\": \"EIO\"}}}}", "nodes./f.faults.0", "expected \"eio\" or \"short\", got 'EIO'"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"faults\": {\"0\": \"eio\", \"00\": \"short\"}}}}", "nodes./f.faults.00", "given twice"),
                    Arguments.of(v + "\"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\", \"faults\": {\"0\": \"eio\"}}}}", "nodes./dev/loop0.faults", "without image"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\"}, \"/f/inner\": {\"kind\": \"file\"}}}", "nodes./f/inner", "parent /f is a file, not a dir"),
                    Arguments.of(v + "\"source\": 1}", "source", "expected a string, got number"),
                    Arguments.of(v + "\"options\": {}}", "options", "expected a string, got object"),
                    Arguments.of(v + "\"flags\": \"ro\"}", "flags", "expected a list, got string"),
                    Arguments.of(v + "\"flags\": [\"ro\", \"foo\"]}", "flags[1]", "unknown mount flag 'foo'"),
                    Arguments.of(v + "\"flags\": [true]}", "flags[0]", "expected a string, got boolean"),
                    Arguments.of(v + "\"read\": \"true\"}", "read", "expected true or false, got string"),
                    Arguments.of(v + "\"extents\": 1}", "extents", "expected true or false, got number"),
                    Arguments.of(v + "\"probeCache\": []}", "probeCache", "expected true or false, got array"),
                    Arguments.of(v + "\"readSize\": 0}", "readSize", "expected 1..16777216 bytes, got 0"),
                    Arguments.of(v + "\"readSize\": 16777217}", "readSize", "expected 1..16777216 bytes, got 16777217"),
                    Arguments.of(v + "\"readSize\": \"1M\"}", "readSize", "expected an integer, got \"1M\""),
                    Arguments.of(v + "\"readSize\": 4096, \"mmap\": true}", "readSize", "has no meaning with \"mmap\": true"),
                    Arguments.of(v + "\"mmap\": 1}", "mmap", "expected true or false, got number"),
                    Arguments.of(v + "\"before\": {}}", "before", "expected a list, got object"),
                    Arguments.of(v + "\"before\": [\"/dev/loop0\"]}", "before[0]", "expected an object, got string"),
                    Arguments.of(v + "\"before\": [{}, {\"source\": 5}]}", "before[1].source", "expected a string, got number"),
                    Arguments.of(v + "\"before\": [{\"flags\": [\"rw\"]}]}", "before[0].flags[0]", "unknown mount flag 'rw'"),
                    // issue 11 item 8: a typo is refused, never read as a default
                    Arguments.of(v + "\"opitons\": \"device=/x\"}", "opitons", "unknown field (known: api, before, comment"),
                    Arguments.of(v + "\"before\": [{\"sourec\": \"/x\"}]}", "before[0].sourec", "unknown field (known: flags, options, source"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"imgae\": \"a.erofs\"}}}", "nodes./f.imgae", "unknown field (known: kind, daemon, dax"),
                    // issue 9: the on-demand daemon's behaviour for a blob
                    Arguments.of(v + "\"nodes\": {\"fscache:erofs,a/a\": {\"kind\": \"blob\", \"daemon\": \"gone\"}}}", "nodes.fscache:erofs,a/a.daemon", "unknown value 'gone' (known: serves, gone-after-mount, gone-at-first-read)"),
                    Arguments.of(v + "\"nodes\": {\"fscache:erofs,a/a\": {\"kind\": \"blob\", \"pastEnd\": 0}}}", "nodes.fscache:erofs,a/a.pastEnd", "expected a string, got number"),
                    Arguments.of(v + "\"nodes\": {\"/f\": {\"kind\": \"file\", \"daemon\": \"serves\"}}}", "nodes./f.daemon", "not a field of a file node"));
        }

        @ParameterizedTest(name = "{1}: {2}")
        @MethodSource("bad")
        void theMessageStartsWithTheFieldPath(String json, String field, String says) {
            ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> read(json));
            assertThat(e).as(json).isNotNull();
            assertThat(e.getMessage()).startsWith(field + ": ").contains(says).doesNotContain("\n");
            assertThat(e.getStackTrace()).isEmpty();
        }

        static Stream<Arguments> malformed() {
            return Stream.of(
                    Arguments.of("{\"version\": 1,}", "line 1 column 15: "),
                    Arguments.of("{\"version\": 1,\n \"read\": tru}", "line 2 column "),
                    Arguments.of("{\"version\": 1} {}", "line 1 column "),
                    Arguments.of("{\"version\": 1, \"version\": 1}", "line 1 column "),
                    Arguments.of("{\"version\": 1, \"nodes\": {\"/a\": {\"kind\": \"dir\"}, \"/a\": {\"kind\": \"file\"}}}", "line 1 column "),
                    Arguments.of("{\"version\": 1", "line 1 column "),
                    Arguments.of("", "line 1 column 1: "),
                    Arguments.of("{\"version\": NaN}", "line 1 column 16: Non-standard token 'NaN'"),
                    Arguments.of("   \n ", "line "));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("malformed")
        void malformedJsonGivesLineAndColumnAndAShortReason(String json, String prefix) {
            ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> read(json));
            assertThat(e).as(json).isNotNull();
            assertThat(e.getMessage()).startsWith(prefix).doesNotContain("\n").doesNotContain("com.fasterxml")
                    .doesNotContain("Source:").doesNotContain("JsonNode").hasSizeLessThan(160);
        }

        @Test void duplicateKeysAreNamed() {
            assertThat(catchThrowableOfType(ScenarioException.class, () -> read("{\"version\": 1, \"version\": 1}")).getMessage())
                    .contains("'version'");
        }

        @Test void aMissingFileIsOneLine() {
            assertThatThrownBy(() -> ScenarioJson.read(dir.resolve("nope.json")))
                    .isInstanceOf(ScenarioException.class).hasMessageEndingWith("nope.json: no such file");
        }
    }

    private static String quote(String s) {
        return JsonFields.MAPPER.getNodeFactory().textNode(s).toString();
    }

    /** Checks the list of bad-input cases covers every decoded field at least once. */
    @Test void theBadInputCasesCoverEveryField() {
        List<String> fields = BadInput.bad().map(a -> (String) a.get()[1]).toList();
        for (String f : List.of("version", "name", "kernel", "config", "nodes", "source", "options", "flags", "read",
                "extents", "probeCache", "before", "readSize", "mmap")) {
            assertThat(fields).as(f).anyMatch(x -> x.equals(f) || x.startsWith(f + ".") || x.startsWith(f + "["));
        }
        for (String nf : List.of("kind", "image", "dev", "readOnly", "fs", "target", "logicalBlockSize", "dax", "faults",
                "daemon", "pastEnd")) {
            assertThat(fields).as(nf).anyMatch(x -> x.startsWith("nodes.") && (x.endsWith("." + nf) || x.contains("." + nf + ".")));
        }
    }
}
