package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("VirtualNamespace.resolve walks a path like the kernel's path_lookupat")
class VirtualNamespaceTest {
    private static final Node FILE = new Node.RegularFile(ImageBytes.of(new byte[] {1, 2, 3}), BackingFs.EXT4);
    private static final Node LOOP0 = new Node.BlockDevice(ImageBytes.empty(), new DevT(7, 0), true, 512, false);
    private static final Node NULL_DEV = new Node.CharDevice(new DevT(1, 3));
    private static final Node BLOB = new Node.FscacheBlob(ImageBytes.empty());

    /** A namespace most tests share. */
    private static VirtualNamespace ns() {
        Map<String, Node> m = new LinkedHashMap<>();
        m.put("/srv/a.erofs", FILE);
        m.put("/srv/dir", new Node.Directory());
        m.put("/dev/loop0", LOOP0);
        m.put("/dev/null", NULL_DEV);
        m.put("/dev/fifo", new Node.Fifo());
        m.put("/dev/sock", new Node.Socket());
        m.put("/links/abs", new Node.Symlink("/srv/a.erofs"));
        m.put("/links/rel", new Node.Symlink("../srv/a.erofs"));
        m.put("/links/sibling", new Node.Symlink("rel"));
        m.put("/links/todir", new Node.Symlink("/srv"));
        m.put("/links/todir-slash", new Node.Symlink("/srv/"));
        m.put("/links/tofile-slash", new Node.Symlink("/srv/a.erofs/"));
        m.put("/links/dangling", new Node.Symlink("/nowhere"));
        m.put("/links/self", new Node.Symlink("/links/self"));
        m.put("/links/dot", new Node.Symlink("."));
        m.put("/links/empty", new Node.Symlink(""));
        m.put("/links/deep/up", new Node.Symlink("../../srv/dir"));
        m.put("fscache:erofs,fsid/fsid", BLOB);
        return new VirtualNamespace(m);
    }

    private static VirtualNamespace.Resolved resolve(String path) {
        return ns().resolve(path, true);
    }

    private static Errno errnoOf(String path, boolean follow) {
        try {
            ns().resolve(path, follow);
        } catch (KernelError e) {
            return e.errno();
        }
        throw new AssertionError(path + " resolved");
    }

    @Nested
    @DisplayName("finds what exists")
    class Found {
        @Test void aListedNodeIsFoundByItsAbsolutePath() {
            assertThat(resolve("/srv/a.erofs")).isEqualTo(new VirtualNamespace.Resolved("/srv/a.erofs", FILE));
        }

        @Test void aRelativePathIsWalkedFromTheRoot() {
            assertThat(resolve("dev/loop0").path()).isEqualTo("/dev/loop0");
            assertThat(resolve("dev/loop0").node()).isEqualTo(LOOP0);
        }

        @Test void theRootAlwaysExistsAsADirectory() {
            assertThat(resolve("/")).isEqualTo(new VirtualNamespace.Resolved("/", new Node.Directory()));
            assertThat(new VirtualNamespace(Map.of()).resolve("/", false).node()).isInstanceOf(Node.Directory.class);
        }

        @Test void parentsOfListedNodesExistAsDirectories() {
            assertThat(resolve("/dev").node()).isInstanceOf(Node.Directory.class);
            assertThat(resolve("/links/deep").node()).isInstanceOf(Node.Directory.class);
        }

        @Test void repeatedSlashesCountAsOne() {
            assertThat(resolve("//srv///a.erofs").path()).isEqualTo("/srv/a.erofs");
        }

        @Test void dotStaysAndDotDotGoesUp() {
            assertThat(resolve("/srv/./dir/../a.erofs").path()).isEqualTo("/srv/a.erofs");
            assertThat(resolve("/srv/dir/.").path()).isEqualTo("/srv/dir");
            assertThat(resolve("/srv/dir/..").path()).isEqualTo("/srv");
        }

        @Test void dotDotAtTheRootStaysAtTheRoot() {
            assertThat(resolve("/../../srv/a.erofs").path()).isEqualTo("/srv/a.erofs");
            assertThat(resolve("..").path()).isEqualTo("/");
        }

        @Test void aTrailingSlashOnADirectoryIsFine() {
            assertThat(resolve("/srv/dir/").path()).isEqualTo("/srv/dir");
            assertThat(resolve("/dev/").node()).isInstanceOf(Node.Directory.class);
        }

        @Test void everyNodeKindIsReturnedAsListed() {
            assertThat(resolve("/dev/null").node()).isEqualTo(NULL_DEV);
            assertThat(resolve("/dev/fifo").node()).isInstanceOf(Node.Fifo.class);
            assertThat(resolve("/dev/sock").node()).isInstanceOf(Node.Socket.class);
        }

        @Test void theStringEndsAtTheFirstNulAsTheKernelSeesIt() {
            assertThat(resolve("/dev/loop0\0garbage").path()).isEqualTo("/dev/loop0");
        }
    }

    @Nested
    @DisplayName("follows symlinks")
    class Symlinks {
        @Test void anAbsoluteTargetRestartsAtTheRoot() {
            assertThat(resolve("/links/abs")).isEqualTo(new VirtualNamespace.Resolved("/srv/a.erofs", FILE));
        }

        @Test void aRelativeTargetIsWalkedFromTheLinksDirectory() {
            assertThat(resolve("/links/rel").path()).isEqualTo("/srv/a.erofs");
            assertThat(resolve("/links/deep/up").path()).isEqualTo("/srv/dir");
        }

        @Test void chainsOfLinksAreFollowed() {
            assertThat(resolve("/links/sibling").path()).isEqualTo("/srv/a.erofs");
        }

        @Test void aLinkInTheMiddleIsFollowedEvenWithoutFollowFinal() {
            assertThat(ns().resolve("/links/todir/a.erofs", false).path()).isEqualTo("/srv/a.erofs");
        }

        @Test void dotDotAfterALinkGoesUpFromWhereTheLinkLed() {
            assertThat(resolve("/links/todir/dir/../../links").path()).isEqualTo("/links");
            assertThat(resolve("/links/deep/up/..").path()).isEqualTo("/srv");
        }

        @Test void aFinalLinkIsReturnedItselfWithoutFollowFinal() {
            VirtualNamespace.Resolved r = ns().resolve("/links/abs", false);
            assertThat(r.path()).isEqualTo("/links/abs");
            assertThat(r.node()).isEqualTo(new Node.Symlink("/srv/a.erofs"));
        }

        @Test void aDanglingFinalLinkIsReturnedWithoutFollowFinal() {
            assertThat(ns().resolve("/links/dangling", false).node()).isInstanceOf(Node.Symlink.class);
        }

        @Test void aTrailingSlashFollowsAFinalLinkEvenWithoutFollowFinal() {
            assertThat(ns().resolve("/links/todir/", false).path()).isEqualTo("/srv");
        }

        @Test void aLinkToDotIsItsOwnDirectory() {
            assertThat(resolve("/links/dot").path()).isEqualTo("/links");
        }

        @Test void aTargetEndingInASlashToADirectoryIsFine() {
            assertThat(resolve("/links/todir-slash").path()).isEqualTo("/srv");
        }

        @Test void exactlyFortyLinksInOneWalkAreAllowed() {
            assertThat(chain(40).resolve("/l0", true).path()).isEqualTo("/end");
        }
    }

    @Nested
    @DisplayName("fails like the kernel")
    class Errors {
        @Test void theEmptyStringIsEinval() {
            assertThat(errnoOf("", true)).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf("\0/dev/loop0", true)).isEqualTo(Errno.EINVAL);
        }

        @Test void aMissingComponentIsEnoent() {
            assertThat(errnoOf("/srv/missing", true)).isEqualTo(Errno.ENOENT);
            assertThat(errnoOf("/missing/a.erofs", true)).isEqualTo(Errno.ENOENT);
            assertThat(errnoOf("/missing/", true)).isEqualTo(Errno.ENOENT);
        }

        @Test void aDanglingLinkIsEnoentWhenFollowed() {
            assertThat(errnoOf("/links/dangling", true)).isEqualTo(Errno.ENOENT);
            assertThat(errnoOf("/links/dangling/x", false)).isEqualTo(Errno.ENOENT);
        }

        @Test void anEmptyLinkIsEnoent() {
            assertThat(errnoOf("/links/empty", true)).isEqualTo(Errno.ENOENT);
        }

        @Test void aNonDirectoryInTheMiddleIsEnotdir() {
            assertThat(errnoOf("/srv/a.erofs/x", true)).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf("/dev/loop0/x", true)).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf("/dev/null/..", true)).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf("/srv/a.erofs/.", true)).isEqualTo(Errno.ENOTDIR);
        }

        @Test void aLinkToAFileInTheMiddleIsEnotdir() {
            assertThat(errnoOf("/links/abs/x", true)).isEqualTo(Errno.ENOTDIR);
        }

        @Test void aTrailingSlashOnANonDirectoryIsEnotdir() {
            assertThat(errnoOf("/srv/a.erofs/", true)).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf("/dev/loop0/", false)).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf("/links/abs/", false)).isEqualTo(Errno.ENOTDIR);
        }

        @Test void aLinkWhoseTargetEndsInASlashToAFileIsEnotdir() {
            assertThat(errnoOf("/links/tofile-slash", true)).isEqualTo(Errno.ENOTDIR);
        }

        @Test void aLinkToItselfIsEloop() {
            assertThat(errnoOf("/links/self", true)).isEqualTo(Errno.ELOOP);
            assertThat(errnoOf("/links/self/x", false)).isEqualTo(Errno.ELOOP);
        }

        @Test void theFortyFirstLinkOfOneWalkIsEloop() {
            assertThatThrownBy(() -> chain(41).resolve("/l0", true))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.ELOOP));
        }

        @Test void linksAreCountedAcrossTheWholeWalk() {
            // 30 links to reach a directory, then 11 more in the rest of the path: 41
            Map<String, Node> m = new LinkedHashMap<>(chainNodes(30));
            m.put("/end", new Node.Directory());
            m.putAll(chainNodes("/end/m", 11, "/file"));
            m.put("/file", FILE);
            VirtualNamespace v = new VirtualNamespace(m);
            assertThat(catchErrno(() -> v.resolve("/l0/m0", true))).isEqualTo(Errno.ELOOP);
            assertThat(v.resolve("/l0/m1", true).path()).isEqualTo("/file");
        }

        @Test void aComponentLongerThanNameMaxIsEnametoolong() {
            assertThat(errnoOf("/srv/" + "x".repeat(256), true)).isEqualTo(Errno.ENAMETOOLONG);
            assertThat(errnoOf("/srv/" + "x".repeat(255), true)).isEqualTo(Errno.ENOENT);
        }

        @Test void aPathOfPathMaxBytesIsEnametoolong() {
            assertThat(errnoOf("/" + "a/".repeat(2048), true)).isEqualTo(Errno.ENAMETOOLONG);
        }
    }

    @Nested
    @DisplayName("treats fscache keys as exact keys")
    class Fscache {
        @Test void aListedKeyIsFound() {
            assertThat(resolve("fscache:erofs,fsid/fsid")).isEqualTo(new VirtualNamespace.Resolved("fscache:erofs,fsid/fsid", BLOB));
        }

        @Test void anyOtherKeyIsEnoentEvenIfItNormalisesToAListedOne() {
            assertThat(errnoOf("fscache:erofs,fsid//fsid", true)).isEqualTo(Errno.ENOENT);
            assertThat(errnoOf("fscache:erofs,other/other", true)).isEqualTo(Errno.ENOENT);
        }

        @Test void anFscacheKeyDoesNotMakeParentDirectories() {
            assertThat(errnoOf("/fscache:erofs,fsid", true)).isEqualTo(Errno.ENOENT);
        }
    }

    @Nested
    @DisplayName("refuses keys a namespace cannot have")
    class Keys {
        @Test void aRelativeOrUnnormalisedKeyIsRefused() {
            for (String key : new String[] {"dev/loop0", "/", "/dev/", "/dev//loop0", "/dev/./loop0", "/dev/../loop0", "fscache:"}) {
                assertThat(VirtualNamespace.checkKey(key)).as(key).isNotNull();
                assertThatThrownBy(() -> new VirtualNamespace(Map.of(key, FILE))).as(key)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test void aNormalisedAbsoluteKeyIsAccepted() {
            assertThat(VirtualNamespace.checkKey("/dev/loop0")).isNull();
            assertThat(VirtualNamespace.checkKey("fscache:erofs,x/x")).isNull();
        }

        @Test void aListedParentMustBeADirectory() {
            Map<String, Node> m = Map.of("/srv/a.erofs", FILE, "/srv/a.erofs/inner", FILE);
            assertThat(VirtualNamespace.checkPaths(m)).isEqualTo("/srv/a.erofs/inner: parent /srv/a.erofs is a file, not a dir");
            assertThat(VirtualNamespace.checkPaths(Map.of("/srv", new Node.Directory(), "/srv/x", FILE))).isNull();
        }
    }

    /** /l0 → /l1 → ... → /l(n-1) → /end: n links. */
    private static VirtualNamespace chain(int n) {
        Map<String, Node> m = new LinkedHashMap<>(chainNodes(n));
        m.put("/end", FILE);
        return new VirtualNamespace(m);
    }

    private static Map<String, Node> chainNodes(int n) {
        return chainNodes("/l", n, "/end");
    }

    private static Map<String, Node> chainNodes(String prefix, int n, String end) {
        Map<String, Node> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(prefix + i, new Node.Symlink(i + 1 < n ? prefix + (i + 1) : end));
        }
        return m;
    }

    private static Errno catchErrno(Runnable r) {
        try {
            r.run();
        } catch (KernelError e) {
            return e.errno();
        }
        throw new AssertionError("no error");
    }

    @Nested
    @DisplayName("tells when a walk would climb above / (what the live oracle cannot realise)")
    class ClimbsAboveRoot {
        private final VirtualNamespace ns = withEscapes();

        private VirtualNamespace withEscapes() {
            Map<String, Node> m = new LinkedHashMap<>(ns().nodes());
            m.put("/links/up3", new Node.Symlink("../../../tmp/x/decoy.erofs"));
            m.put("/links/absup", new Node.Symlink("/../tmp/x"));
            m.put("/links/viaup", new Node.Symlink("up3"));
            return new VirtualNamespace(m);
        }

        @Test void pathsThatStayInsideDoNot() {
            for (String p : new String[] {"/srv/a.erofs", "srv/a.erofs", "/links/rel", "/links/deep/up", "/srv/dir/..",
                    "/links/todir/../dev/loop0", "/nowhere", "/links/dangling", "/links/self"}) {
                assertThat(ns.climbsAboveRoot(p, true)).as(p).isFalse();
            }
        }

        @Test void aDotDotAtTheRootDoesEvenWhenTheWalkThenFails() {
            for (String p : new String[] {"/..", "/../../../tmp/x/decoy.erofs", "../srv/a.erofs", "/srv/../../srv/a.erofs",
                    "/links/up3", "/links/absup", "/links/viaup", "/links/todir/../../x"}) {
                assertThat(ns.climbsAboveRoot(p, true)).as(p).isTrue();
            }
            // the model itself stays at / and finds (or misses) what is there, as before
            assertThat(ns.resolve("/../srv/a.erofs", true).path()).isEqualTo("/srv/a.erofs");
        }

        @Test void aFinalSymlinkCountsOnlyWhenFollowed() {
            assertThat(ns.climbsAboveRoot("/links/up3", false)).isFalse();
            assertThat(ns.climbsAboveRoot("/links/up3", true)).isTrue();
        }
    }
}
