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
        // Like the redis-server beside it, without save points (a test's own --save still wins):
        // otherwise FLUSHALL would save and the cron start BGSAVEs only on one side.
        String[] noSave = new String[args.length + 2];
        noSave[0] = "--save";
        noSave[1] = "";
        System.arraycopy(args, 0, noSave, 2, args.length);
        cinnabar = ServerProcess.cinnabar(noSave);
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

    /** An exchange run against one server, writing what its connections receive. */
    public interface Scenario {
        void run(int port, java.util.List<String> transcript) throws Exception;
    }

    /** Runs {@code s} against Redis, then Cinnabar, and asserts the transcripts are equal. */
    public void compare(Scenario s) throws Exception {
        java.util.List<String> expected = new java.util.ArrayList<>();
        java.util.List<String> actual = new java.util.ArrayList<>();
        s.run(redis.port(), expected);
        s.run(cinnabar.port(), actual);
        org.junit.jupiter.api.Assertions.assertEquals(String.join("\n", expected).replace("\r", "\\r"),
                String.join("\n", actual).replace("\r", "\\r"));
    }

    /** Empties both servers and zeroes their statistics, for a test that counts. */
    public void flushAllAndResetStats() throws java.io.IOException {
        for (ServerProcess s : both()) {
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("FLUSHALL");
                c.call("CONFIG", "RESETSTAT");
            }
        }
    }

    /** Redis first, then Cinnabar. */
    public java.util.List<ServerProcess> both() {
        return java.util.List.of(redis, cinnabar);
    }

    public ServerProcess cinnabar() {
        return cinnabar;
    }
}
