package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;

/**
 * Argument parsing with Redis's errors. A bad argument throws {@link CommandError}, which the
 * dispatcher turns into the reply, so handler bodies read straight:
 * {@code long n = Args.longArg(c, 2);}.
 */
public final class Args {
    private Args() {
    }

    /** A canonical 64-bit integer, or "value is not an integer or out of range". */
    public static long longArg(Client c, int i) {
        return longArg(c, i, Errors.NOT_INTEGER);
    }

    /** Like {@link #longArg(Client, int)} with a command-specific error text. */
    public static long longArg(Client c, int i, String error) {
        Argv a = c.argv;
        if (!Numbers.isLong(a.array(i), a.offset(i), a.length(i))) {
            throw new CommandError(error);
        }
        return Numbers.parseLong(a.array(i), a.offset(i), a.length(i));
    }

    /** An integer within [min, max], or {@code error}. */
    public static long longArg(Client c, int i, long min, long max, String error) {
        long v = longArg(c, i, error);
        if (v < min || v > max) {
            throw new CommandError(error);
        }
        return v;
    }

    /** True when argument {@code i} is a canonical integer. */
    public static boolean isLong(Argv a, int i) {
        return Numbers.isLong(a.array(i), a.offset(i), a.length(i));
    }
}
