package dev.cinnabar.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version strings: our own, and the Redis version we answer as. */
public final class Version {
    /**
     * The Redis release whose behaviour we reproduce. INFO and HELLO report it as
     * {@code redis_version} because clients switch features on by that number.
     */
    public static final String REDIS = "7.0.15";
    public static final String CINNABAR = load();

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("cinnabar.version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
