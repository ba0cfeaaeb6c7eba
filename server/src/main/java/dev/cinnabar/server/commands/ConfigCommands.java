package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** CONFIG GET, SET, RESETSTAT, REWRITE. */
public final class ConfigCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
