package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ReplyBufferSettings;

/**
 * DEBUG REPLYBUFFER: steers how the cron sizes every client's reply buffer (CLIENT LIST's
 * {@code rbs} and {@code rbp}), for tests of that sizing.
 * <ul>
 *   <li>{@code PEAK-RESET-TIME NEVER}: the peak is never reset, so a buffer never shrinks below
 *       what it once held; {@code RESET}: back to 5000 ms; a number: that many milliseconds
 *       (any 64-bit integer; 0 resets at every cron, a negative one never).</li>
 *   <li>{@code RESIZING 0|1}: C's atoi of the argument; 0 stops the cron from touching reply
 *       buffers at all (no shrink, no growth, no peak reset), anything else resumes it.</li>
 * </ul>
 * An unknown option gets DEBUG's unknown-subcommand error.
 */
final class DebugReplyBuffer {
    private DebugReplyBuffer() {
    }

    /** True when the command is a REPLYBUFFER option this serves; otherwise DEBUG answers its usual error. */
    static boolean isOption(Argv a) {
        return a.is(2, "peak-reset-time") || a.is(2, "resizing");
    }

    // DEBUG REPLYBUFFER PEAK-RESET-TIME never|reset|milliseconds
    // DEBUG REPLYBUFFER RESIZING 0|1
    static void replyBuffer(Client c) {
        Argv a = c.argv;
        ReplyBufferSettings settings = c.server.clients().replyBuffers();
        if (a.is(2, "resizing")) {
            settings.resizing = DebugCommands.atoi(a, 3) != 0;
        } else if (a.is(3, "never")) {
            settings.peakResetMillis = -1;
        } else if (a.is(3, "reset")) {
            settings.peakResetMillis = ReplyBufferSettings.DEFAULT_PEAK_RESET_MILLIS;
        } else {
            settings.peakResetMillis = Args.longArg(c, 3);
        }
        c.reply.ok();
    }
}
