package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.hll.HyperLogLog;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HyperLogLog commands, on string values holding Redis's own HLL bytes
 * ({@link HyperLogLog}). A value is changed in place as a {@link RawString}; a string that is
 * not a valid HLL gets Redis's WRONGTYPE text, a corrupt one {@code INVALIDOBJ}.
 */
public final class HyperLogLogCommands {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("pfadd", this, 0);
            t.bind("pfcount", this, 1);
            t.bind("pfmerge", this, 2);
            t.bind("pfdebug", this, 3);
            t.bind("pfselftest", this, 4);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> HyperLogLogCommands.pfadd(c);
                case 1 -> HyperLogLogCommands.pfcount(c);
                case 2 -> HyperLogLogCommands.pfmerge(c);
                case 3 -> HyperLogLogCommands.pfdebug(c);
                case 4 -> HyperLogLogCommands.pfselftest(c);
                default -> throw new IllegalArgumentException("HyperLogLogCommands has no handler " + handler);
            }
        }
    }

    /** WRONGTYPE for another type, Redis's HLL WRONGTYPE text for a string that is no HLL. */
    private static void checkHll(Object v) {
        TypedLookup.checked(v, StringType.TYPE);
        if (v instanceof Long || !HyperLogLog.isValid(StringType.view(v), StringType.length(v))) {
            throw new CommandError(NOT_HLL);
        }
    }

    // PFADD key [element [element ...]]
    static void pfadd(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = db.writeEntry(a, 1);
        int updated = 0;
        RawString raw;
        Object old;
        if (e == null) {
            raw = HyperLogLog.create();
            e = db.setKey(a, 1, raw, false);
            old = raw;
            updated++;
        } else {
            checkHll(e.value());
            old = e.value();
            raw = StringType.toRaw(old);
        }
        long before = db.beforeChange(e);
        long sparseMax = c.server.config().hllSparseMaxBytes;
        int argc = a.count();
        for (int j = 2; j < argc; j++) {
            int r;
            try {
                r = HyperLogLog.add(raw, a.array(j), a.offset(j), a.length(j), sparseMax);
            } catch (IndexOutOfBoundsException corrupt) {
                r = -1;
            }
            if (r == 1) {
                updated++;
            } else if (r == -1) {
                BitmapCommands.finishEdit(db, e, old, raw, before, false);
                c.changes(0);
                throw new CommandError(CORRUPT);
            }
        }
        if (updated > 0) {
            HyperLogLog.invalidateCache(raw.array());
        }
        BitmapCommands.finishEdit(db, e, old, raw, before, updated > 0);
        if (updated > 0) {
            Notify.arg(c, Notify.STRING, "pfadd", 1);
            c.changes(updated);
        }
        c.reply.integer(updated > 0 ? 1 : 0);
    }

    // PFCOUNT key [key ...]
    static void pfcount(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        int argc = a.count();
        if (argc > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < argc; j++) {
                Object v = db.lookupRead(a, j);
                if (v == null) {
                    continue;
                }
                checkHll(v);
                if (!merge(max, v)) {
                    throw new CommandError(CORRUPT);
                }
            }
            c.reply.integer(HyperLogLog.countRaw(max));
            return;
        }
        Object v = db.lookupRead(a, 1);
        if (v == null) {
            c.reply.integer(0);
            return;
        }
        checkHll(v);
        // Redis makes the value raw (dbUnshareStringValue) before it looks at the cache.
        KeyEntry e = db.entry(a, 1);
        long before = db.beforeChange(e);
        RawString raw = StringType.toRaw(v);
        byte[] b = raw.array();
        long card;
        boolean changed = false;
        if (HyperLogLog.cacheValid(b)) {
            card = HyperLogLog.cachedCardinality(b);
        } else {
            card = count(raw);
            if (card < 0) {
                BitmapCommands.finishEdit(db, e, v, raw, before, false);
                throw new CommandError(CORRUPT);
            }
            HyperLogLog.setCachedCardinality(b, card);
            // Storing the estimate is a change: it signals the key and propagates PFCOUNT.
            changed = true;
        }
        BitmapCommands.finishEdit(db, e, v, raw, before, changed);
        c.reply.integer(card);
    }

    private static long count(RawString raw) {
        try {
            return HyperLogLog.count(raw.array(), raw.length());
        } catch (IndexOutOfBoundsException corrupt) {
            return -1;
        }
    }

    private static boolean merge(byte[] max, Object v) {
        try {
            return HyperLogLog.merge(max, StringType.view(v), StringType.length(v));
        } catch (IndexOutOfBoundsException corrupt) {
            return false;
        }
    }

    // PFMERGE destkey [sourcekey [sourcekey ...]]
    static void pfmerge(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        int argc = a.count();
        for (int j = 1; j < argc; j++) {
            Object v = db.lookupRead(a, j);
            if (v == null) {
                continue;
            }
            checkHll(v);
            if (HyperLogLog.encoding(StringType.view(v)) == HyperLogLog.DENSE) {
                useDense = true;
            }
            if (!merge(max, v)) {
                throw new CommandError(CORRUPT);
            }
        }
        KeyEntry e = db.writeEntry(a, 1);
        RawString raw;
        Object old;
        if (e == null) {
            raw = HyperLogLog.create();
            e = db.setKey(a, 1, raw, false);
            old = raw;
        } else {
            old = e.value();
            raw = StringType.toRaw(old);
        }
        long before = db.beforeChange(e);
        if (useDense && !HyperLogLog.sparseToDense(raw)) {
            BitmapCommands.finishEdit(db, e, old, raw, before, false);
            throw new CommandError(CORRUPT);
        }
        long sparseMax = c.server.config().hllSparseMaxBytes;
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] != 0) {
                try {
                    HyperLogLog.set(raw, j, max[j], sparseMax);
                } catch (IndexOutOfBoundsException corrupt) {
                    // Redis ignores a failure here too: the destination was read without one.
                }
            }
        }
        HyperLogLog.invalidateCache(raw.array());
        BitmapCommands.finishEdit(db, e, old, raw, before, true);
        Notify.arg(c, Notify.STRING, "pfadd", 1);
        c.changes(1);
        c.reply.ok();
    }

    // PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key
    static void pfdebug(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry e = db.writeEntry(a, 2);
        if (e == null) {
            throw new CommandError("ERR The specified key does not exist");
        }
        checkHll(e.value());
        Object old = e.value();
        long before = db.beforeChange(e);
        RawString raw = StringType.toRaw(old);
        // The arity (exactly 3) is the dispatcher's: no subcommand takes more.
        String sub = a.cString(1);
        boolean converted = false;
        try {
            if (a.is(1, "getreg")) {
                if (HyperLogLog.encoding(raw.array()) == HyperLogLog.SPARSE) {
                    if (!HyperLogLog.sparseToDense(raw)) {
                        throw new CommandError(CORRUPT);
                    }
                    converted = true;
                }
                byte[] b = raw.array();
                c.reply.array(HyperLogLog.REGISTERS);
                for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                    c.reply.integer(HyperLogLog.denseGet(b, HyperLogLog.HEADER, j));
                }
            } else if (a.is(1, "decode")) {
                if (HyperLogLog.encoding(raw.array()) != HyperLogLog.SPARSE) {
                    throw new CommandError("ERR HLL encoding is not sparse");
                }
                c.reply.bulk(HyperLogLog.decode(raw.array(), raw.length()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } else if (a.is(1, "encoding")) {
                c.reply.simple(HyperLogLog.encoding(raw.array()) == HyperLogLog.DENSE ? "dense" : "sparse");
            } else if (a.is(1, "todense")) {
                if (HyperLogLog.encoding(raw.array()) == HyperLogLog.SPARSE) {
                    if (!HyperLogLog.sparseToDense(raw)) {
                        throw new CommandError(CORRUPT);
                    }
                    converted = true;
                }
                c.reply.integer(converted ? 1 : 0);
            } else {
                throw new CommandError("ERR Unknown PFDEBUG subcommand '" + sub + "'");
            }
        } catch (IndexOutOfBoundsException corrupt) {
            throw new CommandError(CORRUPT);
        } finally {
            // The conversion is no signalled change, but Redis counts it so that it propagates.
            BitmapCommands.finishEdit(db, e, old, raw, before, false);
        }
        c.changes(converted ? 1 : 0);
    }

    // PFSELFTEST
    static void pfselftest(Client c) {
        String failure = HyperLogLog.selfTest(ThreadLocalRandom.current(), c.server.config().hllSparseMaxBytes);
        if (failure != null) {
            throw new CommandError("ERR " + failure);
        }
        c.reply.ok();
    }
}
