package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.protocol.RespBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The pub/sub registries, Redis's pubsub.c: who subscribes to which channel, shard channel and
 * pattern, on the server's side (name to subscribers, in the order they subscribed, which is the
 * order messages are delivered in) and on each client's side ({@link Subscriptions}, kept in the
 * client). Owned by the engine thread.
 *
 * <p>{@link #publish} is the way in for messages, for PUBLISH and for anything else the server
 * publishes (keyspace notifications): it allocates nothing.
 *
 * <p>Each change here writes the confirmation frame Redis writes ({@code subscribe},
 * {@code unsubscribe}, ...), as a push in RESP3 and an array in RESP2, with the client's
 * subscription count after the change.
 */
public final class PubSub {
    /** The largest message frame kept between publishes. */
    private static final int FRAME_KEPT = 16 * 1024;
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] PMESSAGE = ascii("pmessage");
    private static final byte[] SMESSAGE = ascii("smessage");
    private static final byte[] SUBSCRIBE = ascii("subscribe");
    private static final byte[] UNSUBSCRIBE = ascii("unsubscribe");
    private static final byte[] PSUBSCRIBE = ascii("psubscribe");
    private static final byte[] PUNSUBSCRIBE = ascii("punsubscribe");
    private static final byte[] SSUBSCRIBE = ascii("ssubscribe");
    private static final byte[] SUNSUBSCRIBE = ascii("sunsubscribe");

    /** Channel to subscribers, for SUBSCRIBE. */
    private final HashMap<Name, Subscribers> channels = new HashMap<>();
    /** Shard channel to subscribers, for SSUBSCRIBE. */
    private final HashMap<Name, Subscribers> shardChannels = new HashMap<>();
    /** Pattern to subscribers, for PSUBSCRIBE; walked by index in {@link #patternList}. */
    private final HashMap<Name, Subscribers> patterns = new HashMap<>();
    private final ArrayList<Subscribers> patternList = new ArrayList<>();
    /** Reused for look-ups by a caller's bytes: the engine thread is the only user. */
    private final Name probe = new Name();
    /**
     * One message's frame, encoded once per publish and copied to each subscriber: writing its
     * four parts to every subscriber, headers and lengths formatted again each time, made a fan-out
     * to 100 subscribers spend a quarter of the engine's time here. Kept up to
     * {@link #FRAME_KEPT} bytes; a bigger message's frame is dropped once it has been delivered.
     */
    private final RespBuffer frame = new RespBuffer(FRAME_KEPT);
    private ServerControl control;

    /** Installed with the engine's control: the way to write to a client other than the running one. */
    void control(ServerControl control) {
        this.control = control;
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Delivers {@code message} on {@code channel}: a {@code message} frame to each subscriber of
     * the channel, then a {@code pmessage} frame to each subscriber of each matching pattern.
     * Returns how many frames were delivered (a client subscribed to the channel and to two
     * matching patterns counts three times), as PUBLISH answers. Engine thread only; allocates
     * nothing. The arrays are not kept.
     */
    public int publish(byte[] channel, byte[] message) {
        return publish(channel, message, 0, message.length);
    }

    /** {@link #publish(byte[], byte[])} of a slice of {@code message} (PUBLISH's own argument). */
    public int publish(byte[] channel, byte[] message, int off, int len) {
        int receivers = 0;
        Subscribers direct = lookup(channels, channel);
        if (direct != null) {
            receivers += deliver(direct.clients, MESSAGE, null, channel, message, off, len);
        }
        for (int i = 0; i < patternList.size(); i++) {
            Subscribers p = patternList.get(i);
            byte[] pat = p.name.bytes;
            if (Glob.matches(pat, 0, pat.length, channel, 0, channel.length, false)) {
                receivers += deliver(p.clients, PMESSAGE, pat, channel, message, off, len);
            }
        }
        return receivers;
    }

    /** SPUBLISH: to the subscribers of the shard channel only; patterns do not see shard messages. */
    public int publishShard(byte[] channel, byte[] message, int off, int len) {
        Subscribers direct = lookup(shardChannels, channel);
        return direct == null ? 0 : deliver(direct.clients, SMESSAGE, null, channel, message, off, len);
    }

    /** True when nobody subscribes to any channel or pattern: a publish would reach no one. */
    public boolean isEmpty() {
        return channels.isEmpty() && patterns.isEmpty();
    }

    private int deliver(ArrayList<Client> clients, byte[] kind, byte[] pattern, byte[] channel, byte[] message,
            int off, int len) {
        int n = clients.size();
        RespBuffer f = frame;
        f.clear();
        f.arrayHeader(pattern == null ? 3 : 4);
        f.bulk(kind);
        if (pattern != null) {
            f.bulk(pattern);
        }
        f.bulk(channel);
        f.bulk(message, off, len);
        byte[] bytes = f.array();
        int size = f.size();
        boolean measure = control != null && control.measuresPushes();
        for (int i = 0; i < n; i++) {
            Client c = clients.get(i);
            // Counted even when nothing can be written to it (closing), as Redis counts it.
            if (c.isClosing()) {
                continue;
            }
            ReplyWriter w = writer(c);
            int start = w.buffer() == null ? -1 : w.buffer().writerIndex();
            w.pushFrame(bytes, size);
            if (c.repliesSuppressed() && start >= 0) {
                c.pushWritten(start, w.buffer().writerIndex());
            }
            if (measure) {
                control.pushed(c);
            }
        }
        f.clear();
        f.trim(FRAME_KEPT);
        return n;
    }

    private ReplyWriter writer(Client c) {
        return control == null ? c.reply : control.output(c);
    }

    private Subscribers lookup(HashMap<Name, Subscribers> map, byte[] name) {
        if (map.isEmpty()) {
            return null;
        }
        probe.set(name);
        Subscribers s = map.get(probe);
        probe.bytes = null;
        return s;
    }

    // ------------------------------------------------------------------ subscribing

    /**
     * SUBSCRIBE of one channel, with its confirmation. The subscription commands call
     * {@link #settle} once all their arguments are done.
     */
    public void subscribe(Client c, byte[] channel) {
        Subscriptions s = subs(c);
        Name n = new Name(channel);
        if (s.channels.add(n)) {
            add(channels, null, n, c);
            c.channelBuckets = Math.max(c.channelBuckets, buckets(s.channels.size()));
        }
        confirm(c, SUBSCRIBE, channel, s.count());
    }

    /** SSUBSCRIBE of one shard channel, with its confirmation. */
    public void subscribeShard(Client c, byte[] channel) {
        Subscriptions s = subs(c);
        Name n = new Name(channel);
        if (s.shardChannels.add(n)) {
            add(shardChannels, null, n, c);
            c.shardBuckets = Math.max(c.shardBuckets, buckets(s.shardChannels.size()));
        }
        confirm(c, SSUBSCRIBE, channel, s.shardChannels.size());
    }

    /** PSUBSCRIBE of one pattern, with its confirmation. */
    public void subscribePattern(Client c, byte[] pattern) {
        Subscriptions s = subs(c);
        Name n = new Name(pattern);
        if (!s.patterns.contains(n)) {
            s.patterns.add(n);
            add(patterns, patternList, n, c);
        }
        confirm(c, PSUBSCRIBE, pattern, s.count());
    }

    /** UNSUBSCRIBE of one channel, with its confirmation (also when it was not subscribed). */
    public void unsubscribe(Client c, byte[] channel) {
        Name n = new Name(channel);
        Subscriptions s = c.subscriptions;
        if (s != null && s.channels.remove(n)) {
            remove(channels, null, n, c);
        }
        confirm(c, UNSUBSCRIBE, channel, count(c));
    }

    /** SUNSUBSCRIBE of one shard channel, with its confirmation. */
    public void unsubscribeShard(Client c, byte[] channel) {
        Name n = new Name(channel);
        Subscriptions s = c.subscriptions;
        if (s != null && s.shardChannels.remove(n)) {
            remove(shardChannels, null, n, c);
        }
        confirm(c, SUNSUBSCRIBE, channel, shardCount(c));
    }

    /**
     * The shard channels of a slot this node's shard no longer serves: every subscriber is
     * unsubscribed from them and told so with an {@code sunsubscribe} message, as Redis's
     * removeChannelsInSlot does when a slot moves away.
     */
    public void dropShardChannelsInSlot(int slot) {
        if (shardChannels.isEmpty()) {
            return;
        }
        for (Name n : new ArrayList<>(shardChannels.keySet())) {
            if (dev.cinnabar.datatypes.HashSlot.of(n.bytes, 0, n.bytes.length) != slot) {
                continue;
            }
            for (Client c : new ArrayList<>(shardChannels.get(n).clients)) {
                Subscriptions s = c.subscriptions;
                if (s != null && s.shardChannels.remove(n)) {
                    remove(shardChannels, null, n, c);
                }
                ReplyWriter w = writer(c);
                w.push(3);
                w.bulk(SUNSUBSCRIBE);
                w.bulk(n.bytes);
                w.integer(shardCount(c));
            }
        }
    }

    /** PUNSUBSCRIBE of one pattern, with its confirmation. */
    public void unsubscribePattern(Client c, byte[] pattern) {
        Name n = new Name(pattern);
        Subscriptions s = c.subscriptions;
        if (s != null && s.patterns.remove(n)) {
            remove(patterns, patternList, n, c);
        }
        confirm(c, PUNSUBSCRIBE, pattern, count(c));
    }

    /**
     * UNSUBSCRIBE without arguments: every channel, one confirmation each, in the order they were
     * subscribed (Redis walks a hash table, so its order is arbitrary); a single confirmation
     * with a null channel when there were none.
     */
    public void unsubscribeAll(Client c) {
        Subscriptions s = c.subscriptions;
        if (s == null || s.channels.isEmpty()) {
            confirm(c, UNSUBSCRIBE, null, count(c));
        } else {
            for (Name n : new ArrayList<>(s.channels)) {
                unsubscribe(c, n.bytes);
            }
        }
    }

    /** SUNSUBSCRIBE without arguments. */
    public void unsubscribeAllShard(Client c) {
        Subscriptions s = c.subscriptions;
        if (s == null || s.shardChannels.isEmpty()) {
            confirm(c, SUNSUBSCRIBE, null, shardCount(c));
        } else {
            for (Name n : new ArrayList<>(s.shardChannels)) {
                unsubscribeShard(c, n.bytes);
            }
        }
    }

    /** PUNSUBSCRIBE without arguments: in subscription order, as Redis keeps patterns in a list. */
    public void unsubscribeAllPatterns(Client c) {
        Subscriptions s = c.subscriptions;
        if (s == null || s.patterns.isEmpty()) {
            confirm(c, PUNSUBSCRIBE, null, count(c));
        } else {
            for (Name n : new ArrayList<>(s.patterns)) {
                unsubscribePattern(c, n.bytes);
            }
        }
    }

    /**
     * Drops every subscription of {@code c} without a word to it (RESET, a client freed), and
     * takes it out of pub/sub mode.
     */
    public void forget(Client c) {
        Subscriptions s = c.subscriptions;
        if (s != null) {
            for (Name n : s.channels) {
                remove(channels, null, n, c);
            }
            for (Name n : s.shardChannels) {
                remove(shardChannels, null, n, c);
            }
            for (Name n : s.patterns) {
                remove(patterns, patternList, n, c);
            }
            c.subscriptions = null;
        }
        c.pubsub = false;
    }

    private static Subscriptions subs(Client c) {
        Subscriptions s = c.subscriptions;
        if (s == null) {
            s = new Subscriptions();
            c.subscriptions = s;
        }
        return s;
    }

    /**
     * After a (P|S)SUBSCRIBE or (P|S)UNSUBSCRIBE command, as Redis does at the end of each:
     * the client is in pub/sub mode (flag {@code P}, the RESP2 subscribed context, the
     * {@code pubsub} output-buffer class) while it has any subscription of any kind.
     */
    public static void settle(Client c) {
        Subscriptions s = c.subscriptions;
        if (s != null && s.count() + s.shardChannels.size() > 0) {
            c.pubsub = true;
            return;
        }
        c.subscriptions = null;
        c.pubsub = false;
    }

    private static void add(HashMap<Name, Subscribers> map, ArrayList<Subscribers> list, Name n, Client c) {
        Subscribers s = map.get(n);
        if (s == null) {
            s = new Subscribers(n);
            map.put(n, s);
            if (list != null) {
                list.add(s);
            }
        }
        s.clients.add(c);
    }

    private static void remove(HashMap<Name, Subscribers> map, ArrayList<Subscribers> list, Name n, Client c) {
        Subscribers s = map.get(n);
        if (s == null) {
            return;
        }
        s.clients.remove(c);
        if (s.clients.isEmpty()) {
            map.remove(n);
            if (list != null) {
                list.remove(s);
            }
        }
    }

    private void confirm(Client c, byte[] kind, byte[] name, int count) {
        ReplyWriter w = c.reply;
        int start = w.buffer() == null ? -1 : w.buffer().writerIndex();
        w.push(3);
        w.bulk(kind);
        if (name == null) {
            w.nullBulk();
        } else {
            w.bulk(name);
        }
        w.integer(count);
        if (c.repliesSuppressed() && start >= 0) {
            c.pushWritten(start, w.buffer().writerIndex());
        }
    }

    // ------------------------------------------------------------------ inspection

    /** Channels and patterns {@code c} subscribes to (CLIENT LIST's sub plus psub). */
    public static int count(Client c) {
        Subscriptions s = c.subscriptions;
        return s == null ? 0 : s.count();
    }

    /** CLIENT LIST's {@code sub}. */
    public static int channelCount(Client c) {
        Subscriptions s = c.subscriptions;
        return s == null ? 0 : s.channels.size();
    }

    /** CLIENT LIST's {@code psub}. */
    public static int patternCount(Client c) {
        Subscriptions s = c.subscriptions;
        return s == null ? 0 : s.patterns.size();
    }

    /** CLIENT LIST's {@code ssub}. */
    public static int shardCount(Client c) {
        Subscriptions s = c.subscriptions;
        return s == null ? 0 : s.shardChannels.size();
    }

    /**
     * What Redis's CLIENT LIST adds to {@code tot-mem} for a client's subscriptions
     * (pubsubMemOverhead): a list node per pattern, a table entry per channel and shard channel,
     * and a pointer per bucket of the two tables (as large as they ever grew; the growth of an
     * incremental rehash in progress is not counted).
     */
    public static long memoryOverhead(Client c) {
        long entry = 24;
        long mem = 8L * (c.channelBuckets + c.shardBuckets);
        Subscriptions s = c.subscriptions;
        if (s != null) {
            mem += entry * (s.patterns.size() + s.channels.size() + s.shardChannels.size());
        }
        return mem;
    }

    /** Buckets of a Redis dict after growing to {@code n} entries: 4 at first, doubling when full. */
    private static int buckets(int n) {
        return n <= 4 ? 4 : Integer.highestOneBit(n - 1) << 1;
    }

    /** INFO's {@code pubsub_channels}. */
    public int channels() {
        return channels.size();
    }

    /** INFO's {@code pubsub_patterns}, PUBSUB NUMPAT. */
    public int patterns() {
        return patterns.size();
    }

    /** INFO's {@code pubsubshard_channels}. */
    public int shardChannels() {
        return shardChannels.size();
    }

    /** PUBSUB NUMSUB: the direct subscribers of a channel. */
    public int subscribers(byte[] channel) {
        Subscribers s = lookup(channels, channel);
        return s == null ? 0 : s.clients.size();
    }

    /** PUBSUB SHARDNUMSUB. */
    public int shardSubscribers(byte[] channel) {
        Subscribers s = lookup(shardChannels, channel);
        return s == null ? 0 : s.clients.size();
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: the names with subscribers, matching {@code pattern} (null: all). */
    public List<byte[]> channelNames(boolean shard, byte[] pattern) {
        ArrayList<byte[]> out = new ArrayList<>();
        for (Name n : (shard ? shardChannels : channels).keySet()) {
            if (pattern == null || Glob.matches(pattern, n.bytes)) {
                out.add(n.bytes);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the parts

    /** One client's subscriptions. */
    /**
     * A client's subscriptions of one kind, in order: patterns when {@code patterns}, else
     * channels (shard channels too when {@code shard}).
     */
    public static List<byte[]> subscribed(Client c, boolean patterns, boolean shard) {
        List<byte[]> out = new ArrayList<>();
        Subscriptions s = c.subscriptions;
        if (s != null) {
            for (Name n : patterns ? s.patterns : shard ? s.shardChannels : s.channels) {
                out.add(n.bytes);
            }
        }
        return out;
    }

    static final class Subscriptions {
        final LinkedHashSet<Name> channels = new LinkedHashSet<>();
        final LinkedHashSet<Name> shardChannels = new LinkedHashSet<>();
        /** A list, as in Redis 7.0: PUNSUBSCRIBE without arguments goes in subscription order. */
        final ArrayList<Name> patterns = new ArrayList<>();

        int count() {
            return channels.size() + patterns.size();
        }
    }

    /** The subscribers of one name, in the order they subscribed. */
    private static final class Subscribers {
        final Name name;
        final ArrayList<Client> clients = new ArrayList<>(2);

        Subscribers(Name name) {
            this.name = name;
        }
    }

    /** A channel or pattern name as a map key: the bytes compared by content. */
    static final class Name {
        byte[] bytes;
        private int hash;

        Name() {
        }

        Name(byte[] bytes) {
            set(bytes);
        }

        void set(byte[] b) {
            bytes = b;
            hash = Arrays.hashCode(b);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Name && Arrays.equals(bytes, ((Name) o).bytes);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
