package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.persistence.RdbTransfer;

/**
 * ROLE, WAIT, FAILOVER and REPLICAOF NO ONE, as Redis 7.0 answers them on a master that no replica has connected to, which
 * is what Cinnabar always is until it serves replication (SYNC, PSYNC and REPLICAOF are not
 * served yet): ROLE says master at offset 0 (Redis keeps no replication offset before its first
 * replica), and WAIT counts no acknowledgements, so it answers at once when it asks for none and
 * otherwise blocks for its timeout (forever for 0) and answers 0; FAILOVER checks its arguments
 * and then finds no replica to hand over to. Client libraries call these: redis-py and ioredis
 * test ROLE and WAIT, and some applications WAIT for durability.
 */
public final class ReplicationCommands {
    /** WAIT's answer: the replicas that acknowledged this client's writes. */
    private static final long ACKNOWLEDGED = 0;
    private static final String NO_REPLICAS = "ERR Cinnabar cannot serve replicas yet: SYNC serves only clients that ask for the RDB alone (REPLCONF rdb-only 1, as redis-cli --rdb does)";
    /** Redis's NET_HOST_STR_LEN: the longest host text a replica may announce, and one. */
    private static final int HOST_TEXT_MAX = 256;
    private static final byte[] MASTER = {'m', 'a', 's', 't', 'e', 'r'};

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("role", this, 0);
            t.bind("wait", this, 1);
            t.bind("failover", this, 2);
            t.bind("replicaof", this, 3);
            t.bind("slaveof", this, 3);
            t.bind("sync", this, 4);
            t.bind("psync", this, 4);
            t.bind("replconf", this, 5);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ReplicationCommands.role(c);
                case 1 -> ReplicationCommands.waitForReplicas(c);
                case 2 -> ReplicationCommands.failover(c);
                case 3 -> ReplicationCommands.replicaof(c);
                case 4 -> ReplicationCommands.sync(c);
                case 5 -> ReplicationCommands.replconf(c);
                default -> throw new IllegalArgumentException("ReplicationCommands has no handler " + handler);
            }
        }
    }

    /** A WAIT that blocks: no key can serve it, only its timeout or CLIENT UNBLOCK ends it. */
    private static final BlockedClients.Waiter NO_REPLICA_WILL_ACKNOWLEDGE = new BlockedClients.Waiter() {
        @Override
        public boolean serve(Client c, Db db, byte[] key) {
            return false;
        }

        @Override
        public void timedOut(ReplyWriter reply) {
            reply.integer(ACKNOWLEDGED);
        }
    };

    // ROLE
    static void role(Client c) {
        c.reply.array(3);
        c.reply.bulk(MASTER);
        c.reply.integer(0);
        c.reply.array(0);
    }

    // WAIT numreplicas timeout
    static void waitForReplicas(Client c) {
        long numreplicas = Args.longArg(c, 1);
        long deadline = BlockingTimeout.deadlineAfter(c, BlockingTimeout.integerMillis(c, 2));
        // Redis answers at once when enough replicas acknowledged, and inside MULTI whatever the count.
        if (ACKNOWLEDGED >= numreplicas || c.denyBlocking) {
            c.reply.integer(ACKNOWLEDGED);
            return;
        }
        c.server.clients().blocked().block(c, c.db(), new byte[0][], deadline, NO_REPLICA_WILL_ACKNOWLEDGE);
    }

    // FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]
    static void failover(Client c) {
        Argv a = c.argv;
        if (a.count() == 2 && a.is(1, "abort")) {
            throw new CommandError("ERR No failover in progress.");
        }
        boolean timeout = false;
        boolean to = false;
        boolean force = false;
        for (int i = 1; i < a.count(); i++) {
            if (a.is(i, "timeout") && i + 1 < a.count() && !timeout) {
                if (Args.longArg(c, i + 1) <= 0) {
                    throw new CommandError("ERR FAILOVER timeout must be greater than 0");
                }
                timeout = true;
                i++;
            } else if (a.is(i, "to") && i + 2 < a.count() && !to) {
                Args.longArg(c, i + 2);
                to = true;
                i += 2;
            } else if (a.is(i, "force") && !force) {
                force = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        // Redis checks for replicas before it looks at FORCE or the target.
        throw new CommandError("ERR FAILOVER requires connected replicas.");
    }

    // REPLICAOF host port | NO ONE (SLAVEOF, its old name)
    static void replicaof(Client c) {
        if (c.argv.is(1, "no") && c.argv.is(2, "one")) {
            // Already a master: nothing to undo, as in Redis.
            c.reply.ok();
            return;
        }
        Args.longArg(c, 2, 0, 65535, "ERR Invalid master port");
        // Going on as a master would take writes its new master never sees; refusing says why.
        throw new CommandError("ERR Cinnabar cannot replicate yet: it stays a master");
    }

    // SYNC
    // PSYNC replicationid offset
    static void sync(Client c) {
        if (!c.rdbOnly) {
            throw new CommandError(NO_REPLICAS);
        }
        RdbTransfer.start(c, c.argv.is(0, "psync"), c.server.ids().replicationId());
    }

    // REPLCONF option value [option value ...]
    static void replconf(Client c) {
        Argv a = c.argv;
        if (a.count() % 2 == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        // The options a replica announces before its PSYNC, checked as Redis checks them; what
        // they announce is not kept, since PSYNC is refused.
        for (int j = 1; j < a.count(); j += 2) {
            if (a.is(j, "listening-port")) {
                Args.longArg(c, j + 1);
            } else if (a.is(j, "ip-address")) {
                if (a.length(j + 1) >= HOST_TEXT_MAX) {
                    throw new CommandError("ERR REPLCONF ip-address provided by replica instance is too long: "
                            + a.length(j + 1) + " bytes");
                }
            } else if (a.is(j, "capa")) {
                continue;
            } else if (a.is(j, "ack") || a.is(j, "getack")) {
                // From a replica, or to one: neither is answered, and there is no replica here.
                return;
            } else if (a.is(j, "rdb-only")) {
                long rdbOnly = Args.longArg(c, j + 1);
                if (rdbOnly < 0 || rdbOnly > 1) {
                    throw new CommandError("ERR value is out of range, value must between 0 and 1");
                }
                c.rdbOnly = rdbOnly == 1;
            } else if (a.is(j, "rdb-filter-only")) {
                java.util.List<String> filters = dev.cinnabar.server.config.Quoting.splitArgs(a.latin1(j + 1));
                if (filters == null) {
                    throw new CommandError("ERR Missing rdb-filter-only values");
                }
                boolean functions = false;
                for (String f : filters) {
                    if (!f.equalsIgnoreCase("functions")) {
                        throw new CommandError("ERR Unsupported rdb-filter-only option: " + f);
                    }
                    functions = true;
                }
                c.functionsOnly = functions;
            } else {
                throw new CommandError("ERR Unrecognized REPLCONF option: " + a.cString(j));
            }
        }
        c.reply.ok();
    }
}
