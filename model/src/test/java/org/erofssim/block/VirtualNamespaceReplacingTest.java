package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("VirtualNamespace.replacing gives the namespace the constructor gives for the same nodes")
class VirtualNamespaceReplacingTest {
    private static final Node OLD = new Node.RegularFile(ImageBytes.of(new byte[] {1}), BackingFs.EXT4);
    private static final Node NEW = new Node.RegularFile(ImageBytes.of(new byte[] {2}), BackingFs.EXT4);
    private static final Node LOOP = new Node.BlockDevice(ImageBytes.of(new byte[512]), new DevT(7, 0), true, 512,
            false);

    private static Map<String, Node> nodes() {
        Map<String, Node> m = new LinkedHashMap<>();
        m.put("/srv/image.erofs", OLD);
        m.put("/srv/dir", new Node.Directory());
        m.put("/dev/loop0", LOOP);
        m.put("/srv/link", new Node.Symlink("/srv/image.erofs"));
        m.put("fscache:erofs,fs1/fs1", new Node.FscacheBlob(ImageBytes.empty()));
        return m;
    }

    @Test
    void sameNodesInTheSameOrderAndTheSameWalks() {
        VirtualNamespace ns = new VirtualNamespace(nodes());
        Node loop = new Node.BlockDevice(ImageBytes.of(new byte[1024]), new DevT(7, 0), true, 512, false);
        VirtualNamespace replaced = ns.replacing(Map.of("/srv/image.erofs", NEW, "/dev/loop0", loop));
        // what Scenario.Builder builds: the nodes copied in order, the replacements put in
        Map<String, Node> built = new LinkedHashMap<>(ns.nodes());
        built.put("/srv/image.erofs", NEW);
        built.put("/dev/loop0", loop);
        VirtualNamespace expected = new VirtualNamespace(built);
        assertThat(replaced.nodes()).isEqualTo(expected.nodes());
        assertThat(new ArrayList<>(replaced.nodes().keySet())).isEqualTo(new ArrayList<>(expected.nodes().keySet()));
        for (String path : List.of("/srv/image.erofs", "/srv/link", "/srv/dir", "/srv", "/dev/loop0")) {
            assertThat(replaced.resolve(path, true)).as(path).isEqualTo(expected.resolve(path, true));
        }
        assertThat(replaced.resolve("/srv/link", true).node()).isSameAs(NEW);
        // the original is left as it was
        assertThat(ns.nodes().get("/srv/image.erofs")).isSameAs(OLD);
        assertThat(ns.replacing(Map.of())).isSameAs(ns);
    }

    @Test
    void aReplacementThatChangesTheDirectoriesIsCheckedAsTheConstructorChecksIt() {
        VirtualNamespace ns = new VirtualNamespace(nodes());
        // /srv/dir becomes a file: nothing below it, so the constructor accepts it too
        VirtualNamespace fileForDir = ns.replacing(Map.of("/srv/dir", NEW));
        assertThat(fileForDir.resolve("/srv/dir", true).node()).isSameAs(NEW);
        // /srv becomes a listed file while /srv/image.erofs lies below it: refused, as the constructor refuses it
        assertThatThrownBy(() -> ns.replacing(Map.of("/srv", NEW)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent /srv is a file");
        Map<String, Node> bad = new LinkedHashMap<>(nodes());
        bad.put("/srv", NEW);
        assertThatThrownBy(() -> new VirtualNamespace(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent /srv is a file");
    }
}
