package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;

/** {@code # Cluster}: whether the server runs in cluster mode (CLUSTER INFO tells the rest). */
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
        out.header("Cluster").field("cluster_enabled", server.config().clusterEnabled ? 1 : 0);
    }
}
