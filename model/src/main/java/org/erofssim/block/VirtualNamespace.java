package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;

/**
 * The scenario's namespace: absolute path to node, walked the way the kernel walks a path.
 *
 * <p>Keys are either normalised absolute paths ({@code /dev/loop0}: a leading slash, no empty,
 * {@code .} or {@code ..} components, no trailing slash, not {@code /} itself) or fscache cookie
 * keys starting with {@value #FSCACHE_PREFIX}. Every proper ancestor of a listed path exists as
 * a directory without being listed; {@code /} always exists. A listed ancestor must therefore be
 * a directory itself ({@link #checkPaths}).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public final class VirtualNamespace {
    /** {@code MAXSYMLINKS} of {@code include/linux/namei.h}: links one walk may follow. */
    public static final int MAXSYMLINKS = 40;
    /** {@code PATH_MAX}: a path string must be shorter than this (the NUL included). */
    public static final int PATH_MAX = 4096;
    /** {@code NAME_MAX}: the longest component, in bytes. */
    public static final int NAME_MAX = 255;
    /** The prefix of fscache cookie keys ({@code fscache:<volume>/<cookie>}). */
    public static final String FSCACHE_PREFIX = "fscache:";

    private static final Node DIRECTORY = new Node.Directory();

    private final Map<String, Node> nodes;
    private final Set<String> implicitDirs;

    /**
     * @throws IllegalArgumentException when a key is not a normalised absolute path or an
     *         fscache key, or when a listed node has a listed ancestor that is not a directory
     */
    public VirtualNamespace(Map<String, Node> nodes) {
        this.nodes = Map.copyOf(nodes);
        String problem = checkPaths(this.nodes);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Set<String> dirs = new HashSet<>();
        for (String key : this.nodes.keySet()) {
            if (key.startsWith(FSCACHE_PREFIX)) {
                continue;
            }
            for (int slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
                dirs.add(key.substring(0, slash));
            }
        }
        this.implicitDirs = Set.copyOf(dirs);
    }

    private VirtualNamespace(Map<String, Node> nodes, Set<String> implicitDirs) {
        this.nodes = nodes;
        this.implicitDirs = implicitDirs;
    }

    /**
     * This namespace with the nodes at some of its paths replaced (a fuzz case's edited image in
     * its template's nodes, issue 12): the same paths, so the same checks pass and the same
     * directories are implied, and nothing is checked again as long as no replacement changes
     * whether a path is a directory. The nodes keep the order the constructor gives a map copied
     * from these nodes with the replacements put in.
     *
     * A key not listed yet, or a replacement that turns a directory into something else or
     * back, makes a namespace checked as the constructor checks one.
     *
     * @throws IllegalArgumentException as the constructor does, in that case
     */
    public VirtualNamespace replacing(Map<String, Node> replaced) {
        if (replaced.isEmpty()) {
            return this;
        }
        boolean sameKeys = true;
        for (Map.Entry<String, Node> e : replaced.entrySet()) {
            Node old = nodes.get(e.getKey());
            if (old == null || (old instanceof Node.Directory) != (e.getValue() instanceof Node.Directory)) {
                sameKeys = false;
                break;
            }
        }
        if (sameKeys) {
            // the entries in this namespace's order with the replacements: what Map.copyOf of the
            // LinkedHashMap below inserts (Map.ofEntries in its order), without that map per call
            // (JFR, session 14: a fuzz case's nodes swapped in, 1.5% of a model-only campaign)
            @SuppressWarnings("unchecked")
            Map.Entry<String, Node>[] entries = new Map.Entry[nodes.size()];
            int i = 0;
            for (Map.Entry<String, Node> e : nodes.entrySet()) {
                Node r = replaced.get(e.getKey());
                entries[i++] = r == null ? e : Map.entry(e.getKey(), r);
            }
            return new VirtualNamespace(Map.ofEntries(entries), implicitDirs);
        }
        Map<String, Node> all = new java.util.LinkedHashMap<>(nodes);
        for (Map.Entry<String, Node> e : replaced.entrySet()) {
            Node old = all.put(e.getKey(), java.util.Objects.requireNonNull(e.getValue(), "node"));
            if (old == null || (old instanceof Node.Directory) != (e.getValue() instanceof Node.Directory)) {
                return new VirtualNamespace(all);
            }
        }
        return new VirtualNamespace(Map.copyOf(all), implicitDirs);
    }

    public Map<String, Node> nodes() {
        return nodes;
    }

    /** A resolved path: the canonical path walked to and its node. */
    @API(status = EXPERIMENTAL, since = "0.1.0")
    public record Resolved(String path, Node node) {}

    /**
     * Why {@code key} cannot be a node's path, or null when it can. fscache keys must have
     * something after the prefix; other keys must be normalised absolute paths.
     */
    public static String checkKey(String key) {
        if (key.startsWith(FSCACHE_PREFIX)) {
            return key.length() == FSCACHE_PREFIX.length() ? "empty fscache key" : null;
        }
        if (!key.startsWith("/")) {
            return "not an absolute path (nor an " + FSCACHE_PREFIX + " key)";
        }
        if (key.equals("/")) {
            return "/ always exists as a directory and cannot be listed";
        }
        if (key.endsWith("/")) {
            return "trailing slash";
        }
        if (key.indexOf('\0') >= 0) {
            return "NUL byte in path";
        }
        for (String c : key.substring(1).split("/", -1)) {
            if (c.isEmpty()) {
                return "empty path component";
            }
            if (c.equals(".") || c.equals("..")) {
                return "'" + c + "' component";
            }
            if (c.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                return "component longer than " + NAME_MAX + " bytes";
            }
        }
        return null;
    }

    /**
     * Why these nodes cannot form a namespace, or null when they can: the first key (in sorted
     * order) that {@link #checkKey} refuses, or a listed ancestor that is not a directory.
     * The message starts with the offending key and a colon.
     */
    public static String checkPaths(Map<String, Node> nodes) {
        for (String key : new java.util.TreeSet<>(nodes.keySet())) {
            String bad = checkKey(key);
            if (bad != null) {
                return key + ": " + bad;
            }
            if (key.startsWith(FSCACHE_PREFIX)) {
                continue;
            }
            for (int slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
                String parent = key.substring(0, slash);
                Node p = nodes.get(parent);
                if (p != null && !(p instanceof Node.Directory)) {
                    return key + ": parent " + parent + " is a " + p.kind() + ", not a dir";
                }
            }
        }
        return null;
    }

    /**
     * Walks {@code path} as the kernel's path lookup does for {@code lookup_bdev} (its
     * {@code kern_path(pathname, LOOKUP_FOLLOW, ...)}) and for {@code filp_open}: this is
     * {@code path_lookupat}, which runs {@code link_path_walk} over every component but the
     * last and then looks the last one up, following a final symlink when asked.
     *
     * <p>The rules, in the order the walk meets them:
     * <ul>
     *   <li>The kernel sees the string up to its first NUL. An empty string is refused with
     *       EINVAL, as {@code lookup_bdev} does before walking; {@value #PATH_MAX} bytes or more
     *       is ENAMETOOLONG, as {@code getname} refuses it.</li>
     *   <li>A key starting with {@value #FSCACHE_PREFIX} is no path: it is looked up as an
     *       exact key (ENOENT when absent).</li>
     *   <li>The walk starts at {@code /} whether the path is absolute or not (the model's
     *       working directory is the root). Repeated slashes count as one.</li>
     *   <li>Before each component the current position must be a directory; the walk only
     *       ever descends into directories, so a component after a non-directory fails with
     *       ENOTDIR. {@code .} stays, {@code ..} goes to the parent of where the walk really
     *       is (after symlinks), and stays at {@code /} at the root.</li>
     *   <li>A component longer than {@value #NAME_MAX} bytes is ENAMETOOLONG (what ext4 and
     *       tmpfs lookups return); a component that does not exist is ENOENT.</li>
     *   <li>A symlink met before the last component is always followed; the last component is
     *       followed when {@code followFinal} is set or the path ends with a slash. Following
     *       one splices its target in: an absolute target restarts at {@code /}, a relative one
     *       continues from the directory holding the link, and the rest of the path follows.
     *       The {@value #MAXSYMLINKS}-plus-first link of one walk fails with ELOOP (the count
     *       {@code nameidata.total_link_count} keeps across nested links).</li>
     *   <li>A trailing slash (on the path, or on a target followed as its last component) asks
     *       for a directory ({@code LOOKUP_DIRECTORY}): anything else is ENOTDIR.</li>
     * </ul>
     *
     * @param followFinal {@code LOOKUP_FOLLOW}: follow a symlink in the last component
     * @return the canonical path reached ({@code ..} and followed links removed) and its node;
     *         an implicit directory resolves to a {@link Node.Directory}
     * @throws KernelError EINVAL, ENAMETOOLONG, ENOENT, ENOTDIR or ELOOP as above
     */
    public Resolved resolve(String path, boolean followFinal) {
        return walk(path, followFinal, null);
    }

    /**
     * Whether the walk of {@code path} (as {@link #resolve} walks it, followed links included)
     * meets a {@code ..} at {@code /}, whether or not the walk then succeeds. In the scenario's
     * namespace that {@code ..} stays at {@code /}; a real kernel walking the same string in a
     * folder that stands for {@code /} would leave that folder there. The live oracle refuses
     * such a scenario rather than let the kernel reach host files (issue 11).
     */
    public boolean climbsAboveRoot(String path, boolean followFinal) {
        boolean[] climbed = new boolean[1];
        try {
            walk(path, followFinal, climbed);
        } catch (KernelError e) {
            // the walk failed after (or without) climbing; the flag says which
        }
        return climbed[0];
    }

    /** {@link #resolve}, setting {@code climbed[0]} when a {@code ..} is met at {@code /}. */
    private Resolved walk(String path, boolean followFinal, boolean[] climbed) {
        int nul = path.indexOf('\0');
        if (nul >= 0) {
            path = path.substring(0, nul);
        }
        if (path.isEmpty()) {
            throw new KernelError(Errno.EINVAL, "empty path");
        }
        // a char is at most 3 UTF-8 bytes: a short string needs no encoding to pass
        if (path.length() * 3 >= PATH_MAX && path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw new KernelError(Errno.ENAMETOOLONG, "path of PATH_MAX bytes or more");
        }
        if (path.startsWith(FSCACHE_PREFIX)) {
            Node n = nodes.get(path);
            if (n == null) {
                throw new KernelError(Errno.ENOENT, "no fscache key " + path);
            }
            return new Resolved(path, n);
        }
        Node listed = nodes.get(path);
        if (listed != null && !(listed instanceof Node.Symlink)) {
            // a listed key is a normalised absolute path whose proper ancestors are all
            // directories (checkPaths) and whose components are at most NAME_MAX bytes
            // (checkKey): the walk below would descend through them and end at this node
            return new Resolved(path, listed);
        }

        Deque<String> pending = new ArrayDeque<>();
        pushFront(pending, path);
        boolean mustBeDir = path.endsWith("/");
        boolean followLast = followFinal || mustBeDir;
        List<String> at = new ArrayList<>(); // components of the directory the walk is in
        int links = 0;

        while (!pending.isEmpty()) {
            String name = pending.pop();
            boolean last = pending.isEmpty();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!at.isEmpty()) {
                    at.remove(at.size() - 1);
                } else if (climbed != null) {
                    climbed[0] = true;
                }
                continue;
            }
            if (name.length() * 3 > NAME_MAX && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                throw new KernelError(Errno.ENAMETOOLONG, "component longer than NAME_MAX: " + name);
            }
            String here = join(at, name);
            Node node = lookup(here);
            if (node == null) {
                throw new KernelError(Errno.ENOENT, "no such path: " + here);
            }
            if (node instanceof Node.Symlink link && (!last || followLast)) {
                if (++links > MAXSYMLINKS) {
                    throw new KernelError(Errno.ELOOP, "more than " + MAXSYMLINKS + " symlinks");
                }
                String target = link.target();
                if (target.isEmpty()) {
                    // symlink(2) refuses to create one; a hand-built namespace gets ENOENT
                    throw new KernelError(Errno.ENOENT, "empty symlink " + here);
                }
                if (target.startsWith("/")) {
                    at.clear();
                }
                if (last && target.endsWith("/")) {
                    mustBeDir = true;
                }
                pushFront(pending, target);
                continue;
            }
            if (!last) {
                if (!(node instanceof Node.Directory)) {
                    throw new KernelError(Errno.ENOTDIR, here + " is a " + node.kind());
                }
                at.add(name);
                continue;
            }
            if (mustBeDir && !(node instanceof Node.Directory)) {
                throw new KernelError(Errno.ENOTDIR, here + " is a " + node.kind() + ", wanted a directory");
            }
            return new Resolved(here, node);
        }
        // the path (or the target followed last) ended in a directory: "/", ".", "..", "x/."
        String dir = join(at, null);
        return new Resolved(dir, dir.equals("/") ? DIRECTORY : lookup(dir));
    }

    /** A listed node, an implicit directory, or null. */
    private Node lookup(String absolute) {
        Node n = nodes.get(absolute);
        if (n != null) {
            return n;
        }
        return absolute.equals("/") || implicitDirs.contains(absolute) ? DIRECTORY : null;
    }

    /** Puts the non-empty components of {@code path} in front of {@code pending}, in order. */
    private static void pushFront(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty()) {
                pending.push(parts[i]);
            }
        }
    }

    private static String join(List<String> dir, String name) {
        StringBuilder sb = new StringBuilder();
        for (String c : dir) {
            sb.append('/').append(c);
        }
        if (name != null) {
            sb.append('/').append(name);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}
