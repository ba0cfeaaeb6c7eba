package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * DEBUG POPULATE count [prefix] [size]: fills the selected database with {@code count} string
 * keys, as Redis does for benchmarks and tests:
 * <ul>
 *   <li>key {@code j} is {@code <prefix>:<j>} ({@code key:<j>} without a prefix), and its value
 *       {@code value:<j>}, always a plain string (never the int encoding), padded with zero
 *       bytes or cut to {@code size} bytes when a size other than 0 is given;</li>
 *   <li>Redis builds the key with a C string in a 128-byte buffer: the prefix ends at its first
 *       zero byte and the key is cut to 127 bytes, so with a long prefix several numbers name
 *       the same key and only the first is created;</li>
 *   <li>existing keys are left as they are (a key past its TTL is expired first and so
 *       replaced); the new keys have no TTL;</li>
 *   <li>nothing counts as a change for {@code rdb_changes_since_last_save}, and no keyspace
 *       event is sent, as in Redis, but each key is signalled as modified (WATCH).</li>
 * </ul>
 * The keys go through the keyspace's normal write path, so memory accounting stays exact.
 */
final class DebugPopulate {
    /** Redis's key buffer holds 128 bytes with the terminating zero. */
    private static final int MAX_KEY = 127;
    private static final String NOT_POSITIVE = "ERR value is out of range, must be positive";

    private DebugPopulate() {
    }

    // DEBUG POPULATE count [prefix] [size]
    static void populate(Client c) {
        Argv a = c.argv;
        long count = Args.longArg(c, 2, 0, Long.MAX_VALUE, NOT_POSITIVE);
        long size = a.count() == 5 ? Args.longArg(c, 4, 0, Long.MAX_VALUE, NOT_POSITIVE) : 0;
        if (size > Integer.MAX_VALUE - 8) {
            // Redis would try to allocate it (and die if it cannot); no array is that large here.
            throw new CommandError("ERR value is out of range, must be at most " + (Integer.MAX_VALUE - 8));
        }
        byte[] prefix = a.count() >= 4 ? cString(a, 3) : "key".getBytes(StandardCharsets.US_ASCII);
        Db db = c.db();
        for (long j = 0; j < count; j++) {
            byte[] key = name(prefix, j);
            if (db.writeEntry(key, 0, key.length) != null) {
                continue;
            }
            db.add(key, value(j, (int) size));
        }
        // Redis counts none of these keys as changes, so nothing is propagated either.
        c.changes(0);
        c.reply.ok();
    }

    /** {@code <prefix>:<j>}, cut to {@link #MAX_KEY} bytes. */
    static byte[] name(byte[] prefix, long j) {
        byte[] number = Long.toString(j).getBytes(StandardCharsets.US_ASCII);
        int length = Math.min(MAX_KEY, prefix.length + 1 + number.length);
        byte[] key = Arrays.copyOf(prefix, length);
        if (prefix.length < length) {
            key[prefix.length] = ':';
            System.arraycopy(number, 0, key, prefix.length + 1, length - prefix.length - 1);
        }
        return key;
    }

    /** {@code value:<j>}, or exactly {@code size} bytes of it, zero-padded, when size is not 0. */
    static byte[] value(long j, int size) {
        byte[] text = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
        return size == 0 ? text : Arrays.copyOf(text, size);
    }

    /** The argument up to its first zero byte, as C code reads it. */
    private static byte[] cString(Argv a, int i) {
        int len = 0;
        while (len < a.length(i) && a.byteAt(i, len) != 0) {
            len++;
        }
        return Arrays.copyOfRange(a.array(i), a.offset(i), a.offset(i) + len);
    }
}
