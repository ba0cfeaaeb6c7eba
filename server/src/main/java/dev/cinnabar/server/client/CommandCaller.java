package dev.cinnabar.server.client;

import dev.cinnabar.server.command.CommandSpec;

/**
 * Runs a command from inside another one (EXEC's queued commands, later a script's), as Redis's
 * call() does: with the statistics, slow log, MONITOR, change count and propagation of a command
 * of its own, nested in the caller's execution unit. The dispatcher installs itself as the one.
 */
@FunctionalInterface
public interface CommandCaller {
    /** Runs {@code cmd} with the client's current arguments ({@link Client#argv}). */
    void call(Client c, CommandSpec cmd);
}
