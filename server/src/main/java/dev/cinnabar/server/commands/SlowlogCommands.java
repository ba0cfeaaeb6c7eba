package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.stats.SlowLog;
import java.util.Iterator;

/** SLOWLOG GET, LEN, RESET, HELP. */
public final class SlowlogCommands {
    /** SLOWLOG HELP's lines as Redis 7.0.15 prints them: tools compare the reply. */
    private static final String[] HELP = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
    };
    private static final String BAD_COUNT = "ERR count should be greater than or equal to -1";
    private static final int DEFAULT_COUNT = 10;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("slowlog|get", this, 0);
            t.bind("slowlog|len", this, 1);
            t.bind("slowlog|reset", this, 2);
            t.bind("slowlog|help", this, 3);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> SlowlogCommands.get(c);
                case 1 -> SlowlogCommands.len(c);
                case 2 -> SlowlogCommands.reset(c);
                case 3 -> SlowlogCommands.help(c);
                default -> throw new IllegalArgumentException("SlowlogCommands has no handler " + handler);
            }
        }
    }

    // SLOWLOG GET [count]
    static void get(Client c) {
        if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        SlowLog log = c.server.stats().slowLog;
        long count = DEFAULT_COUNT;
        if (c.argv.count() == 3) {
            count = Args.longArg(c, 2, -1, Long.MAX_VALUE, BAD_COUNT);
            if (count == -1) {
                count = log.size();
            }
        }
        int n = (int) Math.min(count, log.size());
        ReplyWriter r = c.reply;
        r.array(n);
        Iterator<SlowLog.Entry> it = log.iterator();
        for (int i = 0; i < n; i++) {
            SlowLog.Entry e = it.next();
            r.array(6);
            r.integer(e.id);
            r.integer(e.unixSeconds);
            r.integer(e.micros);
            r.array(e.args.length);
            for (byte[] arg : e.args) {
                r.bulk(arg);
            }
            r.bulk(e.peer);
            r.bulk(e.clientName);
        }
    }

    // SLOWLOG LEN
    static void len(Client c) {
        c.reply.integer(c.server.stats().slowLog.size());
    }

    // SLOWLOG RESET
    static void reset(Client c) {
        c.server.stats().slowLog.reset();
        c.reply.ok();
    }

    // SLOWLOG HELP
    static void help(Client c) {
        Help.reply(c, HELP);
    }
}
