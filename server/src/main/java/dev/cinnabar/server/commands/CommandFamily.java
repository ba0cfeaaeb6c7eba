package dev.cinnabar.server.commands;

import dev.cinnabar.server.exec.CommandHandlers;

/** A group of commands that binds its handlers into the table by name, in one place. */
public interface CommandFamily {
    void register(CommandHandlers handlers);
}
