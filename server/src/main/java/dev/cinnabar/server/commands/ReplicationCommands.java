package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * ROLE and WAIT, as Redis 7.0 answers them on a master that no replica has connected to, which
 * is what Cinnabar always is until it serves replication (SYNC, PSYNC and REPLICAOF are not
 * served yet): ROLE says master at offset 0 (Redis keeps no replication offset before its first
 * replica), and WAIT counts no acknowledgements, so it answers at once when it asks for none and
 * otherwise blocks for its timeout (forever for 0) and answers 0. Client libraries call both:
 * redis-py and ioredis test them, and some applications WAIT for durability.
 */
public final class ReplicationCommands {
    /** WAIT's answer: the replicas that acknowledged this client's writes. */
    private static final long ACKNOWLEDGED = 0;
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
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ReplicationCommands.role(c);
                case 1 -> ReplicationCommands.waitForReplicas(c);
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
}
