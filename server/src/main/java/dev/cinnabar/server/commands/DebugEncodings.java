package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.HashTableStats;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.log.ServerLog;
import java.nio.charset.StandardCharsets;

/**
 * The DEBUG subcommands that show how values are laid out: HTSTATS (a database's key and
 * expires tables), HTSTATS-KEY (a hashtable-encoded value's table) and LISTPACK (a
 * listpack-encoded value, printed to the log as Redis prints it to stdout). The table figures
 * are our tables' own: sizes follow Redis's growth rules, chain lengths depend on the hash seed.
 */
final class DebugEncodings {
    /** Redis's DICT_STATS_VECTLEN: chains this long or longer are counted together (and not shown). */
    private static final int CHAIN_BUCKETS = 50;

    private DebugEncodings() {
    }

    // DEBUG HTSTATS dbid
    static void htstats(Client c) {
        long id = Args.longArg(c, 2);
        if (id < 0 || id >= c.server.keyspace().count()) {
            throw new CommandError("ERR Out of range database");
        }
        Db db = c.server.keyspace().db((int) id);
        StringBuilder out = new StringBuilder("[Dictionary HT]\n");
        KeyTable keys = db.keys();
        tableStats(out, 0, keys.tableLength(0), keys.used(0), keys.keysPerBucket(0));
        if (keys.isRehashing()) {
            tableStats(out, 1, keys.tableLength(1), keys.used(1), keys.keysPerBucket(1));
        }
        // The keys with a TTL are a list, not a table: one "slot" per key.
        out.append("[Expires HT]\n");
        int volatileKeys = keys.expiresSize();
        int[] ones = new int[volatileKeys];
        java.util.Arrays.fill(ones, 1);
        tableStats(out, 0, volatileKeys, volatileKeys, ones);
        c.reply.verbatim("txt", out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    // DEBUG HTSTATS-KEY key
    static void htstatsKey(Client c) {
        Object v = lookup(c);
        HashTableStats table = ValueTypes.of(v).hashTable(v);
        if (table == null) {
            throw new CommandError("ERR The value stored at the specified key is not represented using an hash table");
        }
        StringBuilder out = new StringBuilder();
        stats(out, table);
        c.reply.verbatim("txt", out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    // DEBUG LISTPACK key
    static void listpack(Client c) {
        Object v = lookup(c);
        Listpack lp = ValueTypes.of(v).listpack(v);
        if (lp == null) {
            throw new CommandError("ERR Not a listpack encoded object.");
        }
        ServerLog.raw(repr(lp));
        c.reply.simple("Listpack structure printed on stdout");
    }

    private static Object lookup(Client c) {
        Argv a = c.argv;
        KeyEntry e = c.db().find(a.array(2), a.offset(2), a.length(2));
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        return e.value();
    }

    /** Redis's dictGetStats: the main table, and the one being filled while rehashing. */
    static void stats(StringBuilder out, HashTableStats d) {
        tableStats(out, d, 0);
        if (d.isRehashing()) {
            tableStats(out, d, 1);
        }
    }

    private static void tableStats(StringBuilder out, HashTableStats d, int which) {
        int size = d.tableLength(which);
        int[] lengths = new int[size];
        for (int i = 0; i < size; i++) {
            lengths[i] = d.chainLength(which, i);
        }
        tableStats(out, which, size, d.used(which), lengths);
    }

    private static void tableStats(StringBuilder out, int which, int size, int used, int[] lengths) {
        out.append("Hash table ").append(which).append(" stats (")
                .append(which == 0 ? "main hash table" : "rehashing target").append("):\n");
        if (used == 0) {
            out.append("No stats available for empty dictionaries\n");
            return;
        }
        long[] chains = new long[CHAIN_BUCKETS];
        long slots = 0;
        long longest = 0;
        long total = 0;
        for (int i = 0; i < size; i++) {
            int length = lengths[i];
            chains[Math.min(length, CHAIN_BUCKETS - 1)]++;
            if (length > 0) {
                slots++;
                longest = Math.max(longest, length);
                total += length;
            }
        }
        // Redis divides in float, then prints the float as a double.
        out.append(" table size: ").append(size).append('\n')
                .append(" number of elements: ").append(used).append('\n')
                .append(" different slots: ").append(slots).append('\n')
                .append(" max chain length: ").append(longest).append('\n')
                .append(" avg chain length (counted): ").append(Doubles.fixed((float) total / slots, 2)).append('\n')
                .append(" avg chain length (computed): ").append(Doubles.fixed((float) used / slots, 2)).append('\n')
                .append(" Chain length distribution:\n");
        for (int i = 0; i < CHAIN_BUCKETS - 1; i++) {
            if (chains[i] != 0) {
                out.append("   ").append(i).append(": ").append(chains[i]).append(" (")
                        .append(Doubles.fixed(((float) chains[i] / size) * 100, 2)).append("%)\n");
            }
        }
    }

    /** Redis's lpRepr, less the memory addresses: the header, then each entry's layout and value. */
    static String repr(Listpack lp) {
        StringBuilder out = new StringBuilder();
        out.append("{total bytes ").append(lp.totalBytes()).append("} {num entries ").append(lp.size()).append("}\n");
        Listpack.Entry e = new Listpack.Entry();
        int index = 0;
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            lp.get(p, e);
            out.append("{\n\tindex: ").append(String.format("%2d", index++))
                    .append(",\n\toffset: ").append(p)
                    .append(",\n\thdr+entrylen+backlen: ").append(String.format("%2d", lp.entrySize(p)))
                    .append(",\n\t").append(e.isInteger ? "int: " + e.value : "bytes: "
                            + new String(e.bytes, e.offset, e.length, StandardCharsets.ISO_8859_1))
                    .append("\n}\n");
        }
        out.append("{end}\n");
        return out.toString();
    }
}
