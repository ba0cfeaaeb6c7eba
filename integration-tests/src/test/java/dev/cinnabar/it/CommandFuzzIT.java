package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.CommandFuzzer;
import dev.cinnabar.it.support.CommandFuzzer.Command;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random commands of every data type ({@link CommandFuzzer}) sent to a real redis-server and to
 * Cinnabar in the same order, each reply compared with Redis's, and after each round the whole
 * dataset: every key's type, encoding, contents and, where Redis's own order is not left to its
 * hash tables, its DUMP payload byte for byte; and every keyspace event either sent, in order
 * ({@code notify-keyspace-events KEA}, read by a subscriber on each server), and every
 * invalidation a client with broadcast tracking got. Rounds start from empty servers with encoding
 * thresholds drawn for the round (so that small limits make values change encoding often), half
 * of them in RESP3.
 *
 * <p>A mismatch ends its round (the datasets may differ from there on) and the test goes on
 * with the next one; every mismatch is reported with the commands that led to it. Reproduce
 * with {@code -Dfuzz.seed=<seed>}; {@code -Dfuzz.rounds} and {@code -Dfuzz.commands} make longer
 * runs.
 */
class CommandFuzzIT {
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 40);
    private static final int COMMANDS = Integer.getInteger("fuzz.commands", 1500);
    /** Commands between two comparisons of the whole dataset (1 to find where a round went wrong). */
    private static final int CHECK_EVERY = Integer.getInteger("fuzz.check", 200);
    /** Only this round, when set. */
    private static final int ONLY_ROUND = Integer.getInteger("fuzz.round", -1);
    private static final int HISTORY = 25;

    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    /** Encoding settings drawn per round: Redis's default first, then small ones. */
    private static final String[][] CONFIGS = {
            {"hash-max-listpack-entries", "128", "4", "1"},
            {"hash-max-listpack-value", "64", "8"},
            {"set-max-intset-entries", "512", "4"},
            {"zset-max-listpack-entries", "128", "4", "1"},
            {"zset-max-listpack-value", "64", "8"},
            {"list-max-listpack-size", "-2", "4", "1", "-1"},
            {"list-compress-depth", "0", "0", "1"},
            {"stream-node-max-entries", "100", "3"},
            {"stream-node-max-bytes", "4096", "64"},
    };

    @Test
    void randomCommandsGetRedissRepliesAndLeaveRedissData() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        String run = "command fuzz seed=" + seed + " (rerun with -Dfuzz.seed=" + seed + ")";
        System.out.println(run);
        List<String> failures = new ArrayList<>();
        int commands = 0;
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cinnabar = new RawConnection(SERVERS.cinnabar().port());
                RawConnection redisEvents = subscriber(SERVERS.redis().port());
                RawConnection cinnabarEvents = subscriber(SERVERS.cinnabar().port());
                RawConnection redisTracking = broadcastTracking(SERVERS.redis().port());
                RawConnection cinnabarTracking = broadcastTracking(SERVERS.cinnabar().port())) {
            for (int round = 0; round < ROUNDS; round++) {
                if (ONLY_ROUND >= 0 && round != ONLY_ROUND) {
                    continue;
                }
                Random random = new Random(seed * 1_000_003L + round);
                List<String> setup = setUp(random, redis, cinnabar);
                // What a failed round left unread
                eventsUntil(redis, List.of(redisEvents, redisTracking), "start " + round);
                eventsUntil(cinnabar, List.of(cinnabarEvents, cinnabarTracking), "start " + round);
                CommandFuzzer fuzzer = new CommandFuzzer(random);
                Deque<String> history = new ArrayDeque<>();
                String failure = null;
                for (int i = 0; i < COMMANDS && failure == null; i++) {
                    if (random.nextInt(40) == 0) {
                        failure = transaction(fuzzer, random, redis, cinnabar, history);
                        commands++;
                        continue;
                    }
                    Command c = fuzzer.next();
                    if (ONLY_ROUND >= 0) {
                        System.out.println("fuzz> " + c);
                    }
                    String expected = redis.call(c.args());
                    String actual = cinnabar.call(c.args());
                    commands++;
                    if (!same(c.compare(), expected, actual)) {
                        failure = "command " + i + ": " + c + "\n  redis:    " + show(expected) + "\n  cinnabar: " + show(actual);
                    }
                    history.addLast(c + "  -> " + show(expected));
                    if (history.size() > HISTORY) {
                        history.removeFirst();
                    }
                    if (failure == null && (i + 1) % CHECK_EVERY == 0) {
                        String differs = compareEvents(redis, List.of(redisEvents, redisTracking), cinnabar,
                                List.of(cinnabarEvents, cinnabarTracking), round + "." + i);
                        if (differs == null) {
                            differs = compareDatasets(redis, cinnabar);
                        }
                        if (differs != null) {
                            failure = "after command " + i + ", " + differs;
                            history.addLast("(and nothing after)");
                        }
                    }
                }
                if (failure == null) {
                    failure = compareEvents(redis, List.of(redisEvents, redisTracking), cinnabar,
                            List.of(cinnabarEvents, cinnabarTracking), round + ".end");
                }
                if (failure == null) {
                    failure = compareDatasets(redis, cinnabar);
                }
                if (failure != null) {
                    history.pollLast();
                    failures.add("round " + round + " " + setup + ", " + failure + "\n  after:\n    "
                            + String.join("\n    ", history));
                }
            }
        }
        System.out.println(run + ": " + commands + " commands in " + ROUNDS + " rounds, " + failures.size()
                + " rounds failed; " + keyspaceEvents + " keyspace events and " + invalidations + " invalidations compared");
        assertTrue(failures.isEmpty(), run + "\n" + String.join("\n\n", failures));
        assertTrue(keyspaceEvents > commands / 4 && invalidations > commands / 20, run + ": too few events to compare");
    }

    /**
     * MULTI, a few commands and EXEC (or DISCARD): each reply compared, EXEC's byte for byte
     * when every command in it compares so, else by its shape. Null when they agree.
     */
    private static String transaction(CommandFuzzer fuzzer, Random random, RawConnection redis, RawConnection cinnabar,
            Deque<String> history) throws IOException {
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"MULTI"});
        boolean exact = true;
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            Command c = fuzzer.queued();
            exact &= c.compare() == CommandFuzzer.Compare.EXACT;
            steps.add(c.args());
        }
        steps.add(new String[] {random.nextInt(8) == 0 ? "DISCARD" : "EXEC"});
        for (String[] step : steps) {
            String expected = redis.call(step);
            String actual = cinnabar.call(step);
            String shown = String.join(" ", step);
            history.addLast(shown + "  -> " + show(expected));
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            boolean last = step == steps.get(steps.size() - 1);
            boolean same = expected.equals(actual)
                    || (last && !exact && same(CommandFuzzer.Compare.SHAPE, expected, actual));
            if (!same) {
                return "transaction step: " + shown + "\n  redis:    " + show(expected) + "\n  cinnabar: " + show(actual);
            }
        }
        return null;
    }

    private static final String MARKER = "fuzz:marker";
    /** What Redis sent the listeners in all: both must be many for the comparison to mean anything. */
    private static long keyspaceEvents;
    private static long invalidations;

    /** A connection that receives every keyspace event (notify-keyspace-events KEA) and the marker channel. */
    private static RawConnection subscriber(int port) throws IOException {
        RawConnection c = new RawConnection(port);
        c.call("PSUBSCRIBE", "__key*__:*");
        c.call("SUBSCRIBE", MARKER);
        return c;
    }

    /**
     * A RESP3 connection with broadcast tracking on (CLIENT TRACKING ON BCAST): an invalidation
     * for every key written, sent once per event loop turn. It takes the marker too.
     */
    private static RawConnection broadcastTracking(int port) throws IOException {
        RawConnection c = new RawConnection(port);
        c.call("HELLO", "3");
        c.call("CLIENT", "TRACKING", "ON", "BCAST");
        c.call("SUBSCRIBE", MARKER);
        return c;
    }

    /**
     * What each of {@code listeners} received until the marker {@code id}, which this publishes
     * now: keyspace events from the subscriber, invalidations from the tracking connection.
     */
    private static List<String> eventsUntil(RawConnection command, List<RawConnection> listeners, String id)
            throws IOException {
        command.call("PUBLISH", MARKER, id);
        String marker = "3\r\n$7\r\nmessage\r\n$" + MARKER.length() + "\r\n" + MARKER + "\r\n$" + id.length()
                + "\r\n" + id + "\r\n";
        List<String> got = new ArrayList<>();
        for (RawConnection listener : listeners) {
            for (String m = listener.readReply(); !m.substring(1).equals(marker); m = listener.readReply()) {
                got.add(m);
            }
        }
        return got;
    }

    /** Both servers' keyspace events and invalidations since the last marker, in order: null when the same. */
    private static String compareEvents(RawConnection redis, List<RawConnection> redisListeners, RawConnection cinnabar,
            List<RawConnection> cinnabarListeners, String id) throws IOException {
        List<String> expected = eventsUntil(redis, redisListeners, id);
        List<String> actual = eventsUntil(cinnabar, cinnabarListeners, id);
        for (String m : expected) {
            if (m.startsWith(">2\r\n$10\r\ninvalidate")) {
                invalidations++;
            } else {
                keyspaceEvents++;
            }
        }
        if (expected.equals(actual)) {
            return null;
        }
        int at = 0;
        while (at < expected.size() && at < actual.size() && expected.get(at).equals(actual.get(at))) {
            at++;
        }
        List<String> e = expected.subList(Math.max(0, at - 2), Math.min(expected.size(), at + 4));
        List<String> a = actual.subList(Math.max(0, at - 2), Math.min(actual.size(), at + 4));
        return "keyspace events or invalidations differ at message " + at + " of " + expected.size() + " (Cinnabar " + actual.size()
                + ")\n  redis:    " + show(String.join(" ", e)) + "\n  cinnabar: " + show(String.join(" ", a));
    }

    /** Empties both servers and draws the round's settings and protocol. */
    private static List<String> setUp(Random random, RawConnection redis, RawConnection cinnabar) throws IOException {
        List<String> setup = new ArrayList<>();
        boolean resp3 = random.nextBoolean();
        for (RawConnection c : List.of(redis, cinnabar)) {
            c.call("HELLO", resp3 ? "3" : "2");
            c.call("FLUSHALL");
        }
        setup.add(resp3 ? "RESP3" : "RESP2");
        for (RawConnection c : List.of(redis, cinnabar)) {
            c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            // A key set to expire in the past (SET ... EXAT 1) then goes when a command finds it,
            // the same on both, and not when each server's expiry cycle happens to sample it.
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
        for (String[] option : CONFIGS) {
            String value = random.nextInt(3) == 0 ? option[2 + random.nextInt(option.length - 2)] : option[1];
            for (RawConnection c : List.of(redis, cinnabar)) {
                c.call("CONFIG", "SET", option[0], value);
            }
            if (!value.equals(option[1])) {
                setup.add(option[0] + " " + value);
            }
        }
        return setup;
    }

    private static boolean same(CommandFuzzer.Compare how, String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        switch (how) {
            case UNORDERED:
                return sameElements(expected, actual, 1);
            case UNORDERED_PAIRS:
                return sameElements(expected, actual, 2);
            case SHAPE: {
                List<String> e = Replies.elements(expected);
                List<String> a = Replies.elements(actual);
                return Replies.shape(expected).equals(Replies.shape(actual)) && (e == null) == (a == null)
                        && (e == null || e.size() == a.size());
            }
            case TTL:
                return expected.startsWith(":") && actual.startsWith(":") && !expected.startsWith(":-")
                        && !actual.startsWith(":-");
            case SCAN: {
                List<String> e = Replies.elements(expected);
                List<String> a = Replies.elements(actual);
                if (e == null || a == null || e.size() != 2 || a.size() != 2) {
                    return false;
                }
                boolean bothDone = e.get(0).equals("$1\r\n0\r\n") && a.get(0).equals("$1\r\n0\r\n");
                return !bothDone || sameElements(e.get(1), a.get(1), 1);
            }
            case ERRORS:
                return expected.startsWith("-") ? expected.equals(actual) : !actual.startsWith("-");
            case SORT_NUMERIC:
                return expected.equals("-ERR One or more scores can't be converted into double\r\n") && !actual.startsWith("-");
            default:
                return false;
        }
    }

    /** The same top-level elements, taken {@code group} at a time, in any order. */
    private static boolean sameElements(String expected, String actual, int group) {
        if (!Replies.shape(expected).equals(Replies.shape(actual))) {
            return false;
        }
        List<String> e = Replies.elements(expected);
        List<String> a = Replies.elements(actual);
        if (e == null || a == null) {
            return false;
        }
        return grouped(e, group).equals(grouped(a, group));
    }

    private static List<String> grouped(List<String> elements, int group) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + group <= elements.size(); i += group) {
            out.add(String.join("", elements.subList(i, i + group)));
        }
        Collections.sort(out);
        return out;
    }

    /**
     * Every key of both servers: the same names, types, encodings and contents, and the same
     * DUMP payload where the value's order is not a hash table's. Null when they agree.
     */
    private static String compareDatasets(RawConnection redis, RawConnection cinnabar) throws IOException {
        String differs = compareDatabase(redis, cinnabar);
        if (differs == null) {
            // MOVE, COPY ... DB and SWAPDB reach database 1.
            redis.call("SELECT", "1");
            cinnabar.call("SELECT", "1");
            differs = compareDatabase(redis, cinnabar);
            redis.call("SELECT", "0");
            cinnabar.call("SELECT", "0");
            if (differs != null) {
                differs = "database 1: " + differs;
            }
        }
        return differs;
    }

    private static String compareDatabase(RawConnection redis, RawConnection cinnabar) throws IOException {
        List<String> keys = Replies.elements(redis.call("KEYS", "*"));
        List<String> theirKeys = Replies.elements(cinnabar.call("KEYS", "*"));
        Collections.sort(keys);
        Collections.sort(theirKeys);
        if (!keys.equals(theirKeys)) {
            return "dataset: keys " + show(String.join("", keys)) + " against " + show(String.join("", theirKeys));
        }
        for (String bulk : keys) {
            String key = bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
            String type = redis.call("TYPE", key);
            String encoding = redis.call("OBJECT", "ENCODING", key);
            List<String[]> checks = new ArrayList<>();
            checks.add(new String[] {"TYPE", key});
            checks.add(new String[] {"OBJECT", "ENCODING", key});
            // A hash table's order is its own; a consumer group's entries carry delivery times.
            boolean ordered = !encoding.contains("hashtable")
                    && !(type.startsWith("+stream") && !redis.call("XINFO", "GROUPS", key).startsWith("*0"));
            switch (type.substring(1).trim()) {
                case "string": checks.add(new String[] {"GET", key}); break;
                case "list": checks.add(new String[] {"LRANGE", key, "0", "-1"}); break;
                case "zset": checks.add(new String[] {"ZRANGE", key, "0", "-1", "WITHSCORES"}); break;
                case "stream":
                    checks.add(new String[] {"XRANGE", key, "-", "+"});
                    checks.add(new String[] {"XINFO", "STREAM", key});
                    checks.add(new String[] {"XINFO", "GROUPS", key});
                    break;
                default: break;
            }
            if (ordered) {
                checks.add(new String[] {"DUMP", key});
            }
            for (String[] check : checks) {
                String expected = redis.call(check);
                String actual = cinnabar.call(check);
                if (!expected.equals(actual)) {
                    return "dataset: " + String.join(" ", check) + "\n  redis:    " + show(expected) + "\n  cinnabar: "
                            + show(actual);
                }
            }
            String[] unordered = switch (type.substring(1).trim()) {
                case "hash" -> new String[] {"HGETALL", key};
                case "set" -> new String[] {"SMEMBERS", key};
                default -> null;
            };
            if (unordered != null && !same(unordered[0].equals("HGETALL") ? CommandFuzzer.Compare.UNORDERED_PAIRS
                    : CommandFuzzer.Compare.UNORDERED, redis.call(unordered), cinnabar.call(unordered))) {
                return "dataset: " + String.join(" ", unordered) + " differs";
            }
        }
        return null;
    }

    private static String show(String reply) {
        String s = reply.replace("\r\n", "\\r\\n");
        return s.length() > 600 ? s.substring(0, 600) + "... (" + s.length() + " chars)" : s;
    }
}
