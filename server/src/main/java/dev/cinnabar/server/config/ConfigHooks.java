package dev.cinnabar.server.config;

/**
 * What a running server does when CONFIG SET changes a directive whose effect lives outside
 * {@link ServerConfig}, such as the listening sockets. A failure is reported with Redis's text and
 * makes CONFIG SET restore every value it changed.
 */
public interface ConfigHooks {
    /** For a server that is not running (tests, the embedded API before start). */
    ConfigHooks NONE = new ConfigHooks() {
    };

    /** Listens on {@link ServerConfig#port} instead of the old port. */
    default void portChanged(ServerConfig config) throws ConfigError {
    }

    /**
     * tls-port changed: TLS is configured if it was not yet, then the TLS listeners move to
     * {@link ServerConfig#tlsPort} (none when 0).
     */
    default void tlsPortChanged(ServerConfig config) throws ConfigError {
    }

    /** A tls-* setting changed: the TLS contexts are built again if TLS is in use, or refused whole. */
    default void tlsChanged(ServerConfig config) throws ConfigError {
    }

    /** Listens for memcached clients on {@link ServerConfig#memcachedPort} instead of the old port (0: not at all). */
    default void memcachedPortChanged(ServerConfig config) throws ConfigError {
    }

    /** Listens on the addresses of {@link ServerConfig#bind} instead of the old ones. */
    default void bindChanged(ServerConfig config) throws ConfigError {
    }

    /** maxmemory changed: a lower limit starts evicting now, in slices. */
    default void maxMemoryChanged(ServerConfig config) {
    }

    /** maxmemory-clients changed: the clients' memory is taken again, to be checked against it. */
    default void clientEvictionChanged(ServerConfig config) {
    }

    /** maxmemory-policy, lfu-log-factor or lfu-decay-time changed what keys record on access. */
    default void accessTrackingChanged(ServerConfig config) {
    }

    /** appendonly changed: the AOF is turned on (by a rewrite) or off. */
    default void appendOnlyChanged(ServerConfig config) throws ConfigError {
    }

    /** min-replicas-to-write or min-replicas-max-lag changed: the good replicas are counted again now. */
    default void goodReplicasChanged(ServerConfig config) {
    }

    /** repl-backlog-size changed: the backlog keeps the newest bytes that fit. */
    default void replicationBacklogSizeChanged(ServerConfig config) {
    }

    /** aof-disable-auto-gc changed: turned off, the history files go now. */
    default void aofAutoGcChanged(ServerConfig config) {
    }

    /** cluster-announce-ip, -port, -bus-port or -hostname, or cluster-replica-no-failover changed: this node says so at once. */
    default void clusterAnnouncedChanged(ServerConfig config) {
    }
}
