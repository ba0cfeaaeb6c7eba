package dev.cinnabar.server.client;

import dev.cinnabar.server.command.CommandSpec;

/**
 * A command's flags for the checks before it runs, where they depend on its arguments (Redis's
 * getCommandFlags): a script's declared flags replace those of EVAL and FCALL.
 */
@FunctionalInterface
public interface CommandFlagsOf {
    long flags(Client c, CommandSpec cmd);
}
