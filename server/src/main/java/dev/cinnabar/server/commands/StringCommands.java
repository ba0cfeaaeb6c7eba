package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandTable;

/** String commands. */
public final class StringCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.bind("get", StringCommands::get);
        t.bind("set", StringCommands::set);
    }

    // GET key
    static void get(Client c) {
        Object v = c.db().lookupRead(c.argv, 1);
        if (v == null) {
            c.reply.nullBulk();
        } else if (v instanceof byte[]) {
            c.reply.bulk((byte[]) v);
        } else {
            c.reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    // SET key value
    static void set(Client c) {
        c.db().setKey(c.argv, 1, c.argv.copy(2), false);
        c.reply.ok();
    }
}
