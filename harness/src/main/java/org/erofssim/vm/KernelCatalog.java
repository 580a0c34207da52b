package org.erofssim.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * The kernels the matrix knows (issue 9): Debian binary packages pinned by name, version and
 * sha256 in the committed resource {@code org/erofssim/vm/kernels.json}. Nothing here is
 * downloaded; {@link KernelCache} fetches.
 */
public final class KernelCatalog {
    /** The committed pinned list, inside the jar. */
    public static final String RESOURCE = "/org/erofssim/vm/kernels.json";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PKG = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~:-]*");
    private static final Pattern RELEASE = Pattern.compile("[0-9]+\\.[0-9]+[A-Za-z0-9.+_-]*");

    /** One pinned Debian package. */
    public record Package(String name, String version, long size, String sha256) {
        /** {@code name=version}, as {@code apt-get download} takes it. */
        public String pin() {
            return name + "=" + version;
        }
    }

    /**
     * A source-built kernel's recipe (issue 9, CONFIG variants): the committed folder {@code
     * kernels/recipes/NAME} (recipe.properties, config-fragment, config) built on demand by
     * {@code .ci/build-kernel NAME} from Debian's source package {@code source} at {@code version}
     * (its .orig tarball, sha256 {@code origSha256}), never in CI.
     */
    public record Recipe(String name, String source, String version, String origSha256, String what) {
        /** The recipe's folder in the checkout. */
        public String folder() {
            return "kernels/recipes/" + name;
        }
    }

    /**
     * One kernel: its {@code uname -r}, the Debian suite and archive it comes from, its packages;
     * or, for a source-built kernel, its {@link Recipe} (then {@code packages} is empty and the
     * suite is {@code source}).
     */
    public record Kernel(String release, String suite, String archive, List<Package> packages, Recipe recipe) {
        /** A kernel of Debian binary packages. */
        public Kernel(String release, String suite, String archive, List<Package> packages) {
            this(release, suite, archive, packages, null);
        }

        /** Whether this kernel is built from a recipe rather than fetched as packages. */
        public boolean sourceBuilt() {
            return recipe != null;
        }

        /** The model preset this release resolves to exactly or by its stable line, if any. */
        public Optional<KernelProfile> preset() {
            return Releases.forRelease(release);
        }

        /** One line: the preset it maps to, or that it has none yet. */
        public String presetText() {
            try {
                Releases.Resolution r = Releases.resolve(release);
                return r.profile().release() + (r.note() == null || !r.note().contains("not modelled") ? ""
                        : " (nearest in its line)");
            } catch (Releases.UnknownRelease e) {
                return "none yet (no modelled " + release.replaceAll("^(\\d+\\.\\d+).*", "$1") + " release)";
            }
        }
    }

    private final List<Kernel> kernels;

    private KernelCatalog(List<Kernel> kernels) {
        this.kernels = List.copyOf(kernels);
    }

    /** The committed list. */
    public static KernelCatalog load() {
        try (InputStream in = KernelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the pinned kernel list " + RESOURCE + " is missing from the jar");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("reading " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A pinned list from a file (testing a pin, or a list of one's own); one-line errors. */
    public static KernelCatalog load(java.nio.file.Path file) {
        try {
            return parse(java.nio.file.Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("kernel list " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /**
     * Parses a pinned list; any malformed entry is an {@link IllegalArgumentException} naming
     * the field.
     */
    public static KernelCatalog parse(byte[] json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("kernel list: not JSON: " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        JsonNode arr = root == null ? null : root.get("kernels");
        if (arr == null || !arr.isArray()) {
            throw new IllegalArgumentException("kernel list: no \"kernels\" array");
        }
        List<Kernel> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "kernels[" + i + "]";
            JsonNode k = arr.get(i);
            String release = text(k, "release", at, RELEASE);
            if (k != null && k.has("recipe")) {
                String rat = at + ".recipe";
                JsonNode r = k.get("recipe");
                Recipe recipe = new Recipe(text(r, "name", rat, PKG), text(r, "source", rat, PKG),
                        text(r, "version", rat, VERSION), text(r, "origSha256", rat, SHA256),
                        text(r, "what", rat, Pattern.compile("[^\n]{1,200}")));
                if (out.stream().anyMatch(x -> x.release().equals(release))) {
                    throw new IllegalArgumentException("kernel list: " + at + ".release: " + release + " listed twice");
                }
                out.add(new Kernel(release, "source", "debian", List.of(), recipe));
                continue;
            }
            String suite = text(k, "suite", at, PKG);
            String archive = text(k, "archive", at, Pattern.compile("debian|debian-security"));
            JsonNode ps = k.get("packages");
            if (ps == null || !ps.isArray() || ps.isEmpty()) {
                throw new IllegalArgumentException("kernel list: " + at + ".packages: expected a non-empty array");
            }
            List<Package> pkgs = new ArrayList<>();
            for (int j = 0; j < ps.size(); j++) {
                String pat = at + ".packages[" + j + "]";
                JsonNode p = ps.get(j);
                JsonNode size = p.get("size");
                if (size == null || !size.canConvertToLong() || size.asLong() <= 0) {
                    throw new IllegalArgumentException("kernel list: " + pat + ".size: expected a positive number");
                }
                pkgs.add(new Package(text(p, "name", pat, PKG), text(p, "version", pat, VERSION), size.asLong(),
                        text(p, "sha256", pat, SHA256)));
            }
            if (out.stream().anyMatch(x -> x.release().equals(release))) {
                throw new IllegalArgumentException("kernel list: " + at + ".release: " + release + " listed twice");
            }
            out.add(new Kernel(release, suite, archive, pkgs));
        }
        return new KernelCatalog(out);
    }

    private static String text(JsonNode n, String field, String at, Pattern shape) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isTextual() || !shape.matcher(v.asText()).matches()) {
            throw new IllegalArgumentException("kernel list: " + at + "." + field + ": expected a string matching "
                    + shape.pattern());
        }
        return v.asText();
    }

    public List<Kernel> kernels() {
        return kernels;
    }

    /**
     * The kernel a name selects: an exact {@code uname -r}, or a prefix that selects exactly
     * one ({@code 6.1}, {@code 7.2}, {@code 6.12.118}); a prefix matches at a boundary only
     * ({@code 6.1} never selects 6.12); a prefix matching several Debian builds selects the
     * newest ({@code 6.12}: 6.12.118+deb13, not 6.12.107+deb12).
     */
    public Optional<Kernel> find(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        for (Kernel k : kernels) {
            if (k.release().equals(name)) {
                return Optional.of(k);
            }
        }
        List<Kernel> hits = kernels.stream().filter(k -> k.release().startsWith(name)
                && !Character.isDigit(k.release().charAt(name.length()))).toList();
        if (hits.size() > 1) { // a line's short name means its Debian kernel; a recipe is named in full
            hits = hits.stream().filter(k -> !k.sourceBuilt()).toList();
        }
        if (hits.size() > 1 && name.matches("\\d+\\.\\d+")) {
            // a line's name (6.12) with several Debian builds (6.12.107+deb12, 6.12.118+deb13): the newest
            // ordered as the model orders releases (6.12.107 before 6.12.118), by the preset each resolves to
            hits = List.of(hits.stream().max(Comparator.comparing((Kernel k) -> k.preset().orElse(null),
                    Comparator.nullsFirst(Releases.OLDEST_FIRST))).orElseThrow());
        }
        if (hits.isEmpty()) { // a recipe by its own name (6.12.107-ondemand)
            hits = kernels.stream().filter(k -> k.sourceBuilt() && k.recipe().name().equals(name)).toList();
        }
        return hits.size() == 1 ? Optional.of(hits.get(0)) : Optional.empty();
    }

    /** The releases of the Debian kernels, comma-separated, for error messages (source recipes are named by {@code kernels}). */
    public String releases() {
        return String.join(", ", kernels.stream().filter(k -> !k.sourceBuilt()).map(Kernel::release).toList());
    }
}
