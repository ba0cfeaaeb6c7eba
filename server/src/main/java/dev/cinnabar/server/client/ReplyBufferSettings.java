package dev.cinnabar.server.client;

/**
 * How the cron sizes every client's reply buffer, which CLIENT LIST shows as {@code rbs} and
 * {@code rbp}. Not configuration: only DEBUG REPLYBUFFER changes it, for tests, as in Redis.
 */
public final class ReplyBufferSettings {
    /** Redis's default window between peak resets (REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME). */
    public static final long DEFAULT_PEAK_RESET_MILLIS = 5000;

    /** Milliseconds between two resets of a client's peak; negative: the peak is never reset. */
    public long peakResetMillis = DEFAULT_PEAK_RESET_MILLIS;
    /** False: the cron leaves reply buffers alone entirely, peak resets included. */
    public boolean resizing = true;
}
