package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
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
public final class PubSubCommands implements CommandFamily {
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

    @Override
    public void register(CommandHandlers t) {
        t.bind("subscribe", PubSubCommands::subscribe);
        t.bind("unsubscribe", PubSubCommands::unsubscribe);
        t.bind("psubscribe", PubSubCommands::psubscribe);
        t.bind("punsubscribe", PubSubCommands::punsubscribe);
        t.bind("ssubscribe", PubSubCommands::ssubscribe);
        t.bind("sunsubscribe", PubSubCommands::sunsubscribe);
        t.bind("publish", PubSubCommands::publish);
        t.bind("spublish", PubSubCommands::spublish);
        t.bind("pubsub|channels", c -> channels(c, false));
        t.bind("pubsub|shardchannels", c -> channels(c, true));
        t.bind("pubsub|numsub", c -> numsub(c, false));
        t.bind("pubsub|shardnumsub", c -> numsub(c, true));
        t.bind("pubsub|numpat", PubSubCommands::numpat);
        t.bind("pubsub|help", c -> Help.reply(c, HELP));
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
        // Replicas get every PUBLISH, as Redis without cluster sends them.
        c.forcePropagation();
        c.reply.integer(receivers);
    }

    // SPUBLISH shardchannel message
    static void spublish(Client c) {
        int receivers = registry(c).publishShard(c.argv.copy(1), c.argv.array(2),
                c.argv.offset(2), c.argv.length(2));
        c.forcePropagation();
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
