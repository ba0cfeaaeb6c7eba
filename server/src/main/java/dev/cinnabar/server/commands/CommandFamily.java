package dev.cinnabar.server.commands;

import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.exec.HandlerSwitch;

/**
 * A group of commands that binds its handlers into the table by name, in one place: each
 * {@code t.bind("name", this, i)} names case {@code i} of the family's {@link #execute} switch.
 */
public interface CommandFamily extends HandlerSwitch {
    void register(CommandHandlers handlers);
}
