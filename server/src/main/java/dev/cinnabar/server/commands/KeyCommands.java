package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** Generic key commands: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, OBJECT, expiry, ... */
public final class KeyCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
