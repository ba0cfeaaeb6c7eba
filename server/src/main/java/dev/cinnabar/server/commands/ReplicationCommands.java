package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.persistence.RdbTransfer;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.replication.Failover;
import dev.cinnabar.server.replication.MasterLink;
import dev.cinnabar.server.replication.Replication;
import java.util.ArrayList;
import java.util.List;

/**
 * ROLE, WAIT, FAILOVER, REPLICAOF, and the commands replicas send: SYNC, PSYNC and REPLCONF.
 * The replication itself is the replication package's (Replication for a master, MasterLink for
 * a replica, Failover for FAILOVER).
 */
public final class ReplicationCommands {
    /** Redis's NET_HOST_STR_LEN: the longest host text a replica may announce, and one. */
    private static final int HOST_TEXT_MAX = 256;
    private static final byte[] MASTER = {'m', 'a', 's', 't', 'e', 'r'};
    private static final byte[] SLAVE = {'s', 'l', 'a', 'v', 'e'};

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

    // ROLE
    static void role(Client c) {
        if (!c.server.config().masterHost.isEmpty()) {
            MasterLink link = MasterLink.of(c.server);
            c.reply.array(5);
            c.reply.bulk(SLAVE);
            c.reply.bulk(c.server.config().masterHost);
            c.reply.integer(c.server.config().masterPort);
            c.reply.bulk(link.roleState());
            c.reply.integer(link.roleOffset());
            return;
        }
        Replication replication = Replication.of(c.server);
        List<Client> online = new ArrayList<>();
        for (Client r : replication.replicas()) {
            if (r.replica.state == ReplicaLink.ONLINE) {
                online.add(r);
            }
        }
        c.reply.array(3);
        c.reply.bulk(MASTER);
        c.reply.integer(c.server.ids().replicationOffset());
        c.reply.array(online.size());
        for (Client r : online) {
            c.reply.array(3);
            c.reply.bulk(Replication.ip(r));
            c.reply.bulk(Long.toString(r.replica.listeningPort));
            c.reply.bulk(Long.toString(r.replica.ackOffset));
        }
    }

    // WAIT numreplicas timeout
    static void waitForReplicas(Client c) {
        long numreplicas = Args.longArg(c, 1);
        long deadline = BlockingTimeout.deadlineAfter(c, BlockingTimeout.integerMillis(c, 2));
        Replication.of(c.server).waitForAcks(c, numreplicas, deadline);
    }

    // FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]
    static void failover(Client c) {
        if (c.server.config().clusterEnabled) {
            throw new CommandError("ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.");
        }
        Argv a = c.argv;
        if (a.count() == 2 && a.is(1, "abort")) {
            Failover.of(c.server).abortCommand();
            c.reply.ok();
            return;
        }
        long timeout = 0;
        String host = null;
        int port = 0;
        boolean force = false;
        for (int i = 1; i < a.count(); i++) {
            if (a.is(i, "timeout") && i + 1 < a.count() && timeout == 0) {
                timeout = Args.longArg(c, i + 1);
                if (timeout <= 0) {
                    throw new CommandError("ERR FAILOVER timeout must be greater than 0");
                }
                i++;
            } else if (a.is(i, "to") && i + 2 < a.count() && host == null) {
                port = (int) Args.longArg(c, i + 2);
                host = a.latin1(i + 1);
                i += 2;
            } else if (a.is(i, "force") && !force) {
                force = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Failover.of(c.server).start(host, port, timeout, force);
        c.reply.ok();
    }

    // REPLICAOF host port | NO ONE (SLAVEOF, its old name)
    static void replicaof(Client c) {
        if (c.server.config().clusterEnabled) {
            throw new CommandError("ERR REPLICAOF not allowed in cluster mode.");
        }
        if (Failover.of(c.server).active()) {
            throw new CommandError("ERR REPLICAOF not allowed while failing over.");
        }
        MasterLink link = MasterLink.of(c.server);
        if (c.argv.is(1, "no") && c.argv.is(2, "one")) {
            link.noOne(c); // nothing to undo on a master
            c.reply.ok();
            return;
        }
        if (ReplicaLink.isReplica(c)) {
            // It would flush every replica, this client included.
            throw new CommandError("ERR Command is not valid when client is a replica.");
        }
        int port = (int) Args.longArg(c, 2, 0, 65535, "ERR Invalid master port");
        String host = c.argv.latin1(1);
        ServerConfig config = c.server.config();
        if (config.masterHost.equalsIgnoreCase(host) && config.masterPort == port) {
            ServerLog.notice("REPLICAOF would result into synchronization with the master we are already connected "
                    + "with. No operation performed.");
            c.reply.simple("OK Already connected to specified master");
            return;
        }
        link.replicaOf(host, port, c);
        c.reply.ok();
    }

    // SYNC
    // PSYNC replicationid offset
    static void sync(Client c) {
        boolean psync = c.argv.is(0, "psync");
        if (c.rdbOnly && c.functionsOnly && !ReplicaLink.isReplica(c)) {
            RdbTransfer.functionsOnly(c, psync, c.server.ids().replicationId());
            return;
        }
        if (psync && c.argv.count() > 3 && c.argv.is(3, "failover") && !ReplicaLink.isReplica(c)) {
            // Our master hands over to us (its FAILOVER): we take over, then continue it as a replica.
            ServerLog.warning("Failover request received for replid " + c.argv.latin1(1) + ".");
            if (c.server.config().masterHost.isEmpty()) {
                throw new CommandError("ERR PSYNC FAILOVER can't be sent to a master.");
            }
            if (!c.argv.latin1(1).equalsIgnoreCase(c.server.ids().replicationId())) {
                throw new CommandError("ERR PSYNC FAILOVER replid must match my replid.");
            }
            MasterLink.of(c.server).takeOver(c);
        }
        String id = psync ? c.argv.latin1(1) : null;
        long offset = psync ? Args.longArg(c, 2) : 0;
        Replication.of(c.server).sync(c, psync, id, offset);
    }

    private static ReplicaLink link(Client c) {
        if (c.replica == null) {
            c.replica = new ReplicaLink();
        }
        return c.replica;
    }

    // REPLCONF option value [option value ...]
    static void replconf(Client c) {
        Argv a = c.argv;
        if (a.count() % 2 == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        // What a replica announces before its PSYNC, and its acknowledgements after.
        for (int j = 1; j < a.count(); j += 2) {
            if (a.is(j, "listening-port")) {
                link(c).listeningPort = (int) Args.longArg(c, j + 1);
            } else if (a.is(j, "ip-address")) {
                if (a.length(j + 1) >= HOST_TEXT_MAX) {
                    throw new CommandError("ERR REPLCONF ip-address provided by replica instance is too long: "
                            + a.length(j + 1) + " bytes");
                }
                link(c).announcedIp = a.latin1(j + 1);
            } else if (a.is(j, "capa")) {
                // Capabilities this master does not know are ignored, as Redis does.
                if (a.is(j + 1, "eof")) {
                    link(c).capaEof = true;
                } else if (a.is(j + 1, "psync2")) {
                    link(c).capaPsync2 = true;
                }
            } else if (a.is(j, "ack")) {
                // Never answered; from anything but a replica, or not a number, ignored.
                if (ReplicaLink.isReplica(c)) {
                    if (Numbers.isLong(a.array(j + 1), a.offset(j + 1), a.length(j + 1))) {
                        Replication.of(c.server).acknowledged(c,
                                Numbers.parseLong(a.array(j + 1), a.offset(j + 1), a.length(j + 1)));
                    }
                }
                return;
            } else if (a.is(j, "getack")) {
                // From this replica's master: an ACK at once. Never answered otherwise.
                if (c.master) {
                    MasterLink.of(c.server).sendAck();
                }
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
