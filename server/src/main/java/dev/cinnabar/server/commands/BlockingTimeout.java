package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.LongDouble;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import java.math.BigInteger;

/**
 * The timeout of a blocking command, as Redis 7.0's getTimeoutFromObjectOrReply reads it in
 * seconds: a number in strtold's syntax (decimal, hex, {@code inf}; no NaN, no spaces), times
 * 1000 in long double, rounded up to whole milliseconds. 0 waits forever, and so does a negative
 * number that rounds up to 0 ({@code -0.0001}, and {@code -0.001}, whose product in long double
 * is a hair above -1). A count of milliseconds that does not fit 64 bits becomes,
 * as C's conversion makes it on x86-64, the most negative integer: "timeout is negative"
 * ({@code inf}, {@code 1e16}).
 */
final class BlockingTimeout {
    static final String NOT_FLOAT = "ERR timeout is not a float or out of range";
    static final String NEGATIVE = "ERR timeout is negative";

    private BlockingTimeout() {
    }

    /**
     * The deadline given by argument {@code i}, in Unix milliseconds from the command's time, or
     * 0 for none. A deadline past the end of time never comes.
     */
    static long deadline(Client c, int i) {
        return deadlineAfter(c, millis(c.argv.array(i), c.argv.offset(i), c.argv.length(i)));
    }

    /**
     * The deadline {@code ms} milliseconds from the command's time, in Unix milliseconds, or 0
     * for none when {@code ms} is 0. A deadline past the end of time never comes.
     */
    static long deadlineAfter(Client c, long ms) {
        if (ms == 0) {
            return 0;
        }
        long now = c.server.keyspace().now();
        return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
    }

    /**
     * A timeout given in whole milliseconds (XREAD's BLOCK, WAIT), as Redis reads those: a
     * 64-bit integer, not negative; 0 for none.
     */
    static long integerMillis(Client c, int i) {
        long t = Args.longArg(c, i, "ERR timeout is not an integer or out of range");
        if (t < 0) {
            throw new CommandError(NEGATIVE);
        }
        return t;
    }

    /** The timeout in milliseconds; 0 for none. */
    static long millis(byte[] b, int off, int len) {
        LongDouble v = LongDouble.parse(b, off, len);
        if (v == null || v.isNaN()) {
            throw new CommandError(NOT_FLOAT);
        }
        // In long double, as Redis computes it: -0.001 * 1000 is just above -1, so rounds up to 0.
        BigInteger ms = v.multiply(1000).ceil();
        if (ms == null || ms.bitLength() > 63) {
            // Infinite, or past 64 bits: C's conversion gives the most negative integer.
            throw new CommandError(NEGATIVE);
        }
        long n = ms.longValue();
        if (n < 0) {
            throw new CommandError(NEGATIVE);
        }
        return n;
    }
}
