package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import java.util.ArrayList;

/**
 * The SCAN family's shared parts: the cursor and the MATCH / COUNT / TYPE options, with Redis's
 * parsing quirks, and the keyspace walk itself. HSCAN, SSCAN and ZSCAN reuse the parsing.
 */
public final class Scan {
    public static final String INVALID_CURSOR = "ERR invalid cursor";
    private static final long ULONG_MAX_DIV_10 = Long.divideUnsigned(-1L, 10);
    private static final long ULONG_MAX_MOD_10 = Long.remainderUnsigned(-1L, 10);

    /** The parsed options; fields stay at their defaults when an option is absent. */
    public static final class Options {
        public long count = 10;
        /** Argument index of the MATCH pattern, or -1 when absent or {@code *}. */
        public int match = -1;
        /** Argument index of the TYPE name, or -1. */
        public int type = -1;
    }

    private Scan() {
    }

    /**
     * A cursor as Redis reads it with C's strtoul: an unsigned 64-bit decimal, optionally signed
     * ({@code -1} wraps to 2^64-1), read up to the first NUL byte. Leading white space, any other
     * trailing byte and overflow are errors; an empty argument is cursor 0.
     */
    public static long parseCursor(Argv a, int i) {
        byte[] b = a.array(i);
        int off = a.offset(i);
        int end = off + a.length(i);
        for (int k = off; k < end; k++) {
            if (b[k] == 0) {
                end = k;
                break;
            }
        }
        if (end == off) {
            return 0;
        }
        int p = off;
        if (isSpace(b[p])) {
            throw new CommandError(INVALID_CURSOR);
        }
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
        }
        if (p == end || b[p] < '0' || b[p] > '9') {
            throw new CommandError(INVALID_CURSOR);
        }
        long v = 0;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                throw new CommandError(INVALID_CURSOR);
            }
            int cmp = Long.compareUnsigned(v, ULONG_MAX_DIV_10);
            if (cmp > 0 || (cmp == 0 && d > ULONG_MAX_MOD_10)) {
                throw new CommandError(INVALID_CURSOR);
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    /**
     * Reads the options from argument {@code first} on. TYPE is accepted only when
     * {@code keyspace}; for the others it is a syntax error, as in Redis.
     */
    public static Options parseOptions(Argv a, int first, boolean keyspace) {
        Options o = new Options();
        for (int i = first; i < a.count(); i += 2) {
            boolean hasValue = i + 1 < a.count();
            if (a.is(i, "count") && hasValue) {
                if (!Args.isLong(a, i + 1)) {
                    throw new CommandError(Errors.NOT_INTEGER);
                }
                o.count = Numbers.parseLong(a.array(i + 1), a.offset(i + 1), a.length(i + 1));
                if (o.count < 1) {
                    throw new CommandError(Errors.SYNTAX);
                }
            } else if (a.is(i, "match") && hasValue) {
                o.match = Glob.matchesAll(a.array(i + 1), a.offset(i + 1), a.length(i + 1)) ? -1 : i + 1;
            } else if (a.is(i, "type") && keyspace && hasValue) {
                o.type = i + 1;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        return o;
    }

    /** True when {@code key} matches the MATCH pattern, or there is none. */
    public static boolean matches(Argv a, Options o, byte[] key, int off, int len) {
        return o.match < 0 || Glob.matches(a.array(o.match), a.offset(o.match), a.length(o.match), key, off, len, false);
    }

    /** The cursor as the bulk string Redis replies with: unsigned decimal. */
    public static void replyCursor(Client c, long cursor) {
        if (cursor >= 0) {
            c.reply.bulk(cursor);
        } else {
            c.reply.bulk(Long.toUnsignedString(cursor));
        }
    }

    /** SCAN over the keys of the client's database. */
    static void keys(Client c, long cursor) {
        Argv a = c.argv;
        Options o = parseOptions(a, 2, true);
        Db db = c.db();
        ArrayList<byte[]> found = new ArrayList<>();
        // Bounded to ten buckets per key asked for, so a sparse table cannot stall the server.
        long maxIterations = o.count * 10;
        do {
            KeyTable keys = db.keys();
            cursor = keys.scan(cursor, id -> found.add(keys.copyKey(id)));
        } while (cursor != 0 && maxIterations-- != 0 && found.size() < o.count);

        int kept = 0;
        for (byte[] key : found) {
            if (!matches(a, o, key, 0, key.length)) {
                continue;
            }
            // Looking the key up for its type may expire it; it is then of type "none", which
            // Redis then lets through a TYPE none filter.
            if (o.type >= 0 && !typeIs(a, o.type, typeName(db, db.peekId(key, 0, key.length)))) {
                continue;
            }
            if (db.expireIfNeeded(key)) {
                continue;
            }
            found.set(kept++, key);
        }
        c.reply.array(2);
        replyCursor(c, cursor);
        c.reply.array(kept);
        for (int i = 0; i < kept; i++) {
            c.reply.bulk(found.get(i));
        }
    }

    private static String typeName(Db db, int id) {
        return id == KeyTable.NONE ? KeyCommands.NONE : db.typeOf(id).name();
    }

    /** strcasecmp of the argument, read as a C string, with a type name. */
    private static boolean typeIs(Argv a, int i, String name) {
        byte[] b = a.array(i);
        int off = a.offset(i);
        int len = a.length(i);
        for (int k = 0; k < len; k++) {
            if (b[off + k] == 0) {
                len = k;
                break;
            }
        }
        if (len != name.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int x = b[off + k];
            if (x >= 'A' && x <= 'Z') {
                x += 'a' - 'A';
            }
            if (x != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }
}
