package dev.cinnabar.server.cluster;

import dev.cinnabar.datatypes.HashSlot;
import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.CommandRouter;
import dev.cinnabar.server.client.Transaction;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.KeyResult;
import dev.cinnabar.server.db.Db;
import java.util.Arrays;

/**
 * Which node serves a command (Redis's getNodeByQuery and clusterRedirectClient): all its keys
 * must hash to one slot; the slot's owner serves it, or, while the slot moves, the node that
 * has the keys it names. A replica serves the reads of a READONLY client for its master's
 * slots. Everything else gets MOVED, ASK, TRYAGAIN, CROSSSLOT or CLUSTERDOWN.
 */
public final class SlotRouting implements CommandRouter {
    private final Cluster cluster;
    private final KeyResult keys = new KeyResult();

    SlotRouting(Cluster cluster) {
        this.cluster = cluster;
    }

    public static SlotRouting of(Cluster cluster) {
        return new SlotRouting(cluster);
    }

    @Override
    public String redirect(Client c, CommandSpec cmd, long flags, boolean asking) {
        return route(c, cmd, c.argv, flags, asking);
    }

    private String route(Client c, CommandSpec cmd, Argv commandArgv, long flags, boolean asking) {
        boolean exec = cmd.fullName.equals("exec");
        boolean shardPubsub = isShardPubsub(cmd);
        Transaction t = c.transaction();
        ClusterNode n = null;
        byte[] firstKey = null;
        int firstOff = 0;
        int firstLen = 0;
        int slot = 0;
        boolean multipleKeys = false;
        boolean migrating = false;
        boolean importing = false;
        int missing = 0;
        int existing = 0;
        boolean timeRead = false;
        int commands = exec ? (t == null || !c.has(Client.MULTI) ? 0 : t.size()) : 1;
        if (exec && commands == 0) {
            return null;
        }
        Db db = cluster.server.keyspace().db(0);
        for (int i = 0; i < commands; i++) {
            CommandSpec mcmd = exec ? t.command(i) : cmd;
            Argv argv = exec ? t.argv(i) : commandArgv;
            int count = CommandKeys.forRouting(mcmd, argv, 0, argv.count(), keys);
            for (int j = 0; j < count; j++) {
                int pos = keys.position(j);
                byte[] k = argv.array(pos);
                int off = argv.offset(pos);
                int len = argv.length(pos);
                int thisSlot = HashSlot.of(k, off, len);
                if (firstKey == null) {
                    firstKey = k;
                    firstOff = off;
                    firstLen = len;
                    slot = thisSlot;
                    n = cluster.slots[slot];
                    if (n == null) {
                        // A slot nobody serves: the cluster cannot answer for it.
                        return "CLUSTERDOWN Hash slot not served";
                    }
                    if (n == cluster.myself && cluster.migratingTo[slot] != null) {
                        migrating = true;
                    } else if (cluster.importingFrom[slot] != null) {
                        importing = true;
                    }
                } else if (!Arrays.equals(firstKey, firstOff, firstOff + firstLen, k, off, off + len)) {
                    if (slot != thisSlot) {
                        return "CROSSSLOT Keys in request don't hash to the same slot";
                    }
                    multipleKeys = true;
                }
                if ((migrating || importing) && !shardPubsub) {
                    if (!timeRead && c.scriptCaller == null) {
                        // A key past its time counts as gone, by the clock now, not the last command's.
                        cluster.server.keyspace().updateTime();
                        timeRead = true;
                    }
                    int e = db.keys().find(k, off, len);
                    if (e == KeyTable.NONE || db.isExpiredId(e)) {
                        missing++;
                    } else {
                        existing++;
                    }
                }
            }
        }
        if (n == null) {
            return null;
        }
        c.slot = slot;
        if (!cluster.stateOk) {
            if (shardPubsub) {
                if (!cluster.config.clusterAllowPubsubshardWhenDown) {
                    return "CLUSTERDOWN The cluster is down";
                }
            } else if (!cluster.config.clusterAllowReadsWhenDown) {
                return "CLUSTERDOWN The cluster is down";
            } else if ((flags & CommandFlags.WRITE) != 0) {
                return "CLUSTERDOWN The cluster is down and only accepts read commands";
            }
        }
        if ((migrating || importing) && cmd.fullName.equals("migrate")) {
            return null;
        }
        if (migrating && missing > 0) {
            if (existing > 0) {
                return "TRYAGAIN Multiple keys request during rehashing of slot";
            }
            return cluster.redirection("ASK", slot, cluster.migratingTo[slot], c.tls);
        }
        if (importing && (asking || (flags & CommandFlags.ASKING) != 0)) {
            if (multipleKeys && missing > 0) {
                return "TRYAGAIN Multiple keys request during rehashing of slot";
            }
            return null;
        }
        boolean write = (flags & CommandFlags.WRITE) != 0 || (exec && t != null && (t.flags() & CommandFlags.WRITE) != 0);
        if ((c.has(Client.CLUSTER_READONLY) || shardPubsub) && !write && cluster.myself.isReplica()
                && cluster.myself.master == n) {
            return null;
        }
        if (n != cluster.myself) {
            return cluster.redirection("MOVED", slot, n, c.tls);
        }
        return null;
    }

    @Override
    public String scriptDenial(Client caller, Client scriptClient, CommandSpec cmd, Argv argv, long flags,
            boolean allowCrossSlot) {
        if (caller.master) {
            return null;
        }
        // The script's commands are served as its caller would be (READONLY, ASKING).
        if (caller.has(Client.CLUSTER_READONLY)) {
            scriptClient.set(Client.CLUSTER_READONLY);
        } else {
            scriptClient.clear(Client.CLUSTER_READONLY);
        }
        scriptClient.slot = -1;
        String redirect = route(scriptClient, cmd, argv, flags, caller.asking);
        if (redirect != null) {
            if (redirect.startsWith("CLUSTERDOWN The cluster is down and only")) {
                return "Script attempted to execute a write command while the cluster is down and readonly";
            } else if (redirect.equals("CLUSTERDOWN The cluster is down")) {
                return "Script attempted to execute a command while the cluster is down";
            }
            return "Script attempted to access a non local key in a cluster node";
        }
        if (scriptClient.slot != -1 && !allowCrossSlot) {
            if (caller.slot == -1) {
                caller.slot = scriptClient.slot;
            } else if (caller.slot != scriptClient.slot) {
                return "Script attempted to access keys that do not hash to the same slot";
            }
        }
        return null;
    }

    private static boolean isShardPubsub(CommandSpec cmd) {
        String name = cmd.fullName;
        return name.equals("ssubscribe") || name.equals("sunsubscribe") || name.equals("spublish");
    }
}
