package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.LazyFree;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.KeyspaceNotifications;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generic key commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, MOVE, COPY, KEYS,
 * SCAN, RANDOMKEY and OBJECT. They work on any type through {@link ValueTypes}.
 */
public final class KeyCommands {
    /** TYPE's answer for a missing key. */
    static final String NONE = "none";
    private static final String[] OBJECT_HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    private static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked."
            + " Please note that when switching between policies at runtime LRU and LFU data will take"
            + " some time to adjust.";
    private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency"
            + " not tracked. Please note that when switching between policies at runtime LRU and LFU data"
            + " will take some time to adjust.";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("del", this, 0);
            t.bind("unlink", this, 1);
            t.bind("exists", this, 2);
            t.bind("type", this, 3);
            t.bind("touch", this, 4);
            t.bind("rename", this, 5);
            t.bind("renamenx", this, 6);
            t.bind("move", this, 7);
            t.bind("copy", this, 8);
            t.bind("keys", this, 9);
            t.bind("scan", this, 10);
            t.bind("randomkey", this, 11);
            t.bind("object|encoding", this, 12);
            t.bind("object|freq", this, 13);
            t.bind("object|idletime", this, 14);
            t.bind("object|refcount", this, 15);
            t.bind("object|help", this, 16);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> KeyCommands.del(c);
                case 1 -> KeyCommands.unlink(c);
                case 2 -> KeyCommands.exists(c);
                case 3 -> KeyCommands.type(c);
                case 4 -> KeyCommands.touch(c);
                case 5 -> KeyCommands.rename(c, false);
                case 6 -> KeyCommands.rename(c, true);
                case 7 -> KeyCommands.move(c);
                case 8 -> KeyCommands.copy(c);
                case 9 -> KeyCommands.keys(c);
                case 10 -> KeyCommands.scan(c);
                case 11 -> KeyCommands.randomkey(c);
                case 12 -> KeyCommands.objectEncoding(c);
                case 13 -> KeyCommands.objectFreq(c);
                case 14 -> KeyCommands.objectIdletime(c);
                case 15 -> KeyCommands.objectRefcount(c);
                case 16 -> KeyCommands.objectHelp(c);
                default -> throw new IllegalArgumentException("KeyCommands has no handler " + handler);
            }
        }
    }

    // DEL key [key ...]
    static void del(Client c) {
        delete(c, LazyFree.Cause.USER_DEL);
    }

    // UNLINK key [key ...]
    static void unlink(Client c) {
        delete(c, LazyFree.Cause.UNLINK);
    }

    // Both free the value at once: the collector does what UNLINK's background thread does.
    private static void delete(Client c, LazyFree.Cause cause) {
        Db db = c.db();
        int deleted = 0;
        for (int i = 1; i < c.argv.count(); i++) {
            if (db.delete(c.argv, i, cause)) {
                Notify.arg(c, Notify.GENERIC, "del", i);
                deleted++;
            }
        }
        c.reply.integer(deleted);
    }

    // EXISTS key [key ...]
    static void exists(Client c) {
        Db db = c.db();
        int found = 0;
        for (int i = 1; i < c.argv.count(); i++) {
            if (db.peekId(c.argv, i) != KeyTable.NONE) {
                found++;
            }
        }
        c.reply.integer(found);
    }

    // TYPE key
    static void type(Client c) {
        Db db = c.db();
        int id = db.peekId(c.argv, 1);
        c.reply.simple(id == KeyTable.NONE ? NONE : db.typeOf(id).name());
    }

    // TOUCH key [key ...]
    static void touch(Client c) {
        Db db = c.db();
        int found = 0;
        for (int i = 1; i < c.argv.count(); i++) {
            if (db.lookupReadId(c.argv.array(i), c.argv.offset(i), c.argv.length(i)) != KeyTable.NONE) {
                found++;
            }
        }
        c.reply.integer(found);
    }

    // RENAME key newkey
    // RENAMENX key newkey
    static void rename(Client c, boolean nx) {
        Argv a = c.argv;
        Db db = c.db();
        KeyEntry src = db.writeEntry(a, 1);
        if (src == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        if (a.sameBytes(1, 2)) {
            if (nx) {
                c.reply.integer(0);
            } else {
                c.reply.ok();
            }
            return;
        }
        Object value = src.value();
        int meta = src.meta();
        byte[] srcKey = src.key();
        long when = db.expireAt(srcKey);
        boolean overwrite = db.writeEntry(a, 2) != null;
        if (overwrite && nx) {
            c.reply.integer(0);
            return;
        }
        // The source goes first: watchers and tracking clients hear of the source, then the
        // destination, as Redis signals them.
        db.delete(srcKey, LazyFree.Cause.MOVED);
        if (overwrite) {
            db.delete(a, 2);
        }
        moveValue(db, a.copy(2), value, meta, when);
        Notify.arg(c, Notify.GENERIC, "rename_from", 1);
        Notify.arg(c, Notify.GENERIC, "rename_to", 2);
        c.changes(1); // two keys changed, one change for Redis
        if (nx) {
            c.reply.integer(1);
        } else {
            c.reply.ok();
        }
    }

    // MOVE key db
    static void move(Client c) {
        if (c.server.config().clusterEnabled) {
            throw new CommandError("ERR MOVE is not allowed in cluster mode");
        }
        Argv a = c.argv;
        Keyspace ks = c.server.keyspace();
        Db src = c.db();
        Db dst = otherDb(c, Args.intArg(c, 2));
        if (src == dst) {
            throw new CommandError(Errors.SAME_OBJECT);
        }
        KeyEntry e = src.writeEntry(a, 1);
        if (e == null || dst.writeEntry(a, 1) != null) {
            c.reply.integer(0);
            return;
        }
        moveValue(dst, a.copy(1), e.value(), e.meta(), src.expireAt(e.key()));
        src.delete(e.key(), LazyFree.Cause.MOVED);
        KeyspaceNotifications n = ks.notifications();
        n.notify(KeyspaceEvents.GENERIC, "move_from", a, 1, src.id);
        n.notify(KeyspaceEvents.GENERIC, "move_to", a, 1, dst.id);
        c.changes(1);
        c.reply.integer(1);
    }

    /** Adds a value that leaves another key, keeping its access data and expiry time. */
    private static void moveValue(Db dst, byte[] key, Object value, int meta, long when) {
        KeyEntry added = dst.add(key, value);
        added.meta(meta);
        if (when != -1) {
            dst.setExpire(added, when);
        }
    }

    // COPY source destination [DB destination-db] [REPLACE]
    static void copy(Client c) {
        Argv a = c.argv;
        Db src = c.db();
        Db dst = src;
        boolean replace = false;
        for (int i = 3; i < a.count(); i++) {
            if (a.is(i, "replace")) {
                replace = true;
            } else if (a.is(i, "db") && i + 1 < a.count()) {
                dst = otherDb(c, Args.intArg(c, i + 1));
                i++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (c.server.config().clusterEnabled && (src.id != 0 || dst.id != 0)) {
            throw new CommandError("ERR Copying to another database is not allowed in cluster mode");
        }
        if (src == dst && a.sameBytes(1, 2)) {
            throw new CommandError(Errors.SAME_OBJECT);
        }
        Object value = src.lookupRead(a, 1);
        if (value == null) {
            c.reply.integer(0);
            return;
        }
        long when = src.expireAt(a, 1);
        if (dst.writeEntry(a, 2) != null) {
            if (!replace) {
                c.reply.integer(0);
                return;
            }
            dst.delete(a, 2);
        }
        // A fresh object in Redis, so the copy starts with fresh access data.
        KeyEntry added = dst.add(a.copy(2), ValueTypes.of(value).duplicate(value));
        if (when != -1) {
            dst.setExpire(added, when);
        }
        c.server.keyspace().notifications().notify(KeyspaceEvents.GENERIC, "copy_to", a, 2, dst.id);
        c.changes(1);
        c.reply.integer(1);
    }

    /** The database with that index, or Redis's out-of-range error. */
    private static Db otherDb(Client c, int index) {
        Keyspace ks = c.server.keyspace();
        if (index < 0 || index >= ks.count()) {
            throw new CommandError(Errors.DB_INDEX);
        }
        return ks.db(index);
    }

    // KEYS pattern
    // Expired keys are left out but not deleted here, as in Redis.
    static void keys(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        byte[] pat = a.array(1);
        int pOff = a.offset(1);
        int pLen = a.length(1);
        boolean all = Glob.matchesAll(pat, pOff, pLen);
        int mark = c.reply.beginDeferred();
        int n = 0;
        KeyTable keys = db.keys();
        for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
            byte[] k = keys.keyArray(id);
            int off = keys.keyOffset(id);
            int len = keys.keyLength(id);
            if ((all || Glob.matches(pat, pOff, pLen, k, off, len, false)) && !db.isExpiredId(id)) {
                c.reply.bulk(k, off, len);
                n++;
            }
        }
        c.reply.endArray(mark, n);
    }

    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    static void scan(Client c) {
        long cursor = Scan.parseCursor(c.argv, 1);
        Scan.keys(c, cursor);
    }

    // RANDOMKEY
    static void randomkey(Client c) {
        byte[] key = c.db().randomKey(ThreadLocalRandom.current());
        if (key == null) {
            c.reply.nullBulk();
        } else {
            c.reply.bulk(key);
        }
    }

    // OBJECT ENCODING key
    static void objectEncoding(Client c) {
        KeyEntry e = c.db().peekEntry(c.argv, 2);
        if (e == null) {
            c.reply.nullBulk();
        } else {
            Object v = e.readValue();
            c.reply.bulk(ValueTypes.of(v).encoding(v));
        }
    }

    // OBJECT FREQ key
    static void objectFreq(Client c) {
        KeyEntry e = c.db().peekEntry(c.argv, 2);
        if (e == null) {
            c.reply.nullBulk();
        } else if (!c.server.config().lfuPolicy()) {
            c.reply.error(LFU_NOT_SELECTED);
        } else {
            c.reply.integer(c.server.keyspace().access().frequency(e.meta()));
        }
    }

    // OBJECT IDLETIME key
    static void objectIdletime(Client c) {
        KeyEntry e = c.db().peekEntry(c.argv, 2);
        if (e == null) {
            c.reply.nullBulk();
        } else if (c.server.config().lfuPolicy()) {
            c.reply.error(LFU_SELECTED);
        } else {
            c.reply.integer(c.server.keyspace().access().idleMillis(e.meta()) / 1000);
        }
    }

    // OBJECT REFCOUNT key
    static void objectRefcount(Client c) {
        KeyEntry e = c.db().peekEntry(c.argv, 2);
        if (e == null) {
            c.reply.nullBulk();
        } else {
            Object v = e.readValue();
            c.reply.integer(ValueTypes.of(v).refCount(v));
        }
    }

    // OBJECT HELP
    static void objectHelp(Client c) {
        c.reply.array(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) {
            c.reply.simple(line);
        }
    }
}
