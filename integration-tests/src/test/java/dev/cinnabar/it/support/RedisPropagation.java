package dev.cinnabar.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs propagation scenarios on a running redis-server and returns what it put on its
 * replication stream. For each scenario: FLUSHALL on a control connection, a new
 * {@link ReplicationStream} (SYNC, so the stream starts as for a fresh replica, with a SELECT
 * before the first command), the scenario's steps on a fresh connection, then
 * {@link ReplicationStream#drain} with a marker published from the control connection (db 0).
 * The server must allow DEBUG for {@code !debug} steps ({@code --enable-debug-command yes}).
 */
public final class RedisPropagation implements PropagationSubject, AutoCloseable {
    private static final long SYNC_TIMEOUT_MILLIS = 20_000;
    private static final long DRAIN_TIMEOUT_MILLIS = 10_000;

    private final int port;
    private final RawConnection control;
    private final List<String> replies = new ArrayList<>();
    private int filtered;
    private long changes;

    public RedisPropagation(int port) throws IOException {
        this.port = port;
        this.control = new RawConnection(port);
    }

    /** The last scenario's replies, one per step (directives included), for failure messages. */
    public List<String> lastReplies() {
        return List.copyOf(replies);
    }

    /** The last scenario's changes, as INFO's rdb_changes_since_last_save counted them. */
    public long lastChanges() {
        return changes;
    }

    private long changesSinceSave() throws IOException {
        String info = control.call("INFO", "persistence");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rdb_changes_since_last_save:(\\d+)").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no rdb_changes_since_last_save in " + info);
        }
        return Long.parseLong(m.group(1));
    }

    /** PINGs and GETACKs the stream filtered out over all scenarios run. */
    public int filtered() {
        return filtered;
    }

    @Override
    public List<List<byte[]>> run(PropagationScenario scenario) throws Exception {
        replies.clear();
        expectOk(control.call("FLUSHALL"), "FLUSHALL");
        Map<String, String> saved = savedConfig(scenario);
        boolean activeExpireTouched = false;
        List<RawConnection> blocked = new ArrayList<>();
        try (ReplicationStream stream = ReplicationStream.open(port, SYNC_TIMEOUT_MILLIS);
             RawConnection c = new RawConnection(port)) {
            // Read once the stream is open: the snapshot SYNC makes resets the count when it ends.
            long changesBefore = changesSinceSave();
            for (PropagationScenario.Step step : scenario.steps) {
                switch (step.kind) {
                    case SLEEP:
                        Thread.sleep(step.sleepMillis);
                        replies.add("(slept)");
                        break;
                    case CONFIG: {
                        List<byte[]> argv = new ArrayList<>();
                        argv.add(bytes("CONFIG"));
                        argv.add(bytes("SET"));
                        argv.addAll(step.args);
                        String r = call(c, argv);
                        expectOk(r, step.text);
                        replies.add(r);
                        break;
                    }
                    case DEBUG: {
                        List<byte[]> argv = new ArrayList<>();
                        argv.add(bytes("DEBUG"));
                        argv.addAll(step.args);
                        activeExpireTouched |= ReplicationStream.is(step.args.get(0), "set-active-expire");
                        String r = call(c, argv);
                        if (r.startsWith("-")) {
                            throw new IllegalStateException(scenario.where() + ": " + step.text + " answered " + r.strip()
                                    + " (is redis-server started with --enable-debug-command yes?)");
                        }
                        replies.add(r);
                        break;
                    }
                    case BLOCK: {
                        long before = blockedClients();
                        RawConnection b = new RawConnection(port);
                        blocked.add(b);
                        b.send(step.args.toArray(new byte[0][]));
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (blockedClients() != before + 1) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException(scenario.where() + ": " + step.text + " did not block");
                            }
                            Thread.sleep(2);
                        }
                        replies.add("(blocked)");
                        break;
                    }
                    default:
                        replies.add(call(c, step.args));
                        break;
                }
            }
            changes = changesSinceSave() - changesBefore;
            List<List<byte[]>> out = stream.drain(control, DRAIN_TIMEOUT_MILLIS);
            filtered += stream.filtered();
            return out;
        } finally {
            for (RawConnection b : blocked) {
                b.close();
            }
            restore(saved, activeExpireTouched);
        }
    }

    private long blockedClients() throws IOException {
        String info = control.call("INFO", "clients");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("blocked_clients:(\\d+)").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no blocked_clients in " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private Map<String, String> savedConfig(PropagationScenario scenario) throws IOException {
        Map<String, String> saved = new LinkedHashMap<>();
        for (PropagationScenario.Step step : scenario.steps) {
            if (step.kind != PropagationScenario.Kind.CONFIG) {
                continue;
            }
            for (String name : step.configNames()) {
                if (!saved.containsKey(name)) {
                    control.send("CONFIG", "GET", name);
                    List<String> kv = Replies.elements(control.readReply());
                    if (kv == null || kv.size() != 2) {
                        throw new IllegalStateException(scenario.where() + ": no config directive " + name);
                    }
                    String v = kv.get(1);
                    saved.put(name, v.substring(v.indexOf("\r\n") + 2, v.length() - 2));
                }
            }
        }
        return saved;
    }

    private void restore(Map<String, String> saved, boolean activeExpire) throws IOException {
        for (Map.Entry<String, String> e : saved.entrySet()) {
            expectOk(control.call("CONFIG", "SET", e.getKey(), e.getValue()), "CONFIG SET " + e.getKey());
        }
        if (activeExpire) {
            expectOk(control.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "DEBUG SET-ACTIVE-EXPIRE 1");
        }
    }

    private static String call(RawConnection c, List<byte[]> argv) throws IOException {
        c.send(argv.toArray(new byte[0][]));
        return c.readReply();
    }

    private static void expectOk(String reply, String what) {
        if (!reply.equals("+OK\r\n")) {
            throw new IllegalStateException(what + " answered " + reply.strip());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        control.close();
    }
}
