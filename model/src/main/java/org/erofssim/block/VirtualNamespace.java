package org.erofssim.block;

import java.util.Map;

/** The scenario's namespace: absolute path to node. (Path walk: see docs/DESIGN.md.) */
public final class VirtualNamespace {
    private final Map<String, Node> nodes;

    public VirtualNamespace(Map<String, Node> nodes) {
        this.nodes = Map.copyOf(nodes);
    }

    public Map<String, Node> nodes() {
        return nodes;
    }

    /** A resolved path: the canonical path walked to and its node. */
    public record Resolved(String path, Node node) {}

    public Resolved resolve(String path, boolean followFinal) {
        throw new UnsupportedOperationException("path walk: being written (docs/DESIGN.md)");
    }
}
