package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.KeyResult;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.KeyspaceObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Server-assisted client-side caching, as Redis 7.0's tracking.c keeps it.
 *
 * <p><b>Default mode.</b> After a read-only command of a tracking client, the keys it read go into
 * one table, key name to the ids of the clients that may cache it. Key names are not per
 * database: a change in any database invalidates the name. A change to a key sends each client
 * in its row one invalidation and drops the row: the client must read the key again to hear of
 * the next change. The table is bounded by {@code tracking-table-max-keys}: past it, random rows
 * are invalidated as if their keys had changed.
 *
 * <p><b>BCAST mode.</b> Nothing is remembered per client: a client registers prefixes, every key
 * changed under a prefix is collected during the event-loop turn, and before the server sleeps
 * each prefix's clients get one message with all of them, in key order.
 *
 * <p>Messages are RESP3 pushes ({@code invalidate}) to the client or to the client its
 * messages are redirected to; a RESP2 redirect target gets them as pub/sub messages on
 * {@code __redis__:invalidate}, and a RESP2 client that does not redirect gets nothing. A flush
 * sends a null, meaning every key. Invalidations the running command causes for its own client
 * wait until its reply is written.
 *
 * <p>Clients are remembered by id, and rows of clients that went away are dropped lazily, when
 * the key changes, as Redis does: freeing a client never walks the table.
 */
public final class Tracking implements KeyspaceObserver {
    /** Tracking is on (flag {@code t}). */
    public static final int ON = 1;
    /** Broadcast mode (flag {@code B}). */
    public static final int BCAST = 1 << 1;
    public static final int OPTIN = 1 << 2;
    public static final int OPTOUT = 1 << 3;
    /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) for the next command. */
    public static final int CACHING = 1 << 4;
    public static final int NOLOOP = 1 << 5;
    /** The client it redirects to has gone (flag {@code R}). */
    public static final int BROKEN_REDIRECT = 1 << 6;

    private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REDIRECT_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    /** A pending invalidation of every key (a flush), in {@link #pending}. */
    private static final byte[] ALL_KEYS = new byte[0];
    /** Rows evicted per call over the limit, times the calls in a row that stayed over it. */
    private static final int EFFORT = 100;

    /** Key name to the clients that may cache it; null until a client first turns tracking on. */
    private Dict<Ids> table;
    /** Client ids over all rows: INFO's {@code tracking_total_items}. */
    private long items;
    /** BCAST prefixes in byte order (the order messages go out in), each with its clients. */
    private final TreeMap<byte[], Prefix> prefixes = new TreeMap<>(Arrays::compareUnsigned);
    /** Clients with tracking on: INFO's {@code tracking_clients}. */
    private int clients;
    private final ClientRegistry registry;
    private ServerControl control;
    /** The client whose command is running at the top level, null between commands. */
    private Client current;
    /** Invalidations for {@link #current}, sent once its command has replied. */
    private final ArrayList<byte[]> pending = new ArrayList<>();
    /** Calls of {@link #limitTable} in a row that found the table still over its limit. */
    private int overLimitRuns;
    private final SplittableRandom random = new SplittableRandom();
    private final KeyResult keys = new KeyResult();

    /** The ids of the clients that may cache one key, a small sorted set. */
    static final class Ids {
        long[] ids = new long[2];
        int size;

        /** Adds the id; false when it was there. */
        boolean add(long id) {
            int at = Arrays.binarySearch(ids, 0, size, id);
            if (at >= 0) {
                return false;
            }
            at = -at - 1;
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            System.arraycopy(ids, at, ids, at + 1, size - at);
            ids[at] = id;
            size++;
            return true;
        }
    }

    /** One BCAST prefix: its clients, and the keys under it changed during this loop turn. */
    static final class Prefix {
        /** In registration order. */
        final ArrayList<Client> clients = new ArrayList<>();
        /** Changed key to the client that changed it last (NOLOOP leaves a client's own out). */
        final TreeMap<byte[], Client> changed = new TreeMap<>(Arrays::compareUnsigned);
    }

    Tracking(ClientRegistry registry) {
        this.registry = registry;
    }

    void control(ServerControl control) {
        this.control = control;
    }

    // ------------------------------------------------------------------ turning it on and off

    /**
     * CLIENT TRACKING ON with its options (checked by the caller): {@code redirect} is an id or
     * 0; {@code options} any of {@link #BCAST}, {@link #OPTIN}, {@link #OPTOUT},
     * {@link #NOLOOP}. Turning it on again changes the options; BCAST prefixes add up.
     */
    public void enable(Client c, long redirect, int options, byte[][] newPrefixes) {
        if ((c.tracking & ON) == 0) {
            clients++;
        }
        c.tracking = (c.tracking | ON) & ~(BROKEN_REDIRECT | BCAST | OPTIN | OPTOUT | NOLOOP);
        c.trackingRedirect = redirect;
        if (table == null) {
            table = new Dict<>();
        }
        if ((options & BCAST) != 0) {
            c.tracking |= BCAST;
            if (newPrefixes.length == 0) {
                addPrefix(c, new byte[0]);
            }
            for (byte[] p : newPrefixes) {
                addPrefix(c, p);
            }
        }
        c.tracking |= options & (OPTIN | OPTOUT | NOLOOP);
    }

    private void addPrefix(Client c, byte[] prefix) {
        Prefix p = prefixes.computeIfAbsent(prefix, k -> new Prefix());
        if (!p.clients.contains(c)) {
            p.clients.add(c);
            if (c.trackingPrefixes == null) {
                c.trackingPrefixes = new TreeSet<>(Arrays::compareUnsigned);
            }
            if (!c.trackingPrefixes.contains(prefix)) {
                c.trackingPrefixNodes += PrefixTreeSize.added(c.trackingPrefixes, prefix);
                c.trackingPrefixes.add(prefix);
            }
        }
    }

    /** CLIENT TRACKING OFF, RESET, and a client freed. Its rows in the table go lazily. */
    public void disable(Client c) {
        if ((c.tracking & BCAST) != 0 && c.trackingPrefixes != null) {
            for (byte[] name : c.trackingPrefixes) {
                Prefix p = prefixes.get(name);
                p.clients.remove(c);
                if (p.clients.isEmpty()) {
                    prefixes.remove(name);
                }
            }
            c.trackingPrefixes = null;
            c.trackingPrefixNodes = 0;
        }
        if ((c.tracking & ON) != 0) {
            clients--;
            c.tracking = 0;
        }
    }

    /**
     * The prefix among {@code given} that overlaps one the client has or another one given
     * (one is a prefix of the other, so both would report the same keys), as Redis's error
     * text names it; null when none does.
     */
    public String prefixOverlap(Client c, byte[][] given) {
        for (int i = 0; i < given.length; i++) {
            if (c.trackingPrefixes != null) {
                for (byte[] have : c.trackingPrefixes) {
                    if (overlap(have, given[i])) {
                        return "ERR Prefix '" + text(given[i]) + "' overlaps with an existing prefix '" + text(have)
                                + "'. Prefixes for a single client must not overlap.";
                    }
                }
            }
            for (int j = i + 1; j < given.length; j++) {
                if (overlap(given[i], given[j])) {
                    return "ERR Prefix '" + text(given[i]) + "' overlaps with another provided prefix '"
                            + text(given[j]) + "'. Prefixes for a single client must not overlap.";
                }
            }
        }
        return null;
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** The bytes as C's %s prints them: up to the first zero byte. */
    private static String text(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ reads

    /**
     * A read-only command of a tracking client (not in BCAST mode) ended: the keys it named go
     * into the table, unless OPTIN without CACHING YES or OPTOUT with CACHING NO. Keys are
     * remembered whether the command found them or not, even when it failed.
     */
    public void rememberKeys(Client c, CommandSpec cmd, Argv argv) {
        boolean caching = (c.tracking & CACHING) != 0;
        if (((c.tracking & OPTIN) != 0 && !caching) || ((c.tracking & OPTOUT) != 0 && caching)) {
            return;
        }
        // Shard channels are keys to COMMAND, not cached values.
        if (cmd.has(CommandFlags.PUBSUB)) {
            return;
        }
        int n = CommandKeys.find(cmd, argv, 0, argv.count(), keys);
        for (int i = 0; i < n; i++) {
            int at = keys.position(i);
            Dict.Entry<Ids> row = table.findOrCreate(argv.array(at), argv.offset(at), argv.length(at));
            Ids ids = row.value();
            if (ids == null) {
                ids = new Ids();
                row.value(ids);
            }
            if (ids.add(c.id)) {
                items++;
            }
        }
    }

    // ------------------------------------------------------------------ changes

    @Override
    public void keyModified(Object client, Db db, byte[] key, int off, int len) {
        if (table != null) {
            invalidate((Client) client, key, off, len, true);
        }
    }

    /**
     * Tells the clients in the key's row that it changed and drops the row. {@code bcast}: the
     * key really changed, so BCAST prefixes collect it too (an eviction from the table does not).
     */
    private void invalidate(Client changedBy, byte[] key, int off, int len, boolean bcast) {
        if (bcast && !prefixes.isEmpty()) {
            collectForBroadcast(changedBy, key, off, len);
        }
        Dict.Entry<Ids> row = table.find(key, off, len);
        if (row == null) {
            return;
        }
        Ids ids = row.value();
        for (int i = 0; i < ids.size; i++) {
            Client target = registry.get(ids.ids[i]);
            if (target == null || (target.tracking & ON) == 0 || (target.tracking & BCAST) != 0) {
                continue;
            }
            if ((target.tracking & NOLOOP) != 0 && target == current) {
                continue;
            }
            if (target == current) {
                // After its own reply, not in the middle of it.
                pending.add(Arrays.copyOfRange(key, off, off + len));
            } else {
                sendKey(target, key, off, len);
            }
        }
        items -= ids.size;
        table.remove(key, off, len);
    }

    private void collectForBroadcast(Client changedBy, byte[] key, int off, int len) {
        byte[] name = null;
        for (Map.Entry<byte[], Prefix> e : prefixes.entrySet()) {
            byte[] p = e.getKey();
            if (p.length > len || !Arrays.equals(p, 0, p.length, key, off, off + p.length)) {
                continue;
            }
            if (name == null) {
                name = Arrays.copyOfRange(key, off, off + len);
            }
            e.getValue().changed.put(name, changedBy);
        }
    }

    /**
     * FLUSHDB and FLUSHALL: every tracking client is told that all its keys are invalid (a
     * null), and the table is emptied.
     */
    public void invalidateAll() {
        if (clients > 0) {
            for (Client c : registry.all()) {
                if ((c.tracking & ON) == 0) {
                    continue;
                }
                if (c == current) {
                    pending.add(ALL_KEYS);
                } else {
                    sendAll(c);
                }
            }
        }
        if (table != null) {
            table = new Dict<>();
            items = 0;
        }
    }

    // ------------------------------------------------------------------ the running command

    /** A client's command starts at the top level (not one EXEC or a script runs). */
    public void commandStarts(Client c) {
        current = c;
    }

    /**
     * The top-level command ended and has replied: the invalidations it caused for its own
     * client are sent now.
     */
    public void commandEnds() {
        Client c = current;
        current = null;
        if (pending.isEmpty()) {
            return;
        }
        for (byte[] key : pending) {
            if (c.isClosed()) {
                break;
            }
            if (key == ALL_KEYS) {
                sendAll(c);
            } else {
                sendKey(c, key, 0, key.length);
            }
        }
        pending.clear();
    }

    // ------------------------------------------------------------------ limits and broadcast

    /** True once any client has turned tracking on and is still tracking. */
    public boolean active() {
        return clients > 0;
    }

    /**
     * Keeps the table within {@code tracking-table-max-keys} (0: no limit) by invalidating
     * random rows, trying harder each time it is found still over the limit, as Redis does
     * before each command and in the cron.
     */
    public void limitTable(long maxKeys) {
        if (table == null || maxKeys == 0) {
            return;
        }
        if (table.size() <= maxKeys) {
            overLimitRuns = 0;
            return;
        }
        int effort = EFFORT * (overLimitRuns + 1);
        while (effort-- > 0) {
            Dict.Entry<Ids> row = table.randomEntry(random);
            if (row == null) {
                break;
            }
            byte[] key = row.key();
            invalidate(null, key, 0, key.length, false);
            if (table.size() <= maxKeys) {
                overLimitRuns = 0;
                return;
            }
        }
        overLimitRuns++;
    }

    /**
     * Before the server sleeps: each BCAST prefix's clients get the keys changed under it since
     * the last time, in key order, less for a NOLOOP client those it changed itself.
     */
    public void broadcast() {
        if (clients == 0 || prefixes.isEmpty()) {
            return;
        }
        for (Prefix p : prefixes.values()) {
            if (p.changed.isEmpty()) {
                continue;
            }
            for (Client c : p.clients) {
                int count = p.changed.size();
                boolean noLoop = (c.tracking & NOLOOP) != 0;
                if (noLoop) {
                    count = 0;
                    for (Client by : p.changed.values()) {
                        if (by != c) {
                            count++;
                        }
                    }
                    if (count == 0) {
                        continue;
                    }
                }
                ReplyWriter w = header(c);
                if (w == null) {
                    continue;
                }
                w.array(count);
                for (Map.Entry<byte[], Client> e : p.changed.entrySet()) {
                    if (!noLoop || e.getValue() != c) {
                        w.bulk(e.getKey());
                    }
                }
                done(w);
            }
            p.changed.clear();
        }
    }

    /** The client went away: it is no longer current nor among the BCAST clients. */
    void forget(Client c) {
        if (c == current) {
            pending.clear();
        }
        if (c.tracking != 0) {
            disable(c);
        }
    }

    // ------------------------------------------------------------------ messages

    private void sendKey(Client c, byte[] key, int off, int len) {
        ReplyWriter w = header(c);
        if (w != null) {
            w.array(1);
            w.bulk(key, off, len);
            done(w);
        }
    }

    /** A null for "every key", in the tracking client's protocol whoever receives it, as Redis. */
    private void sendAll(Client c) {
        byte[] nul = c.protocol() >= 3 ? NULL3 : NULL2;
        ReplyWriter w = header(c);
        if (w != null) {
            w.raw(nul);
            done(w);
        }
    }

    /** The receiving client of the frame being written, for {@link #done}. */
    private Client receiver;
    private int frameStart;

    /**
     * Writes the start of an invalidation message for tracking client {@code c} to whoever
     * receives it, and returns the writer for the keys; null when nobody can receive it (a
     * RESP2 client that does not redirect, a redirect target that is not subscribed, or one
     * that has gone, which is flagged and, in RESP3, reported to the client).
     */
    private ReplyWriter header(Client c) {
        Client to = c;
        boolean redirected = false;
        if (c.trackingRedirect != 0) {
            to = registry.get(c.trackingRedirect);
            if (to == null) {
                c.tracking |= BROKEN_REDIRECT;
                if (c.protocol() >= 3) {
                    ReplyWriter w = begin(c);
                    w.push(2);
                    w.bulk(REDIRECT_BROKEN);
                    w.integer(c.trackingRedirect);
                    done(w);
                }
                return null;
            }
            redirected = true;
        }
        if (to.isClosing()) {
            return null;
        }
        if (to.protocol() >= 3) {
            ReplyWriter w = begin(to);
            w.push(2);
            w.bulk(INVALIDATE);
            return w;
        }
        if (redirected && to.pubsub) {
            ReplyWriter w = begin(to);
            w.array(3);
            w.bulk(MESSAGE);
            w.bulk(CHANNEL);
            return w;
        }
        return null;
    }

    private ReplyWriter begin(Client to) {
        ReplyWriter w = control == null ? to.reply : control.output(to);
        receiver = to;
        frameStart = w.buffer() == null ? -1 : w.buffer().writerIndex();
        return w;
    }

    /** A frame is complete: a client whose replies are silenced still gets it, as a push. */
    private void done(ReplyWriter w) {
        if (receiver.repliesSuppressed() && frameStart >= 0) {
            receiver.pushWritten(frameStart, w.buffer().writerIndex());
        }
        if (control != null && control.measuresPushes()) {
            control.pushed(receiver);
        }
        receiver = null;
    }

    // ------------------------------------------------------------------ INFO

    /** INFO {@code tracking_clients}. */
    public int clients() {
        return clients;
    }

    /** INFO {@code tracking_total_keys}: rows in the table. */
    public long keys() {
        return table == null ? 0 : table.size();
    }

    /** INFO {@code tracking_total_items}: client ids over all rows. */
    public long items() {
        return items;
    }

    /** INFO {@code tracking_total_prefixes}. */
    public int prefixCount() {
        return prefixes.size();
    }

    /** The client's BCAST prefixes in byte order, for CLIENT TRACKINGINFO. */
    public static Iterator<byte[]> prefixesOf(Client c) {
        return c.trackingPrefixes == null ? java.util.Collections.emptyIterator() : c.trackingPrefixes.iterator();
    }

    /** Number of the client's BCAST prefixes. */
    public static int prefixCountOf(Client c) {
        return c.trackingPrefixes == null ? 0 : c.trackingPrefixes.size();
    }
}
