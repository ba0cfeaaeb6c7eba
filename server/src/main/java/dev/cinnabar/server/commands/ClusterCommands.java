package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.HashSlot;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.cluster.ClusterAdmin;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CLUSTER and its subcommands, READONLY, READWRITE and ASKING. With {@code cluster-enabled no}
 * each one, past its arity, fails as Redis's does ("cluster support disabled"); client
 * libraries ask (CLUSTER INFO, READONLY) and tell the two cases apart. In cluster mode the work
 * is {@link ClusterAdmin}'s; this class parses the arguments and replies.
 */
public final class ClusterCommands {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    /** CLUSTER HELP's lines as Redis 7.0.15 prints them. */
    private static final String[] HELP = {
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes of a link",
    };

    /** Redis 7.0's CLUSTER subcommands, as cluster.json lists them, in handler order. */
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
            for (int i = 0; i < SUBCOMMANDS.length; i++) {
                t.bind("cluster|" + SUBCOMMANDS[i], this, i);
            }
            t.bind("readonly", this, SUBCOMMANDS.length);
            t.bind("readwrite", this, SUBCOMMANDS.length + 1);
            t.bind("asking", this, SUBCOMMANDS.length + 2);
        }

        @Override
        public void execute(int handler, Client c) {
            Cluster cluster = Cluster.of(c.server);
            if (cluster == null) {
                throw new CommandError(DISABLED);
            }
            ClusterAdmin admin = cluster.admin();
            switch (handler) {
                case 0 -> addSlots(c, admin, false);
                case 1 -> addSlotsRange(c, admin, false);
                case 2 -> c.reply.simple(admin.bumpEpoch());
                case 3 -> c.reply.integer(admin.failureReports(nodeName(c, 2)));
                case 4 -> countKeysInSlot(c, admin);
                case 5 -> addSlots(c, admin, true);
                case 6 -> addSlotsRange(c, admin, true);
                case 7 -> failover(c, admin);
                case 8 -> ok(c, () -> admin.flushSlots());
                case 9 -> ok(c, () -> admin.forget(nodeName(c, 2)));
                case 10 -> getKeysInSlot(c, admin);
                case 11 -> Help.reply(c, HELP);
                case 12 -> c.reply.verbatim("txt", ascii(admin.info()));
                case 13 -> c.reply.integer(HashSlot.of(c.argv.array(2), c.argv.offset(2), c.argv.length(2)));
                case 14 -> admin.links(c.reply);
                case 15 -> meet(c, admin);
                case 16 -> c.reply.bulk(cluster.myself().name());
                case 17 -> c.reply.verbatim("txt", ascii(admin.nodes(c.tls)));
                case 18, 25 -> replicas(c, admin);
                case 19 -> ok(c, () -> admin.replicate(nodeName(c, 2)));
                case 20 -> reset(c, admin);
                case 21 -> ok(c, admin::saveConfig);
                case 22 -> ok(c, () -> admin.setConfigEpoch(Args.longArg(c, 2)));
                case 23 -> setSlot(c, admin);
                case 24 -> admin.shards(c.reply);
                case 26 -> admin.slots(c.reply, c.tls);
                case 27 -> {
                    c.set(Client.CLUSTER_READONLY);
                    c.reply.ok();
                }
                case 28 -> {
                    c.clear(Client.CLUSTER_READONLY);
                    c.reply.ok();
                }
                case 29 -> {
                    c.set(Client.ASKING);
                    c.reply.ok();
                }
                default -> throw new IllegalArgumentException("ClusterCommands has no handler " + handler);
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String nodeName(Client c, int i) {
        return new String(c.argv.copy(i), StandardCharsets.ISO_8859_1);
    }

    private static void ok(Client c, Runnable action) {
        action.run();
        c.reply.ok();
    }

    /** Redis's getSlotOrReply. */
    private static int slotArg(Client c, int i) {
        return (int) Args.longArg(c, i, 0, Cluster.SLOTS - 1, "ERR Invalid or out of range slot");
    }

    // CLUSTER ADDSLOTS slot [slot ...], CLUSTER DELSLOTS slot [slot ...]
    private static void addSlots(Client c, ClusterAdmin admin, boolean delete) {
        int n = c.argv.count();
        // Every argument is checked before any is taken, as Redis does.
        for (int j = 2; j < n; j++) {
            slotArg(c, j);
        }
        int[] ranges = new int[(n - 2) * 2];
        for (int j = 2; j < n; j++) {
            int slot = slotArg(c, j);
            ranges[(j - 2) * 2] = slot;
            ranges[(j - 2) * 2 + 1] = slot;
        }
        admin.updateSlots(ranges, delete);
        c.reply.ok();
    }

    // CLUSTER ADDSLOTSRANGE start end [start end ...], CLUSTER DELSLOTSRANGE ...
    private static void addSlotsRange(Client c, ClusterAdmin admin, boolean delete) {
        int n = c.argv.count();
        if (n % 2 == 1) {
            throw new CommandError(Errors.arity(delete ? "cluster|delslotsrange" : "cluster|addslotsrange"));
        }
        int[] ranges = new int[n - 2];
        for (int j = 2; j < n; j += 2) {
            int start = slotArg(c, j);
            int end = slotArg(c, j + 1);
            if (start > end) {
                throw new CommandError("ERR start slot number " + start + " is greater than end slot number " + end);
            }
            ranges[j - 2] = start;
            ranges[j - 1] = end;
        }
        admin.updateSlots(ranges, delete);
        c.reply.ok();
    }

    // CLUSTER COUNTKEYSINSLOT slot
    private static void countKeysInSlot(Client c, ClusterAdmin admin) {
        long slot = Args.longArg(c, 2);
        if (slot < 0 || slot >= Cluster.SLOTS) {
            throw new CommandError("ERR Invalid slot");
        }
        c.reply.integer(admin.keysInSlot((int) slot));
    }

    // CLUSTER GETKEYSINSLOT slot count
    private static void getKeysInSlot(Client c, ClusterAdmin admin) {
        long slot = Args.longArg(c, 2);
        long max = Args.longArg(c, 3);
        if (slot < 0 || slot >= Cluster.SLOTS || max < 0) {
            throw new CommandError("ERR Invalid slot or number of keys");
        }
        List<byte[]> keys = admin.keysInSlot((int) slot, (int) Math.min(max, Integer.MAX_VALUE));
        c.reply.array(keys.size());
        for (byte[] k : keys) {
            c.reply.bulk(k);
        }
    }

    // CLUSTER MEET ip port [cluster-bus-port]
    private static void meet(Client c, ClusterAdmin admin) {
        int n = c.argv.count();
        if (n != 4 && n != 5) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        String ip = new String(c.argv.copy(2), StandardCharsets.ISO_8859_1);
        String portText = new String(c.argv.copy(3), StandardCharsets.ISO_8859_1);
        long port = Args.longArg(c, 3, "ERR Invalid TCP base port specified: " + portText);
        long cport = n == 5 ? Args.longArg(c, 4, "ERR Invalid TCP bus port specified: "
                + new String(c.argv.copy(4), StandardCharsets.ISO_8859_1)) : port + 10000;
        if (!admin.meet(ip, port, cport)) {
            throw new CommandError("ERR Invalid node address specified: " + ip + ":" + portText);
        }
        c.reply.ok();
    }

    // CLUSTER REPLICAS node-id, CLUSTER SLAVES node-id
    private static void replicas(Client c, ClusterAdmin admin) {
        List<String> lines = admin.replicas(nodeName(c, 2), c.tls);
        c.reply.array(lines.size());
        for (String line : lines) {
            c.reply.bulk(line);
        }
    }

    // CLUSTER RESET [HARD|SOFT]
    private static void reset(Client c, ClusterAdmin admin) {
        int n = c.argv.count();
        if (n > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        boolean hard = false;
        if (n == 3) {
            String mode = c.argv.cString(2, 16).toLowerCase();
            if (mode.equals("hard")) {
                hard = true;
            } else if (!mode.equals("soft")) {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        admin.reset(c.db(), hard);
        c.reply.ok();
    }

    // CLUSTER FAILOVER [FORCE|TAKEOVER]
    private static void failover(Client c, ClusterAdmin admin) {
        int n = c.argv.count();
        if (n > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        boolean force = false;
        boolean takeover = false;
        if (n == 3) {
            String mode = c.argv.cString(2, 16).toLowerCase();
            if (mode.equals("force")) {
                force = true;
            } else if (mode.equals("takeover")) {
                takeover = true;
                force = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        admin.failover(force, takeover);
        c.reply.ok();
    }

    // CLUSTER SETSLOT slot IMPORTING node-id | MIGRATING node-id | NODE node-id | STABLE
    private static void setSlot(Client c, ClusterAdmin admin) {
        admin.checkSetSlotAllowed();
        int slot = slotArg(c, 2);
        int n = c.argv.count();
        String action = c.argv.cString(3, 16).toLowerCase();
        switch (action) {
            case "migrating" -> {
                if (n != 5) {
                    throw badSetSlot();
                }
                admin.setSlotMigrating(slot, nodeName(c, 4));
            }
            case "importing" -> {
                if (n != 5) {
                    throw badSetSlot();
                }
                admin.setSlotImporting(slot, nodeName(c, 4));
            }
            case "stable" -> {
                if (n != 4) {
                    throw badSetSlot();
                }
                admin.setSlotStable(slot);
            }
            case "node" -> {
                if (n != 5) {
                    throw badSetSlot();
                }
                admin.setSlotNode(slot, nodeName(c, 4));
            }
            default -> throw badSetSlot();
        }
        c.reply.ok();
    }

    private static CommandError badSetSlot() {
        return new CommandError("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    }
}
