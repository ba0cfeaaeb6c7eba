package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** A group of commands that binds its handlers into the table by name, in one place. */
public interface CommandFamily {
    void register(CommandTable table);
}
