package dev.cinnabar.server.config;

/** Bits of {@code shutdown-on-sigterm} and {@code shutdown-on-sigint}; none set is "default". */
public final class ShutdownFlags {
    public static final int SAVE = 1;
    public static final int NOSAVE = 2;
    public static final int NOW = 4;
    public static final int FORCE = 8;

    private ShutdownFlags() {
    }
}
