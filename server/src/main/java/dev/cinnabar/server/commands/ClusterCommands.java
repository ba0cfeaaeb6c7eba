package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * CLUSTER and its subcommands, READONLY, READWRITE and ASKING, as Redis 7.0 answers them with
 * {@code cluster-enabled no}: each one, past its arity, fails with the same error. Cinnabar has no
 * cluster mode yet, so that is what a client asking whether it talks to a cluster must hear;
 * client libraries do ask (CLUSTER INFO, READONLY) and tell the two errors apart.
 */
public final class ClusterCommands {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    /** Redis 7.0's CLUSTER subcommands, as cluster.json lists them. */
    private static final String[] SUBCOMMANDS = {
        "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot", "delslots",
        "delslotsrange", "failover", "flushslots", "forget", "getkeysinslot", "help", "info", "keyslot", "links",
        "meet", "myid", "nodes", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch", "setslot",
        "shards", "slaves", "slots",
    };

    private ClusterCommands() {
    }

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            for (String sub : SUBCOMMANDS) {
                t.bind("cluster|" + sub, this, 0);
            }
            t.bind("readonly", this, 0);
            t.bind("readwrite", this, 0);
            t.bind("asking", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ClusterCommands.disabled(c);
                default -> throw new IllegalArgumentException("ClusterCommands has no handler " + handler);
            }
        }
    }

    // CLUSTER <subcommand> ..., READONLY, READWRITE, ASKING
    static void disabled(Client c) {
        throw new CommandError(DISABLED);
    }
}
