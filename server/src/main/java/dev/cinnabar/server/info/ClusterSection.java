package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;

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
    public void write(ServerContext server, InfoWriter out) {
        out.header("Cluster").field("cluster_enabled", 0);
    }
}
