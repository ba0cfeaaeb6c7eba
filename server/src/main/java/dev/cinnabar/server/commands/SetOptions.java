package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;

/**
 * The options of SET and GETEX, and their expiry arithmetic, with Redis's rules: an option may
 * repeat, but one that conflicts with an earlier one (NX after XX, PX after EX, KEEPTTL after
 * EX, ...) is a syntax error, and an expiry option takes the next argument whatever it is.
 *
 * <p>{@link #parse} packs its result in an int, flags in the low bits and the index of the
 * expiry argument above them, so parsing allocates nothing.
 */
final class SetOptions {
    static final int NX = 1;
    static final int XX = 1 << 1;
    static final int EX = 1 << 2;
    static final int PX = 1 << 3;
    static final int KEEPTTL = 1 << 4;
    static final int GET = 1 << 5;
    static final int EXAT = 1 << 6;
    static final int PXAT = 1 << 7;
    static final int PERSIST = 1 << 8;

    private static final int EXPIRY = EX | PX | EXAT | PXAT;
    private static final int FLAG_BITS = 16;

    private SetOptions() {
    }

    static int flags(int parsed) {
        return parsed & ((1 << FLAG_BITS) - 1);
    }

    /** The index of the expiry argument, or 0 when there is none. */
    static int expireArg(int parsed) {
        return parsed >>> FLAG_BITS;
    }

    /**
     * Reads options from argument {@code from} on. {@code getex} allows PERSIST and the expiry
     * options only; SET allows NX, XX, GET, KEEPTTL and the expiry options.
     */
    static int parse(Client c, int from, boolean getex) {
        Argv a = c.argv;
        int n = a.count();
        int flags = 0;
        int expireArg = 0;
        for (int j = from; j < n; j++) {
            boolean hasNext = j + 1 < n;
            int add;
            if (!getex && a.is(j, "nx") && (flags & XX) == 0) {
                add = NX;
            } else if (!getex && a.is(j, "xx") && (flags & NX) == 0) {
                add = XX;
            } else if (!getex && a.is(j, "get")) {
                add = GET;
            } else if (!getex && a.is(j, "keepttl") && (flags & (PERSIST | EXPIRY)) == 0) {
                add = KEEPTTL;
            } else if (getex && a.is(j, "persist") && (flags & (KEEPTTL | EXPIRY)) == 0) {
                add = PERSIST;
            } else if (hasNext && a.is(j, "ex") && (flags & (KEEPTTL | PERSIST | EXPIRY & ~EX)) == 0) {
                add = EX;
            } else if (hasNext && a.is(j, "px") && (flags & (KEEPTTL | PERSIST | EXPIRY & ~PX)) == 0) {
                add = PX;
            } else if (hasNext && a.is(j, "exat") && (flags & (KEEPTTL | PERSIST | EXPIRY & ~EXAT)) == 0) {
                add = EXAT;
            } else if (hasNext && a.is(j, "pxat") && (flags & (KEEPTTL | PERSIST | EXPIRY & ~PXAT)) == 0) {
                add = PXAT;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
            flags |= add;
            if ((add & EXPIRY) != 0) {
                expireArg = ++j;
            }
        }
        return flags | (expireArg << FLAG_BITS);
    }

    /**
     * The absolute expiry in Unix milliseconds that argument {@code i} asks for, checked as Redis
     * checks it: not positive, or too large once converted to milliseconds and added to the
     * current time, is "invalid expire time".
     */
    static long expireMillis(Client c, int i, int flags) {
        long v = Args.longArg(c, i);
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            throw invalidExpire(c);
        }
        if (seconds) {
            v *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            // Wraps past Long.MAX_VALUE as the C arithmetic does, and the sign check catches it.
            v += c.server.keyspace().now();
        }
        if (v <= 0) {
            throw invalidExpire(c);
        }
        return v;
    }

    static CommandError invalidExpire(Client c) {
        return new CommandError("ERR invalid expire time in '" + c.command.fullName + "' command");
    }
}
