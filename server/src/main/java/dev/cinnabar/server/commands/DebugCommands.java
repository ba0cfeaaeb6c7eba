package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.AccessClock;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.Replication;
import java.util.concurrent.locks.LockSupport;

/**
 * DEBUG: OBJECT, SLEEP, LOG, AOF-FLUSH-SLEEP, SET-ACTIVE-EXPIRE, SET-SKIP-CHECKSUM-VALIDATION,
 * QUICKLIST-PACKED-THRESHOLD, CHANGE-REPL-ID, PAUSE-CRON and HELP here; HTSTATS, HTSTATS-KEY and
 * LISTPACK in {@code DebugEncodings}; SEGFAULT, PANIC, ASSERT and OOM in {@code DebugCrash};
 * POPULATE, DIGEST, DIGEST-VALUE, PROTOCOL, ERROR, STRINGMATCH-TEST, CONFIG-REWRITE-FORCE-ALL,
 * RELOAD and REPLYBUFFER each in a class of its own ({@code Debug*}). DEBUG is a plain command
 * that reads its subcommand itself, as in Redis, where a subcommand with the wrong number of
 * arguments gets the same error as an unknown one. SET-DISABLE-DENY-SCRIPTS is here and in
 * {@code DenyScriptsOverride}. Redis's other subcommands (RESTART, SDSLEN, ...) do not exist here: they get that error too and DEBUG HELP does
 * not list them. Who may run DEBUG at all is the dispatcher's business ({@code enable-debug-command}).
 */
public final class DebugCommands {
    /** Redis's help lines for the subcommands served here. */
    private static final String[] HELP = {
        "AOF-FLUSH-SLEEP <microsec>",
        "    Server will sleep before flushing the AOF, this is used for testing.",
        "ASSERT",
        "    Crash by assertion failed.",
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "CONFIG-REWRITE-FORCE-ALL",
        "    Like CONFIG REWRITE but writes all configuration options, including",
        "    keywords not listed in original configuration file or default values.",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "HTSTATS <dbid>",
        "    Return hash table statistics of the specified Redis database.",
        "HTSTATS-KEY <key>",
        "    Like HTSTATS but for the hash table stored at <key>'s value.",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "REPLICATE <string>",
        "    Replicates the provided string to replicas, allowing data divergence.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "OOM",
        "    Crash the server simulating an out-of-memory error.",
        "PANIC",
        "    Crash the server simulating a panic.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "SEGFAULT",
        "    Crash the server with sigsegv.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "STRINGMATCH-TEST",
        "    Run a fuzz tester against the stringmatchlen() function.",
        "LISTPACK <key>",
        "    Show low level info about the listpack encoding of <key>.",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "CLUSTERLINK KILL <to|from|all> <node-id>",
        "    Kills the link based on the direction to/from (both) with the provided node.",
    };

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("debug", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> DebugCommands.debug(c);
                default -> throw new IllegalArgumentException("DebugCommands has no handler " + handler);
            }
        }
    }

    // DEBUG subcommand [argument ...]
    static void debug(Client c) {
        Argv a = c.argv;
        int n = a.count();
        if (n == 2 && a.is(1, "help")) {
            Help.reply(c, HELP);
        } else if (n == 3 && a.is(1, "object")) {
            object(c);
        } else if (n == 3 && a.is(1, "htstats")) {
            DebugEncodings.htstats(c);
        } else if (n == 3 && a.is(1, "htstats-key")) {
            DebugEncodings.htstatsKey(c);
        } else if (n == 3 && a.is(1, "listpack")) {
            DebugEncodings.listpack(c);
        } else if (n == 3 && a.is(1, "sleep")) {
            sleep(c);
        } else if (n == 3 && a.is(1, "quicklist-packed-threshold")) {
            quicklistPackedThreshold(c);
        } else if (n == 3 && a.is(1, "set-skip-checksum-validation")) {
            c.server.skipChecksumValidation = atoi(a, 2) != 0;
            c.reply.ok();
        } else if (a.is(1, "segfault")) {
            DebugCrash.segfault(c);
        } else if (a.is(1, "panic")) {
            DebugCrash.panic(c);
        } else if (a.is(1, "assert")) {
            DebugCrash.assertion(c);
        } else if (n == 5 && a.is(1, "clusterlink") && a.is(2, "kill")) {
            Cluster cluster = Cluster.of(c.server);
            if (cluster == null) {
                throw new CommandError("ERR Debug option only available for cluster mode enabled setup!");
            }
            cluster.killLinks(a.cString(3), a.cString(4));
            c.reply.ok();
        } else if (n == 3 && a.is(1, "drop-cluster-packet-filter")) {
            long type = Args.longArg(c, 2);
            if (type < Integer.MIN_VALUE || type > Integer.MAX_VALUE) {
                throw new CommandError(Errors.NOT_INTEGER);
            }
            Cluster cluster = Cluster.of(c.server);
            if (cluster != null) {
                cluster.dropPacketFilter((int) type);
            }
            c.reply.ok();
        } else if (a.is(1, "oom")) {
            DebugCrash.oom(c);
        } else if (n == 3 && a.is(1, "set-disable-deny-scripts")) {
            c.server.disableDenyScripts = atoi(a, 2) != 0;
            c.reply.ok();
        } else if (n == 3 && a.is(1, "log")) {
            ServerLog.warning("DEBUG LOG: " + a.cString(2));
            c.reply.ok();
        } else if (n == 3 && a.is(1, "aof-flush-sleep")) {
            dev.cinnabar.server.persistence.AppendOnlyFile.of(c.server).flushSleep(atoi(a, 2));
            c.reply.ok();
        } else if (n == 3 && a.is(1, "set-active-expire")) {
            c.server.activeExpire().enabled(atoi(a, 2) != 0);
            c.reply.ok();
        } else if (n >= 3 && n <= 5 && a.is(1, "populate")) {
            DebugPopulate.populate(c);
        } else if (a.is(1, "loadaof")) {
            dev.cinnabar.server.persistence.AofLoader.debugLoadAof(c);
        } else if (a.is(1, "reload")) {
            DebugReload.run(c);
        } else if (n == 2 && a.is(1, "digest")) {
            DebugDigest.digest(c);
        } else if (a.is(1, "digest-value")) {
            DebugDigest.digestValue(c);
        } else if (n == 3 && a.is(1, "protocol")) {
            DebugProtocol.protocol(c);
        } else if (n == 3 && a.is(1, "error")) {
            DebugError.error(c);
        } else if (n == 2 && a.is(1, "stringmatch-test")) {
            DebugStringmatch.test(c);
        } else if (n == 2 && a.is(1, "config-rewrite-force-all")) {
            DebugConfigRewrite.forceAll(c);
        } else if (n == 2 && a.is(1, "change-repl-id")) {
            ServerLog.warning("Changing replication IDs after receiving DEBUG change-repl-id");
            c.server.ids().changeReplicationId();
            c.reply.ok();
        } else if (n >= 3 && a.is(1, "replicate")) {
            byte[][] command = new byte[n - 2][];
            for (int i = 2; i < n; i++) {
                command[i - 2] = a.copy(i);
            }
            Replication.of(c.server).replicate(Argv.of(command));
            c.reply.ok();
        } else if (n == 3 && a.is(1, "pause-cron")) {
            c.server.control().pauseCron(atoi(a, 2) != 0);
            c.reply.ok();
        } else if (n == 4 && a.is(1, "replybuffer") && DebugReplyBuffer.isOption(a)) {
            DebugReplyBuffer.replyBuffer(c);
        } else {
            throw new CommandError(Errors.subcommandSyntax(a));
        }
    }

    /**
     * DEBUG OBJECT key: Redis's line, with the key read straight from the table (no expiry, no
     * statistics). The address is the value's identity hash, so keys sharing an integer show
     * the same one; lru is the key's access clock, which Redis keeps on the value.
     */
    static void object(Client c) {
        Db db = c.db();
        Argv a = c.argv;
        KeyEntry e = db.find(a.array(2), a.offset(2), a.length(2));
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        Object v = e.readValue();
        AccessClock access = c.server.keyspace().access();
        int lru = e.meta() & Db.LRU_CLOCK_MAX;
        ValueType type = ValueTypes.of(v);
        c.reply.simple("Value at:0x" + Integer.toHexString(Db.valueIdentity(e))
                + " refcount:" + type.refCount(v)
                + " encoding:" + type.encoding(v)
                + " serializedlength:" + type.serializedLength(v, c.server.config().rdbCompression)
                + " lru:" + lru
                + " lru_seconds_idle:" + access.idleMillis(e.meta()) / 1000
                + (v instanceof dev.cinnabar.datatypes.Quicklist ? quicklistFacts((dev.cinnabar.datatypes.Quicklist) v) : ""));
    }

    /**
     * What DEBUG OBJECT adds for a list: its nodes, average fill, options and raw size. The
     * average is printed as C's %.2f does, from the double's exact value with ties to even
     * (21 elements in 8 nodes give 2.62).
     */
    // DEBUG QUICKLIST-PACKED-THRESHOLD <size>: for every list from now on, as Redis's static is.
    private static void quicklistPackedThreshold(Client c) {
        Long sz = dev.cinnabar.server.config.MemoryUnits.parse(c.argv.cString(2));
        if (sz == null || !dev.cinnabar.datatypes.Quicklist.setPackedThreshold(sz)) {
            c.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
        } else {
            c.reply.ok();
        }
    }

    private static String quicklistFacts(dev.cinnabar.datatypes.Quicklist q) {
        return " ql_nodes:" + q.nodes()
                + " ql_avg_node:" + new java.math.BigDecimal((double) q.size() / q.nodes()).setScale(2, java.math.RoundingMode.HALF_EVEN)
                + " ql_listpack_max:" + q.fill()
                + " ql_compressed:" + (q.compressDepth() != 0 ? 1 : 0)
                + " ql_uncompressed_size:" + q.uncompressedSize();
    }

    /**
     * DEBUG SLEEP seconds: stops the engine thread, and so every client, for that long. The
     * number is read as C's strtod reads it: its longest valid prefix, 0 when there is none;
     * zero or negative times return at once.
     */
    static void sleep(Client c) {
        double seconds = leadingDouble(c.argv, 2);
        long micros = (long) (seconds * 1_000_000);
        if (micros > 0) {
            long deadline = System.nanoTime() + micros * 1000;
            for (long left = micros * 1000; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        c.reply.ok();
    }

    /** strtod: leading white space, then the longest prefix that is a number; 0 when none is. */
    static double leadingDouble(Argv a, int i) {
        byte[] b = a.array(i);
        int start = a.offset(i);
        int end = start + a.length(i);
        while (start < end && isSpace(b[start])) {
            start++;
        }
        for (int stop = end; stop > start; stop--) {
            double v = Doubles.parse(b, start, stop - start);
            if (!Double.isNaN(v)) {
                return v;
            }
        }
        return 0;
    }

    /** C's atoi, as Redis reads DEBUG's switches: 4294967296 is 0, so it turns a switch off. */
    static int atoi(Argv a, int i) {
        return Numbers.atoi(a.array(i), a.offset(i), a.length(i));
    }

    private static boolean isSpace(byte ch) {
        return ch == ' ' || (ch >= '\t' && ch <= '\r');
    }
}
