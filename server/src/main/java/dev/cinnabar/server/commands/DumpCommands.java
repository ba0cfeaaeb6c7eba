package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.persistence.rdb.DumpPayload;
import dev.cinnabar.persistence.rdb.RdbFormatException;
import dev.cinnabar.persistence.rdb.RdbLoadSettings;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.AccessClock;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.log.ServerLog;
import java.nio.charset.StandardCharsets;

/**
 * DUMP and RESTORE (and RESTORE-ASKING, the same outside a cluster): a value serialized as Redis 7.0.15 does it (its RDB encoding, the RDB
 * version and a CRC-64; see {@link DumpPayload}), so that payloads move both ways between
 * Cinnabar and Redis.
 */
public final class DumpCommands {
    static final String BUSYKEY = "BUSYKEY Target key name already exists.";
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("dump", this, 0);
            t.bind("restore", this, 1);
            // what a cluster node runs for a slot it imports; here as RESTORE, as in Redis outside a cluster
            t.bind("restore-asking", this, 2);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> DumpCommands.dump(c);
                case 1 -> DumpCommands.restore(c);
                case 2 -> DumpCommands.restore(c);
                default -> throw new IllegalArgumentException("DumpCommands has no handler " + handler);
            }
        }
    }

    /**
     * The thresholds a value loaded now must respect, from the current config; {@code deep}
     * asks for every entry of a blob to be checked (sanitize-dump-payload).
     */
    public static RdbLoadSettings loadSettings(ServerConfig cfg, boolean deep) {
        return new RdbLoadSettings(cfg.listMaxListpackSize, cfg.listCompressDepth, cfg.hashMaxListpackEntries,
                cfg.hashMaxListpackValue, cfg.setMaxIntsetEntries, cfg.zsetMaxListpackEntries,
                cfg.zsetMaxListpackValue, deep);
    }

    /**
     * Whether a RESTORE from this client checks payloads deeply: sanitize-dump-payload {@code yes},
     * or {@code clients} unless the client's user has {@code skip-sanitize-payload}.
     */
    static boolean deepSanitize(Client c) {
        String mode = c.server.config().sanitizeDumpPayload;
        return "yes".equals(mode) || "clients".equals(mode) && !c.user.skipsSanitizing();
    }

    // DUMP key
    static void dump(Client c) {
        Object value = c.db().lookupRead(c.argv, 1);
        if (value == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.bulk(DumpPayload.create(value, c.server.config().rdbCompression));
    }

    // RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
    static void restore(Client c) {
        Argv a = c.argv;
        boolean replace = false;
        boolean absttl = false;
        long freq = -1;
        long idle = -1;
        int lruClock = 0;
        Keyspace ks = c.server.keyspace();
        for (int i = 4; i < a.count(); i++) {
            boolean more = i + 1 < a.count();
            if (a.is(i, "replace")) {
                replace = true;
            } else if (a.is(i, "absttl")) {
                absttl = true;
            } else if (a.is(i, "idletime") && more && freq == -1) {
                idle = Args.longArg(c, i + 1);
                if (idle < 0) {
                    throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
                }
                lruClock = ks.access().lruClock();
                i++;
            } else if (a.is(i, "freq") && more && idle == -1) {
                freq = Args.longArg(c, i + 1);
                if (freq < 0 || freq > 255) {
                    throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
                i++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Db db = c.db();
        if (!replace && db.writeEntry(a, 1) != null) {
            throw new CommandError(BUSYKEY);
        }
        long ttl = Args.longArg(c, 2);
        if (ttl < 0) {
            throw new CommandError("ERR Invalid TTL value, must be >= 0");
        }
        Object value;
        RdbLoadSettings settings = loadSettings(c.server.config(), deepSanitize(c));
        try {
            value = DumpPayload.parse(a.copy(3), settings, !c.server.skipChecksumValidation);
        } catch (DumpPayload.Invalid e) {
            if (e.getCause() instanceof RdbFormatException f && f.getMessage() != null) {
                // Redis's rdbReportError in a RESTORE's context: at verbose level, and carries on
                ServerLog.verbose("Internal error in RDB reading offset 0, function at rdb.c:0 -> " + f.getMessage());
            }
            throw new CommandError("ERR " + e.getMessage());
        } finally {
            c.server.stats().dumpPayloadSanitizations += settings.sanitizedBlobs();
        }

        boolean deleted = replace && db.deleteUnchecked(a, 1);
        if (ttl != 0 && !absttl) {
            ttl += ks.now();
        }
        if (ttl != 0 && ks.alreadyExpired(ttl)) {
            // Already past its time: nothing is created; a replaced key is gone and that is
            // what replicas get.
            if (deleted) {
                Notify.arg(c, Notify.GENERIC, "del", 1);
                c.changes(1);
                if (c.server.propagation().active()) {
                    Argv p = new Argv(2);
                    p.add(DEL);
                    p.add(a.array(1), a.offset(1), a.length(1));
                    c.propagateAs(p);
                }
            }
            c.reply.ok();
            return;
        }
        KeyEntry e = db.add(a.copy(1), value);
        if (ttl != 0) {
            db.setExpire(e, ttl);
            if (!absttl && c.server.propagation().active()) {
                // Replicas get the absolute time, and ABSTTL appended.
                Argv p = new Argv(a.count() + 1);
                for (int i = 0; i < a.count(); i++) {
                    if (i == 2) {
                        p.add(Numbers.toBytes(ttl));
                    } else {
                        p.add(a.array(i), a.offset(i), a.length(i));
                    }
                }
                p.add(ABSTTL);
                c.propagateAs(p);
            }
        }
        AccessClock access = ks.access();
        e.meta(access.restored(e.meta(), freq, idle, lruClock));
        Notify.arg(c, Notify.GENERIC, "restore", 1);
        c.changes(1);
        c.reply.ok();
    }
}
