package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO. */
public final class ServerCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
