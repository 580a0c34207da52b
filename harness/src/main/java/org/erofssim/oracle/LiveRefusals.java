package org.erofssim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.ConfigFlag;

/**
 * What the live-kernel oracle ({@link LiveKernelOracle}) refuses to run, before it makes a
 * sandbox: scenarios this machine cannot realise ({@link #refusal}) and scenarios no sandbox can
 * realise faithfully ({@link #unrealisable}: bad input, exit 2). Moved out of the oracle
 * unchanged (issue 8: no class over 800 lines); the oracle's public methods delegate here.
 */
final class LiveRefusals {
    /** Character devices it is harmless to open (the mount path opens a char-device source). */
    static final Set<String> HARMLESS_CHARDEVS = Set.of("1:3", "1:5", "1:7", "1:8", "1:9");

    private LiveRefusals() {}

    /**
     * Why this scenario cannot be observed on this kernel (one line), or null when it can:
     * fscache blobs (no ONDEMAND here and no cachefiles daemon), DAX block devices, CONFIG
     * values the running kernel does not have, and mounts that would hang (FIFO source or
     * {@code device=}) or open a character device that is not known to be harmless.
     *
     * @param refuseHangs refuse a FIFO source or value that would block mount(2) ({@link LiveKernelOracle.Options#refuseHangs})
     */
    static String refusal(Scenario sc, boolean refuseHangs) {
        return refusal(sc, refuseHangs, LiveKernelOracle.runningConfig());
    }

    /** {@link #refusal(Scenario, boolean)} on a kernel whose CONFIG is {@code running} (null: no {@code /proc/config.gz}). */
    static String refusal(Scenario sc, boolean refuseHangs, Map<String, Boolean> running) {
        String unrealisable = unrealisable(sc);
        if (unrealisable != null) {
            return unrealisable;
        }
        String fscache = org.erofssim.oracle.fscache.FscacheSession.refusal(sc, running);
        if (fscache != null) {
            return fscache;
        }
        for (Map.Entry<String, Node> e : new java.util.TreeMap<>(sc.namespace().nodes()).entrySet()) {
            if (e.getValue() instanceof Node.BlockDevice b && b.dax()) {
                return "bdev " + e.getKey() + " with dax cannot be realised with a loop device";
            }
        }
        if (running != null) {
            for (ConfigFlag f : ConfigFlag.values()) {
                Boolean have = running.get(f.symbol());
                boolean want = sc.kernel().enabled(f);
                if (have != null && have != want) {
                    return "the scenario needs CONFIG_" + f.symbol() + "=" + (want ? "y" : "n")
                            + " but the running kernel " + LiveKernelOracle.kernelRelease() + " has " + (have ? "y" : "n");
                }
            }
        }
        List<String[]> mounts = new ArrayList<>();
        for (Scenario.Mount m : sc.before()) {
            mounts.add(new String[] {m.source(), m.options()});
        }
        mounts.add(new String[] {sc.source(), sc.options()});
        for (String[] m : mounts) {
            List<String> opened = new ArrayList<>();
            if (m[0] != null) {
                opened.add(m[0]);
            }
            if (m[1] != null) {
                for (String part : m[1].split(",", -1)) {
                    for (String key : List.of("device=", "source=")) {
                        if (part.startsWith(key) && part.length() > key.length()) {
                            opened.add(part.substring(key.length()));
                        }
                    }
                }
            }
            for (String path : opened) {
                Node n = resolve(sc.namespace(), path);
                if (n instanceof Node.Fifo && refuseHangs) {
                    return "FIFO " + path + " would block mount(2) in open until a writer comes; not run";
                }
                if (n instanceof Node.CharDevice c) {
                    String dev = c.dev() != null ? c.dev().toString() : "1:3";
                    if (!HARMLESS_CHARDEVS.contains(dev)) {
                        return "character device " + path + " (" + dev + ") would really be opened by mount(2); "
                                + "only " + new TreeSet<>(HARMLESS_CHARDEVS) + " are known to be harmless";
                    }
                }
            }
        }
        return null;
    }

    /**
     * The option page the kernel copies from {@code mount(2)}'s data: it reads at most this many
     * bytes of the option string (the page less its terminating NUL).
     */
    static final int OPTION_PAGE_BYTES = 4095;

    /**
     * The longest path string {@code mount(2)} takes (PATH_MAX, 4096, less the NUL): a longer source
     * fails to be copied (EINVAL) or looked up (ENAMETOOLONG) before its components are walked.
     */
    static final int PATH_BYTES = 4095;

    /**
     * Why this scenario cannot be realised faithfully in a sandbox whatever the machine (bad
     * input: the command line exits 2), or null: a path the kernel would walk (a source,
     * {@code device=} or {@code source=} value, through the scenario's symlinks) that meets a
     * {@code ..} at the scenario's {@code /} and would leave the sandbox for host files; an
     * option string whose sandbox paths make it cross the kernel's option page when the
     * scenario's own string does not, or the other way round; a walked path that the sandbox's
     * prefix pushes past the kernel's path limit ({@link #PATH_BYTES}) when the scenario's does not.
     */
    static String unrealisable(Scenario sc) {
        List<String[]> mounts = new ArrayList<>();
        for (Scenario.Mount m : sc.before()) {
            mounts.add(new String[] {m.source(), m.options()});
        }
        mounts.add(new String[] {sc.source(), sc.options()});
        // the longest sandbox root Sandbox.create can make: /tmp/erofs-sim-live-<up to 20 digits>/root
        int rootLength = (LiveKernelOracle.TMP + "/" + Journal.PREFIX).length() + 20 + "/root".length();
        for (String[] m : mounts) {
            List<String> walked = new ArrayList<>();
            if (m[0] != null && !m[0].isEmpty()) {
                walked.add(m[0]);
            }
            int realLength = m[1] == null ? 0 : m[1].getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            int sceneLength = realLength;
            if (m[1] != null) {
                for (String part : m[1].split(",", -1)) {
                    for (String key : List.of("device=", "source=")) {
                        if (part.startsWith(key) && part.length() > key.length()) {
                            String p = part.substring(key.length());
                            walked.add(p);
                            realLength += rootLength + (p.startsWith("/") ? 0 : 1);
                        }
                    }
                }
            }
            String tooLong = null;
            for (String path : walked) {
                if (path.startsWith(org.erofssim.block.VirtualNamespace.FSCACHE_PREFIX)) {
                    continue;
                }
                if (sc.namespace().climbsAboveRoot(path, true)) {
                    return "path '" + abbreviate(path) + "' climbs above the scenario's / (a '..' at the root): "
                            + "a real kernel would leave the sandbox there, so the live oracle does not run it";
                }
                int sceneBytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                int realBytes = sceneBytes + rootLength + (path.startsWith("/") ? 0 : 1);
                if (sceneBytes <= PATH_BYTES && realBytes > PATH_BYTES && tooLong == null) {
                    tooLong = "path '" + abbreviate(path) + "' of " + sceneBytes + " bytes becomes up to " + realBytes
                            + " bytes in the sandbox, past the kernel's " + PATH_BYTES + "-byte path limit (PATH_MAX"
                            + " less its NUL): mount(2) would fail on the sandbox's path, not the scenario's; not run";
                }
            }
            if (realLength != sceneLength && Math.max(realLength, sceneLength) >= OPTION_PAGE_BYTES) {
                return "option string of " + sceneLength + " bytes holds paths the sandbox makes longer (up to "
                        + realLength + " bytes), so the kernel's " + OPTION_PAGE_BYTES
                        + "-byte option page would cut it elsewhere; not run";
            }
            if (tooLong != null) {
                return tooLong;
            }
        }
        return null;
    }

    /** A path for a one-line message: at most 200 characters. */
    private static String abbreviate(String path) {
        return path.length() <= 200 ? path : path.substring(0, 100) + "..." + path.substring(path.length() - 97);
    }

    private static Node resolve(VirtualNamespace ns, String path) {
        try {
            return ns.resolve(path, true).node();
        } catch (RuntimeException e) {
            return null; // a lookup error: nothing is opened
        }
    }
}
