package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** COMMAND and its subcommands: COUNT, DOCS, INFO, LIST, GETKEYS, GETKEYSANDFLAGS. */
public final class CommandCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
