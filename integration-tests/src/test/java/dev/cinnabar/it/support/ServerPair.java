package dev.cinnabar.it.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server and Cinnabar, started with the same arguments before a test class and
 * stopped after it, for tests that compare the two. Register it as a static field:
 * {@code @RegisterExtension static final ServerPair SERVERS = new ServerPair();}.
 */
public final class ServerPair implements BeforeAllCallback, AfterAllCallback {
    private final String[] args;
    private ServerProcess redis;
    private ServerProcess cinnabar;

    public ServerPair(String... args) {
        this.args = args;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        redis = ServerProcess.redis(args);
        cinnabar = ServerProcess.cinnabar(args);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
        if (cinnabar != null) {
            cinnabar.close();
        }
    }

    public ServerProcess redis() {
        return redis;
    }

    /** Redis first, then Cinnabar. */
    public java.util.List<ServerProcess> both() {
        return java.util.List.of(redis, cinnabar);
    }

    public ServerProcess cinnabar() {
        return cinnabar;
    }
}
