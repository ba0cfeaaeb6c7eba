package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.persistence.rdb.DumpPayload;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.MigrateSockets;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MIGRATE, as Redis 7.0.15's migrateCommand: the keys found here are sent to the target as
 * RESTORE commands carrying their DUMP payloads and remaining TTLs, in one pipelined request
 * after AUTH (when asked) and SELECT (when the cached connection has another database selected);
 * each key the target acknowledges is deleted here (unless COPY) and the command propagates as a
 * DEL of those keys. The engine waits for the target, each step bounded by the timeout, as Redis
 * blocks its own thread. A connection that fails is closed and, unless it timed out or the
 * target already answered a key, tried once more on a new one.
 */
public final class MigrateCommand {
    private static final String KEYS_WITH_KEY =
            "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
    private static final String CONNECT_ERROR = "IOERR error or timeout connecting to the client";
    private static final byte[] DEL = ascii("DEL");

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("migrate", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> MigrateCommand.migrate(c);
                default -> throw new IllegalArgumentException("MigrateCommand has no handler " + handler);
            }
        }
    }

    // MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key [key ...]]
    static void migrate(Client c) {
        Argv a = c.argv;
        boolean copy = false;
        boolean replace = false;
        int userArg = -1;
        int passwordArg = -1;
        int firstKey = 3;
        int keyCount = 1;
        for (int j = 6; j < a.count(); j++) {
            int more = a.count() - 1 - j;
            if (a.is(j, "copy")) {
                copy = true;
            } else if (a.is(j, "replace")) {
                replace = true;
            } else if (a.is(j, "auth")) {
                if (more == 0) {
                    throw new CommandError(Errors.SYNTAX);
                }
                passwordArg = ++j;
                c.redactArgument(j);
            } else if (a.is(j, "auth2")) {
                if (more < 2) {
                    throw new CommandError(Errors.SYNTAX);
                }
                userArg = ++j;
                c.redactArgument(j);
                passwordArg = ++j;
                c.redactArgument(j);
            } else if (a.is(j, "keys")) {
                if (a.length(3) != 0) {
                    throw new CommandError(KEYS_WITH_KEY);
                }
                firstKey = j + 1;
                keyCount = a.count() - j - 1;
                break;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        long timeout = Args.longArg(c, 5);
        long dbid = Args.longArg(c, 4);
        if (timeout <= 0) {
            timeout = 1000;
        }

        // The keys present; all absent is not an error (they may just have expired).
        Db db = c.db();
        int[] keys = new int[keyCount];
        Object[] values = new Object[keyCount];
        int found = 0;
        for (int j = 0; j < keyCount; j++) {
            Object v = db.lookupRead(a, firstKey + j);
            if (v != null) {
                keys[found] = firstKey + j;
                values[found++] = v;
            }
        }
        if (found == 0) {
            c.reply.simple("NOKEY");
            return;
        }
        new Transfer(c, copy, replace, userArg, passwordArg, timeout, dbid, keys, values, found).run();
    }

    /** One MIGRATE's exchange with its target, with Redis's single retry on a new connection. */
    private static final class Transfer {
        private final Client c;
        private final Argv a;
        private final boolean copy;
        private final boolean replace;
        private final int userArg;
        private final int passwordArg;
        private final long timeout;
        private final long dbid;
        private final int[] keys;
        private final Object[] values;
        private int count;

        Transfer(Client c, boolean copy, boolean replace, int userArg, int passwordArg, long timeout, long dbid,
                int[] keys, Object[] values, int count) {
            this.c = c;
            this.a = c.argv;
            this.copy = copy;
            this.replace = replace;
            this.userArg = userArg;
            this.passwordArg = passwordArg;
            this.timeout = timeout;
            this.dbid = dbid;
            this.keys = keys;
            this.values = values;
            this.count = count;
        }

        void run() {
            MigrateSockets sockets = c.server.migrateSockets();
            byte[] host = a.copy(1);
            byte[] port = a.copy(2);
            boolean mayRetry = true;
            while (true) {
                MigrateSockets.Link cs = sockets.get(host, port, timeout, c.server.clock().millis() / 1000);
                if (cs == null) {
                    c.reply.error(CONNECT_ERROR);
                    return;
                }
                boolean password = passwordArg >= 0;
                boolean select = cs.lastDbId != dbid;
                byte[] request = request(select);

                boolean writeError = false;
                boolean failed = false;
                for (int pos = 0; pos < request.length; pos += MigrateSockets.WRITE_CHUNK) {
                    int n = Math.min(MigrateSockets.WRITE_CHUNK, request.length - pos);
                    if (!cs.write(request, pos, n, timeout)) {
                        writeError = true;
                        failed = true;
                        break;
                    }
                }
                byte[] authReply = null;
                byte[] selectReply = null;
                if (!failed && password) {
                    authReply = cs.readLine(timeout);
                    failed = empty(authReply);
                }
                if (!failed && select) {
                    selectReply = cs.readLine(timeout);
                    failed = empty(selectReply);
                }
                if (!failed) {
                    Outcome o = replies(cs, password, authReply, select, selectReply);
                    if (o == Outcome.DONE) {
                        return;
                    }
                    if (o == Outcome.FAILED_AFTER_REPLIES) {
                        mayRetry = false;
                    }
                }
                // Redis's socket_err: a new connection next time; one more try unless time ran out.
                sockets.close(host, port);
                if (!cs.timedOut() && mayRetry) {
                    mayRetry = false;
                    continue;
                }
                c.reply.error("IOERR error or timeout " + (writeError ? "writing" : "reading") + " to target instance");
                return;
            }
        }

        private enum Outcome { DONE, RETRY, FAILED_AFTER_REPLIES }

        /** Reads a reply per key, deletes what the target took (unless COPY), and answers. */
        private Outcome replies(MigrateSockets.Link cs, boolean password, byte[] authReply, boolean select,
                byte[] selectReply) {
            Db db = c.db();
            boolean errorFromTarget = false;
            boolean socketError = false;
            int[] deleted = copy ? null : new int[count];
            int acked = 0;
            int j;
            for (j = 0; j < count; j++) {
                byte[] reply = cs.readLine(timeout);
                if (empty(reply)) {
                    socketError = true;
                    break;
                }
                boolean authFailed = password && authReply[0] == '-';
                boolean selectFailed = select && selectReply[0] == '-';
                if (authFailed || selectFailed || reply[0] == '-') {
                    if (!errorFromTarget) {
                        cs.lastDbId = -1;
                        byte[] err = authFailed ? authReply : selectFailed ? selectReply : reply;
                        errorFromTarget = true;
                        c.reply.error("ERR Target instance replied with error: " + cString(err, 1));
                    }
                } else if (!copy) {
                    // Redis's dbDelete: the key goes, and is announced, even when a repeated KEYS name already took it.
                    db.deleteUnchecked(a, keys[j]);
                    Notify.arg(c, Notify.GENERIC, "del", keys[j]);
                    deleted[acked++] = keys[j];
                }
            }
            if (!errorFromTarget && socketError && j == 0 && !cs.timedOut()) {
                return Outcome.RETRY; // nothing was taken: the caller closes the connection and tries again
            }
            if (socketError) {
                c.server.migrateSockets().close(a.copy(1), a.copy(2));
            }
            if (!copy) {
                c.changes(acked);
                if (acked > 0 && c.server.propagation().active()) {
                    Argv del = new Argv(acked + 1);
                    del.add(DEL);
                    for (int k = 0; k < acked; k++) {
                        del.add(a.array(deleted[k]), a.offset(deleted[k]), a.length(deleted[k]));
                    }
                    c.propagateAs(del.detach());
                }
            }
            if (!errorFromTarget && socketError) {
                return Outcome.FAILED_AFTER_REPLIES;
            }
            if (!errorFromTarget) {
                cs.lastDbId = dbid;
                c.reply.ok();
            }
            return Outcome.DONE;
        }

        /** AUTH, SELECT and a RESTORE per key still alive, as one buffer of RESP commands. */
        private byte[] request(boolean select) {
            Resp out = new Resp();
            if (passwordArg >= 0) {
                out.count(userArg >= 0 ? 3 : 2);
                out.bulk(ascii("AUTH"));
                if (userArg >= 0) {
                    out.bulk(a, userArg);
                }
                out.bulk(a, passwordArg);
            }
            if (select) {
                out.count(2);
                out.bulk(ascii("SELECT"));
                out.bulk(Numbers.toBytes(dbid));
            }
            Db db = c.db();
            long now = c.server.clock().millis();
            int alive = 0;
            byte[] restore = ascii(c.server.config().clusterEnabled ? "RESTORE-ASKING" : "RESTORE");
            for (int j = 0; j < count; j++) {
                long ttl = 0;
                long when = db.expireAt(a, keys[j]);
                if (when != -1) {
                    ttl = when - now;
                    if (ttl < 0) {
                        continue; // expired since it was looked up: not sent, not deleted
                    }
                    if (ttl < 1) {
                        ttl = 1;
                    }
                }
                keys[alive] = keys[j];
                values[alive++] = values[j];
                out.count(replace ? 5 : 4);
                out.bulk(restore);
                out.bulk(a, keys[j]);
                out.bulk(Numbers.toBytes(ttl));
                out.bulk(DumpPayload.create(values[j], c.server.config().rdbCompression));
                if (replace) {
                    out.bulk(ascii("REPLACE"));
                }
            }
            count = alive;
            return out.toByteArray();
        }
    }

    /** Redis's syncReadLine returning 0 or less: an error, a timeout, or an empty line. */
    private static boolean empty(byte[] line) {
        return line == null || line.length == 0;
    }

    /** The bytes from {@code from} up to the first NUL, as C's %s prints them. */
    private static String cString(byte[] b, int from) {
        int to = from;
        while (to < b.length && b[to] != 0) {
            to++;
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** RESP multibulk requests, as Redis's rioWriteBulkCount and rioWriteBulkString write them. */
    private static final class Resp extends ByteArrayOutputStream {
        void count(int n) {
            write('*');
            writeBytes(Numbers.toBytes(n));
            crlf();
        }

        void bulk(byte[] b) {
            bulk(b, 0, b.length);
        }

        void bulk(Argv a, int i) {
            bulk(a.array(i), a.offset(i), a.length(i));
        }

        void bulk(byte[] b, int off, int len) {
            write('$');
            writeBytes(Numbers.toBytes(len));
            crlf();
            write(b, off, len);
            crlf();
        }

        private void crlf() {
            write('\r');
            write('\n');
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
