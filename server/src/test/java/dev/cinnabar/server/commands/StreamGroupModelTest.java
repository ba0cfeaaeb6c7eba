package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Consumer-group state against a simple model: random XADD, XDEL, XREADGROUP (new entries and
 * history), XACK, XCLAIM and XAUTOCLAIM, with the clock moving; after each step the whole PEL
 * (owner, delivery count, idle time), the group's last-delivered ID and each consumer's pending
 * count must be the model's.
 */
class StreamGroupModelTest {
    /** A pending entry in the model. */
    private static final class Pending {
        String consumer;
        long count;
        long time;

        Pending(String consumer, long count, long time) {
            this.consumer = consumer;
            this.count = count;
            this.time = time;
        }
    }

    private final EngineHarness h = new EngineHarness();
    private final TreeSet<Long> entries = new TreeSet<>();
    private final TreeMap<Long, Pending> pel = new TreeMap<>();
    private final TreeSet<String> consumers = new TreeSet<>();
    private long lastDelivered;
    private long nextId = 1;

    private long now() {
        return h.clock.millis();
    }

    private static String id(long ms) {
        return ms + "-0";
    }

    @Test
    void randomSequencesMatchTheModel() {
        Random r = new Random(2024);
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        String[] names = {"alice", "bob", "carol", "dave"};
        for (int step = 0; step < 3000; step++) {
            h.clock.advance(r.nextInt(50));
            String who = names[r.nextInt(names.length)];
            int op = r.nextInt(12);
            if (op < 3) {
                long ms = nextId;
                nextId += 1 + r.nextInt(3);
                h.call("XADD", "s", id(ms), "f", "v" + ms);
                entries.add(ms);
            } else if (op == 3 && !entries.isEmpty()) {
                long victim = pick(entries, r);
                h.call("XDEL", "s", id(victim));
                entries.remove(victim);
            } else if (op < 6) {
                int count = 1 + r.nextInt(4);
                h.call("XREADGROUP", "GROUP", "g", who, "COUNT", String.valueOf(count), "STREAMS", "s", ">");
                if (!entries.tailSet(lastDelivered, false).isEmpty()) {
                    consumers.add(who); // created only when there is something to deliver
                }
                int n = 0;
                for (long e : entries.tailSet(lastDelivered, false)) {
                    if (n++ == count) {
                        break;
                    }
                    lastDelivered = e;
                    pel.put(e, new Pending(who, 1, now()));
                }
            } else if (op == 6) {
                h.call("XREADGROUP", "GROUP", "g", who, "STREAMS", "s", "0");
                consumers.add(who);
                for (Map.Entry<Long, Pending> e : pel.entrySet()) {
                    if (e.getValue().consumer.equals(who) && entries.contains(e.getKey())) {
                        e.getValue().count++;
                        e.getValue().time = now();
                    }
                }
            } else if (op == 7 && !pel.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("XACK", "s", "g"));
                for (int i = 0; i < 1 + r.nextInt(3) && !pel.isEmpty(); i++) {
                    long victim = pick(pel.navigableKeySet(), r);
                    args.add(id(victim));
                    pel.remove(victim);
                }
                h.call(args.toArray(new String[0]));
            } else if (op < 10 && !pel.isEmpty()) {
                long minIdle = r.nextInt(3) == 0 ? 0 : r.nextInt(200);
                boolean justid = r.nextBoolean();
                List<String> args = new ArrayList<>(List.of("XCLAIM", "s", "g", who, String.valueOf(minIdle)));
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 1 + r.nextInt(3); i++) {
                    long c = pick(pel.navigableKeySet(), r);
                    if (!ids.contains(c)) {
                        ids.add(c);
                        args.add(id(c));
                    }
                }
                if (justid) {
                    args.add("JUSTID");
                }
                h.call(args.toArray(new String[0]));
                for (long c : ids) {
                    Pending p = pel.get(c);
                    if (!entries.contains(c)) {
                        pel.remove(c);
                        continue;
                    }
                    if (minIdle != 0 && now() - p.time < minIdle) {
                        continue;
                    }
                    consumers.add(who);
                    p.consumer = who;
                    p.time = now();
                    if (!justid) {
                        p.count++;
                    }
                }
            } else if (op >= 10) {
                long minIdle = r.nextInt(3) == 0 ? 0 : r.nextInt(200);
                int count = 1 + r.nextInt(4);
                boolean justid = r.nextBoolean();
                long start = r.nextInt(3) == 0 || pel.isEmpty() ? 0 : pick(pel.navigableKeySet(), r);
                List<String> args = new ArrayList<>(List.of("XAUTOCLAIM", "s", "g", who, String.valueOf(minIdle),
                        id(start), "COUNT", String.valueOf(count)));
                if (justid) {
                    args.add("JUSTID");
                }
                String reply = h.call(args.toArray(new String[0]));
                long attempts = count * 10L;
                Long next = null;
                Long pos = start;
                boolean first = true;
                while (attempts-- > 0 && count > 0) {
                    Long k = first ? pel.ceilingKey(pos) : pel.higherKey(pos);
                    if (k == null) {
                        pos = null;
                        break;
                    }
                    first = false;
                    pos = k;
                    Pending p = pel.get(k);
                    if (!entries.contains(k)) {
                        pel.remove(k);
                        count--;
                        continue;
                    }
                    if (minIdle != 0 && now() - p.time < minIdle) {
                        continue;
                    }
                    consumers.add(who);
                    p.consumer = who;
                    p.time = now();
                    if (!justid) {
                        p.count++;
                    }
                    count--;
                }
                if (pos != null) {
                    next = first ? pel.ceilingKey(pos) : pel.higherKey(pos);
                }
                String cursor = next == null ? "0-0" : id(next);
                assertEquals("*3\r\n$" + cursor.length() + "\r\n" + cursor + "\r\n",
                        reply.substring(0, reply.indexOf(cursor) + cursor.length() + 2), "step " + step);
            }
            check(step);
        }
    }

    private static long pick(java.util.NavigableSet<Long> set, Random r) {
        long lo = set.first();
        long hi = set.last();
        Long k = set.ceiling(lo + (long) (r.nextDouble() * (hi - lo + 1)));
        return k == null ? hi : k;
    }

    private void check(int step) {
        StringBuilder want = new StringBuilder("*" + pel.size() + "\r\n");
        for (Map.Entry<Long, Pending> e : pel.entrySet()) {
            String i = id(e.getKey());
            Pending p = e.getValue();
            want.append("*4\r\n$").append(i.length()).append("\r\n").append(i).append("\r\n")
                    .append("$").append(p.consumer.length()).append("\r\n").append(p.consumer).append("\r\n")
                    .append(":").append(Math.max(0, now() - p.time)).append("\r\n")
                    .append(":").append(p.count).append("\r\n");
        }
        assertEquals(want.toString(), h.call("XPENDING", "s", "g", "-", "+", "1000000"), "step " + step);
        String groups = h.call("XINFO", "GROUPS", "s");
        String last = id(lastDelivered);
        String expectLast = "$17\r\nlast-delivered-id\r\n$" + last.length() + "\r\n" + last + "\r\n";
        assertEquals(true, groups.contains(expectLast), "step " + step + ": " + groups);
        String info = h.call("XINFO", "CONSUMERS", "s", "g");
        for (String c : consumers) {
            long n = pel.values().stream().filter(p -> p.consumer.equals(c)).count();
            String expect = "$4\r\nname\r\n$" + c.length() + "\r\n" + c + "\r\n$7\r\npending\r\n:" + n + "\r\n";
            assertEquals(true, info.contains(expect), "step " + step + " consumer " + c + ": " + info);
        }
    }
}
