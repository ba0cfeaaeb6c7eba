package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.Persistence;

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the dump, empties the server (keys and function
 * libraries) and loads the dump back, as Redis's does; other clients get -LOADING meanwhile.
 */
final class DebugReload {
    private DebugReload() {
    }

    static void run(Client c) {
        Argv a = c.argv;
        boolean flush = true;
        boolean save = true;
        boolean merge = false;
        for (int j = 2; j < a.count(); j++) {
            if (a.is(j, "merge")) {
                merge = true;
            } else if (a.is(j, "noflush")) {
                flush = false;
            } else if (a.is(j, "nosave")) {
                save = false;
            } else {
                throw new CommandError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        Persistence p = Persistence.of(c.server);
        if (save && p.save() != null) {
            throw new CommandError("ERR");
        }
        if (flush) {
            p.emptyData();
        }
        Persistence.LoadOutcome o = p.load(c, merge);
        // Loading is not a change of the dataset: nothing for the save points or the replicas.
        c.changes(0);
        c.preventPropagation();
        if (o != Persistence.LoadOutcome.LOADED) {
            throw new CommandError("ERR Error trying to load the RDB dump");
        }
        ServerLog.warning("DB reloaded by DEBUG RELOAD");
        c.reply.ok();
    }
}
