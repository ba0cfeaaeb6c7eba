package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;

/**
 * DEBUG ERROR message: answers an error reply made of the message alone, for client libraries'
 * tests of their error handling. As in Redis the message is the whole line, error code included
 * ({@code DEBUG ERROR "MOVED 1 x:1"} answers {@code -MOVED 1 x:1}), line breaks in it become
 * spaces, and the reply does not count as an error in INFO (errorstats, total_error_replies,
 * failed_calls): for the server the command succeeded.
 */
final class DebugError {
    private DebugError() {
    }

    // DEBUG ERROR message
    static void error(Client c) {
        Argv a = c.argv;
        c.reply.uncountedError(a.array(2), a.offset(2), a.length(2));
    }
}
