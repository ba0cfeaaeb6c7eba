package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.LazyFree;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.exec.CommandHandlers;

/** Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. */
public final class ExpireCommands {
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("expire", this, 0);
            t.bind("pexpire", this, 1);
            t.bind("expireat", this, 2);
            t.bind("pexpireat", this, 3);
            t.bind("ttl", this, 4);
            t.bind("pttl", this, 5);
            t.bind("expiretime", this, 6);
            t.bind("pexpiretime", this, 7);
            t.bind("persist", this, 8);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ExpireCommands.expire(c, true, true);
                case 1 -> ExpireCommands.expire(c, true, false);
                case 2 -> ExpireCommands.expire(c, false, true);
                case 3 -> ExpireCommands.expire(c, false, false);
                case 4 -> ExpireCommands.ttl(c, false, false);
                case 5 -> ExpireCommands.ttl(c, true, false);
                case 6 -> ExpireCommands.ttl(c, false, true);
                case 7 -> ExpireCommands.ttl(c, true, true);
                case 8 -> ExpireCommands.persist(c);
                default -> throw new IllegalArgumentException("ExpireCommands has no handler " + handler);
            }
        }
    }

    // EXPIRE key seconds [NX | XX | GT | LT]
    // PEXPIRE key milliseconds [NX | XX | GT | LT]
    // EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
    // PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
    static void expire(Client c, boolean relative, boolean seconds) {
        Argv a = c.argv;
        Keyspace ks = c.server.keyspace();
        int flags = parseFlags(a);
        long when = Args.longArg(c, 2);
        // Negative times are allowed (they delete the key); only overflow is an error.
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw invalidTime(c);
            }
            when *= 1000;
        }
        long base = relative ? ks.now() : 0;
        if (when > Long.MAX_VALUE - base) {
            throw invalidTime(c);
        }
        when += base;

        Db db = c.db();
        KeyEntry e = db.writeEntry(a, 1);
        if (e == null || !allowedBy(flags, when, db.expireAt(e.key()))) {
            c.reply.integer(0);
            return;
        }
        if (ks.alreadyExpired(when)) {
            db.delete(a, 1, LazyFree.Cause.EXPIRE);
            Notify.arg(c, Notify.GENERIC, "del", 1);
            Rewrites.delete(c, c.server.config().lazyfreeLazyExpire);
        } else {
            db.setExpire(e, when);
            Notify.arg(c, Notify.GENERIC, "expire", 1);
            // Replicas and the AOF get the absolute time; PEXPIREAT is sent as it came.
            if (relative || seconds) {
                Rewrites.pexpireat(c, when, 3);
            }
        }
        c.reply.integer(1);
    }

    /** Whether NX/XX/GT/LT let the new time replace {@code current} (-1: none, i.e. infinite). */
    private static boolean allowedBy(int flags, long when, long current) {
        if ((flags & NX) != 0 && current != -1) {
            return false;
        }
        if ((flags & XX) != 0 && current == -1) {
            return false;
        }
        if ((flags & GT) != 0 && (current == -1 || when <= current)) {
            return false;
        }
        // No TTL counts as infinite, so any time is less than it.
        return (flags & LT) == 0 || current == -1 || when < current;
    }

    private static int parseFlags(Argv a) {
        int flags = 0;
        for (int i = 3; i < a.count(); i++) {
            if (a.is(i, "nx")) {
                flags |= NX;
            } else if (a.is(i, "xx")) {
                flags |= XX;
            } else if (a.is(i, "gt")) {
                flags |= GT;
            } else if (a.is(i, "lt")) {
                flags |= LT;
            } else {
                throw new CommandError("ERR Unsupported option " + a.cString(i));
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & (GT | LT)) == (GT | LT)) {
            throw new CommandError("ERR GT and LT options at the same time are not compatible");
        }
        return flags;
    }

    private static CommandError invalidTime(Client c) {
        return new CommandError("ERR invalid expire time in '" + c.command.fullName + "' command");
    }

    // TTL key
    // PTTL key
    // EXPIRETIME key
    // PEXPIRETIME key
    static void ttl(Client c, boolean millis, boolean absolute) {
        Db db = c.db();
        if (db.peek(c.argv, 1) == null) {
            c.reply.integer(-2);
            return;
        }
        long when = db.expireAt(c.argv, 1);
        if (when == -1) {
            c.reply.integer(-1);
            return;
        }
        long t = absolute ? when : when - c.server.keyspace().now();
        if (t < 0) {
            t = 0;
        }
        // Rounded to the nearest second. Redis's sum can pass 2^63 for times near the maximum and
        // comes out as the unsigned result, so this divides unsigned too.
        c.reply.integer(millis ? t : Long.divideUnsigned(t + 500, 1000));
    }

    // PERSIST key
    static void persist(Client c) {
        Db db = c.db();
        KeyEntry e = db.writeEntry(c.argv, 1);
        if (e != null && db.removeExpire(e)) {
            Notify.arg(c, Notify.GENERIC, "persist", 1);
            c.reply.integer(1);
        } else {
            c.reply.integer(0);
        }
    }
}
