package org.erofssim.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which reference this is: its kind and, for a kernel, its release as {@code uname -r} prints it
 * (null for the spec). {@link #toJson()} is the structured form for reports, e.g.
 * {@code {"kind":"recorded","release":"6.18.44-fc-v782"}}; {@link #label()} the name a
 * conformance report's column and checks carry ({@code spec}, {@code recorded 6.18.44-fc-v782},
 * {@code live 6.18.44-fc-v782}).
 *
 * @param kind    what sort of reference
 * @param release the kernel release; for erofs-utils its version ({@code 1.5}); null for the spec
 */
public record Identity(Kind kind, String release) {
    /** The sorts of reference.  */
    public enum Kind {
        /** The scenario's {@code "expect"}, as the spec states the answer. */
        SPEC("spec"),
        /** A kernel's outcome recorded earlier ({@code fixtures/recorded/<release>/}). */
        RECORDED("recorded"),
        /** The kernel this process runs on, observed now (root). */
        LIVE("live"),
        /** A kernel of the matrix booted in QEMU, observed in the guest (or read from such a run). */
        VM("vm"),
        /** erofs-utils' {@code fsck.erofs} on the scenario's image ({@link FsckReference}); release = its version. */
        UTILS("erofs-utils");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** The kind as reports write it. */
        public String word() {
            return word;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public Identity {
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** {@code spec}, or the kind and the release: {@code recorded 6.18.44-fc-v782}. */
    public String label() {
        return release == null ? kind.word() : kind.word() + " " + release;
    }

    /** {@code {"kind": ..., "release": ...}} (release omitted when null). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode().put("kind", kind.word());
        if (release != null) {
            o.put("release", release);
        }
        return o;
    }

    @Override
    public String toString() {
        return label();
    }
}
