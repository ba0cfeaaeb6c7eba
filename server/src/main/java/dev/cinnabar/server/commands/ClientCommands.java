package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** CLIENT subcommands: ID, GETNAME, SETNAME, SETINFO (and later LIST, KILL, PAUSE, ...). */
public final class ClientCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
