package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Listpack;
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

    /** The bytes arguments {@code from..to} take as listpack entries (for {@link Listpack#reserve}). */
    public static int listpackBytes(Argv a, int from, int to) {
        int bytes = 0;
        for (int i = from; i <= to; i++) {
            bytes += Listpack.entrySizeOf(a.array(i), a.offset(i), a.length(i));
        }
        return bytes;
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

    /**
     * A 32-bit integer as Redis's getIntFromObjectOrReply reads it: not an integer at all gives
     * the usual error, an integer outside 32 bits gives the range message.
     */
    public static int intArg(Client c, int i) {
        long v = longArg(c, i);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CommandError("ERR value is out of range, value must between "
                    + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** True when argument {@code i} is a canonical integer. */
    public static boolean isLong(Argv a, int i) {
        return Numbers.isLong(a.array(i), a.offset(i), a.length(i));
    }

    /** Copies of arguments {@code from} (included) to {@code to} (excluded), to keep past the command. */
    public static byte[][] copies(Argv a, int from, int to) {
        byte[][] out = new byte[to - from][];
        for (int k = from; k < to; k++) {
            out[k - from] = a.copy(k);
        }
        return out;
    }
}
