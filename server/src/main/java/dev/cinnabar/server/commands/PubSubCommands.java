package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.cluster.Cluster;
import dev.cinnabar.server.client.PubSub;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.List;

/**
 * Pub/sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded SSUBSCRIBE,
 * SUNSUBSCRIBE and SPUBLISH (standalone: shard channels are a namespace of their own that
 * patterns do not see), and PUBSUB's subcommands. The registries are {@link PubSub}; the RESP2
 * subscribed context is checked by the dispatcher.
 */
public final class PubSubCommands {
    /** PUBSUB HELP's lines as Redis 7.0.15 prints them: tools compare the reply. */
    private static final String[] HELP = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    };

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("subscribe", this, 0);
            t.bind("unsubscribe", this, 1);
            t.bind("psubscribe", this, 2);
            t.bind("punsubscribe", this, 3);
            t.bind("ssubscribe", this, 4);
            t.bind("sunsubscribe", this, 5);
            t.bind("publish", this, 6);
            t.bind("spublish", this, 7);
            t.bind("pubsub|channels", this, 8);
            t.bind("pubsub|shardchannels", this, 9);
            t.bind("pubsub|numsub", this, 10);
            t.bind("pubsub|shardnumsub", this, 11);
            t.bind("pubsub|numpat", this, 12);
            t.bind("pubsub|help", this, 13);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> PubSubCommands.subscribe(c);
                case 1 -> PubSubCommands.unsubscribe(c);
                case 2 -> PubSubCommands.psubscribe(c);
                case 3 -> PubSubCommands.punsubscribe(c);
                case 4 -> PubSubCommands.ssubscribe(c);
                case 5 -> PubSubCommands.sunsubscribe(c);
                case 6 -> PubSubCommands.publish(c);
                case 7 -> PubSubCommands.spublish(c);
                case 8 -> PubSubCommands.channels(c, false);
                case 9 -> PubSubCommands.channels(c, true);
                case 10 -> PubSubCommands.numsub(c, false);
                case 11 -> PubSubCommands.numsub(c, true);
                case 12 -> PubSubCommands.numpat(c);
                case 13 -> Help.reply(c, HELP);
                default -> throw new IllegalArgumentException("PubSubCommands has no handler " + handler);
            }
        }
    }

    private static PubSub registry(Client c) {
        return c.server.clients().pubsub();
    }

    // SUBSCRIBE channel [channel ...]
    static void subscribe(Client c) {
        // Redis refuses a client that may not block, except inside MULTI (kept for old clients);
        // scripts cannot call it at all, so here nothing is refused.
        PubSub p = registry(c);
        for (int i = 1; i < c.argv.count(); i++) {
            p.subscribe(c, c.argv.copy(i));
        }
        PubSub.settle(c);
    }

    // UNSUBSCRIBE [channel [channel ...]]
    static void unsubscribe(Client c) {
        PubSub p = registry(c);
        if (c.argv.count() == 1) {
            p.unsubscribeAll(c);
        } else {
            for (int i = 1; i < c.argv.count(); i++) {
                p.unsubscribe(c, c.argv.copy(i));
            }
        }
        PubSub.settle(c);
    }

    // PSUBSCRIBE pattern [pattern ...]
    static void psubscribe(Client c) {
        PubSub p = registry(c);
        for (int i = 1; i < c.argv.count(); i++) {
            p.subscribePattern(c, c.argv.copy(i));
        }
        PubSub.settle(c);
    }

    // PUNSUBSCRIBE [pattern [pattern ...]]
    static void punsubscribe(Client c) {
        PubSub p = registry(c);
        if (c.argv.count() == 1) {
            p.unsubscribeAllPatterns(c);
        } else {
            for (int i = 1; i < c.argv.count(); i++) {
                p.unsubscribePattern(c, c.argv.copy(i));
            }
        }
        PubSub.settle(c);
    }

    // SSUBSCRIBE shardchannel [shardchannel ...]
    static void ssubscribe(Client c) {
        if (c.denyBlocking) {
            // Unlike SUBSCRIBE, no exception for MULTI.
            throw new CommandError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        }
        PubSub p = registry(c);
        for (int i = 1; i < c.argv.count(); i++) {
            p.subscribeShard(c, c.argv.copy(i));
        }
        PubSub.settle(c);
    }

    // SUNSUBSCRIBE [shardchannel [shardchannel ...]]
    static void sunsubscribe(Client c) {
        PubSub p = registry(c);
        if (c.argv.count() == 1) {
            p.unsubscribeAllShard(c);
        } else {
            for (int i = 1; i < c.argv.count(); i++) {
                p.unsubscribeShard(c, c.argv.copy(i));
            }
        }
        PubSub.settle(c);
    }

    // PUBLISH channel message
    static void publish(Client c) {
        int receivers = registry(c).publish(c.argv.copy(1), c.argv.array(2), c.argv.offset(2),
                c.argv.length(2));
        // Replicas get every PUBLISH, as Redis without cluster sends them; the AOF none. In a
        // cluster the bus carries it to every node instead.
        propagate(c, false);
        c.reply.integer(receivers);
    }

    private static void propagate(Client c, boolean sharded) {
        Cluster cluster = Cluster.of(c.server);
        if (cluster != null) {
            cluster.propagatePublish(c.argv.copy(1), c.argv.copy(2), sharded);
        } else {
            c.forcePropagationToReplicas();
        }
    }

    // SPUBLISH shardchannel message
    static void spublish(Client c) {
        int receivers = registry(c).publishShard(c.argv.copy(1), c.argv.array(2),
                c.argv.offset(2), c.argv.length(2));
        propagate(c, true);
        c.reply.integer(receivers);
    }

    // PUBSUB CHANNELS [pattern]
    // PUBSUB SHARDCHANNELS [pattern]
    static void channels(Client c, boolean shard) {
        if (c.argv.count() > 3) {
            throw new CommandError(Errors.subcommandSyntax(c.argv));
        }
        byte[] pattern = c.argv.count() == 3 ? c.argv.copy(2) : null;
        List<byte[]> names = registry(c).channelNames(shard, pattern);
        c.reply.array(names.size());
        for (byte[] n : names) {
            c.reply.bulk(n);
        }
    }

    // PUBSUB NUMSUB [channel [channel ...]]
    // PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
    static void numsub(Client c, boolean shard) {
        PubSub p = registry(c);
        int n = c.argv.count() - 2;
        // An array of pairs, even in RESP3, as Redis answers.
        c.reply.array(n * 2);
        for (int i = 2; i < c.argv.count(); i++) {
            byte[] name = c.argv.copy(i);
            c.reply.bulk(name);
            c.reply.integer(shard ? p.shardSubscribers(name) : p.subscribers(name));
        }
    }

    // PUBSUB NUMPAT
    static void numpat(Client c) {
        c.reply.integer(registry(c).patterns());
    }
}
