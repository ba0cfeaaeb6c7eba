package dev.cinnabar.server.config;

/**
 * A value a directive refuses, with the reason in Redis's words. The config file loader prints
 * the message under its fatal-error banner; CONFIG SET appends it to its own error.
 */
public final class ConfigError extends Exception {
    public ConfigError(String message) {
        super(message, null, false, false);
    }
}
