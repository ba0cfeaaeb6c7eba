package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;

/** Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
public final class ExpireCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
