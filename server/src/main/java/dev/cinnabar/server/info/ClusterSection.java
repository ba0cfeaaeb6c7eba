package dev.cinnabar.server.info;

import dev.cinnabar.server.engine.Engine;

/** {@code # Cluster}: cluster mode is not built, so it is reported off. */
final class ClusterSection implements InfoSection {
    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(Engine engine, InfoWriter out) {
        out.header("Cluster").field("cluster_enabled", 0);
    }
}
