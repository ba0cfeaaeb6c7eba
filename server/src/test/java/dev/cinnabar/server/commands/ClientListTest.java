package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientListTest {
    private static final List<String> FIELDS = List.of("id", "addr", "laddr", "fd", "name", "age", "idle", "flags",
            "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
            "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp");

    private final EngineHarness h = new EngineHarness();

    /** The body of a bulk reply, split into lines. */
    private static List<String> lines(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        String body = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
        assertTrue(body.endsWith("\n"), body);
        return List.of(body.split("\n"));
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void infoHasRedisFieldsInOrder() {
        Map<String, String> f = fields(lines(h.call("CLIENT", "INFO")).get(0));
        assertEquals(FIELDS, new ArrayList<>(f.keySet()));
        assertEquals(Long.toString(h.client.id), f.get("id"));
        assertEquals("127.0.0.1:40000", f.get("addr"));
        assertEquals("127.0.0.1:6379", f.get("laddr"));
        assertEquals("-1", f.get("fd"));
        assertEquals("N", f.get("flags"));
        assertEquals("client|info", f.get("cmd"));
        assertEquals("default", f.get("user"));
        // The running command is still in the query buffer: *2 $6 client $4 info.
        assertEquals("26", f.get("qbuf"));
        assertEquals("10", f.get("argv-mem"));
        assertEquals("-1", f.get("multi"));
        assertEquals("-1", f.get("redir"));
        assertEquals("2", f.get("resp"));
        assertEquals("16384", f.get("rbs"));
    }

    @Test
    void infoIsVerbatimInResp3() {
        h.call("HELLO", "3");
        String r = h.call("CLIENT", "INFO");
        assertTrue(r.startsWith("="), r);
        assertTrue(r.contains("\r\ntxt:id=" + h.client.id + " "), r);
        assertTrue(r.contains(" resp=3\n\r\n"), r);
    }

    @Test
    void listShowsEveryClientInConnectionOrder() {
        Client other = h.newClient();
        h.call(other, "CLIENT", "SETNAME", "worker");
        h.call(other, "SELECT", "5");
        List<String> lines = lines(h.call("CLIENT", "LIST"));
        assertEquals(2, lines.size());
        assertEquals(Long.toString(h.client.id), fields(lines.get(0)).get("id"));
        Map<String, String> o = fields(lines.get(1));
        assertEquals("worker", o.get("name"));
        assertEquals("5", o.get("db"));
        assertEquals("select", o.get("cmd"));
        assertEquals("0", o.get("argv-mem"));
        assertEquals("0", o.get("qbuf"));
    }

    @Test
    void lastCommandIsRecordedEvenWhenRefused() {
        Client other = h.newClient();
        assertEquals("NULL", fields(lines(h.call("CLIENT", "LIST", "ID", Long.toString(other.id))).get(0)).get("cmd"));
        h.call(other, "GET");
        assertEquals("get", cmdOf(other));
        h.call(other, "NOSUCH");
        assertEquals("NULL", cmdOf(other));
        h.call(other, "CLIENT", "NOSUCH");
        assertEquals("NULL", cmdOf(other));
        h.call(other, "CLIENT");
        assertEquals("client", cmdOf(other));
        h.call(other, "CONFIG", "GET");
        assertEquals("config|get", cmdOf(other));
    }

    private String cmdOf(Client c) {
        return fields(lines(h.call("CLIENT", "LIST", "ID", Long.toString(c.id))).get(0)).get("cmd");
    }

    @Test
    void idFilterRepeatsAndSkipsUnknownIds() {
        Client other = h.newClient();
        String id = Long.toString(other.id);
        List<String> lines = lines(h.call("CLIENT", "LIST", "ID", id, "999", id, "-1"));
        assertEquals(2, lines.size());
        assertEquals(id, fields(lines.get(1)).get("id"));
        assertEquals("$0\r\n\r\n", h.call("CLIENT", "LIST", "ID", "999"));
        assertEquals("-ERR Invalid client ID\r\n", h.call("CLIENT", "LIST", "ID", id, "x"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "LIST", "ID"));
    }

    @Test
    void typeFilter() {
        h.newClient();
        assertEquals(2, lines(h.call("CLIENT", "LIST", "TYPE", "Normal")).size());
        for (String type : new String[] {"master", "replica", "slave", "pubsub"}) {
            assertEquals("$0\r\n\r\n", h.call("CLIENT", "LIST", "TYPE", type), type);
        }
        assertEquals("-ERR Unknown client type 'foo'\r\n", h.call("CLIENT", "LIST", "TYPE", "foo"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "LIST", "TYPE"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "LIST", "TYPE", "normal", "x"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "LIST", "foo"));
        assertEquals("-ERR wrong number of arguments for 'client|info' command\r\n", h.call("CLIENT", "INFO", "x"));
    }

    @Test
    void ageAndIdleCountWholeSeconds() {
        Client other = h.newClient();
        h.clock.advance(3_500);
        // Through the engine's input, which is what marks the interaction.
        h.engine.input(other, io.netty.buffer.Unpooled.copiedBuffer("PING\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        h.clock.advance(2_000);
        Map<String, String> f = fields(lines(h.call("CLIENT", "LIST", "ID", Long.toString(other.id))).get(0));
        assertEquals(Long.toString(5), f.get("age"));
        assertEquals(Long.toString(2), f.get("idle"));
    }

    @Test
    void flagsShowNoEvictAndNoTouch() {
        assertEquals("+OK\r\n", h.call("CLIENT", "NO-EVICT", "on"));
        assertEquals("e", fields(lines(h.call("CLIENT", "INFO")).get(0)).get("flags"));
        assertEquals("+OK\r\n", h.call("CLIENT", "NO-TOUCH", "ON"));
        assertEquals("eT", fields(lines(h.call("CLIENT", "INFO")).get(0)).get("flags"));
        assertEquals("+OK\r\n", h.call("CLIENT", "NO-EVICT", "OFF"));
        assertEquals("+OK\r\n", h.call("CLIENT", "NO-TOUCH", "off"));
        assertEquals("N", fields(lines(h.call("CLIENT", "INFO")).get(0)).get("flags"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "NO-EVICT", "maybe"));
        assertEquals("-ERR syntax error\r\n", h.call("CLIENT", "NO-TOUCH", "maybe"));
        assertEquals("-ERR wrong number of arguments for 'client|no-evict' command\r\n", h.call("CLIENT", "NO-EVICT"));
    }

    @Test
    void resetKeepsNoEvictButDropsNoTouch() {
        h.call("CLIENT", "NO-EVICT", "on");
        h.call("CLIENT", "NO-TOUCH", "on");
        h.call("RESET");
        assertEquals("e", fields(lines(h.call("CLIENT", "INFO")).get(0)).get("flags"));
    }

    private Map<String, String> listed(Client c) {
        return fields(lines(h.call("CLIENT", "LIST", "ID", Long.toString(c.id))).get(0));
    }

    /** The query buffer fields and tot-mem without the reply buffer, whose size follows other rules. */
    private static String queryBuffer(Map<String, String> f) {
        long totMem = Long.parseLong(f.get("tot-mem")) - Long.parseLong(f.get("rbs")) - Long.parseLong(f.get("omem"));
        return "qbuf=" + f.get("qbuf") + " qbuf-free=" + f.get("qbuf-free") + " argv-mem=" + f.get("argv-mem")
                + " tot-mem-rbs=" + totMem;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void cron() {
        h.engine.runCron();
    }

    // The figures below are what Redis 7.0.15 shows after the same steps. tot-mem-rbs is the
    // query buffer's allocation (jemalloc's size class) + 768 for the client + argv-mem + 8 per argument.

    @Test
    void queryBufferFiguresAreRedisSizes() {
        Client other = h.newClient();
        assertEquals("qbuf=0 qbuf-free=4 argv-mem=0 tot-mem-rbs=776", queryBuffer(listed(other)), "nothing read yet");
        h.call(other, "CLIENT", "SETNAME", "a");
        assertEquals("qbuf=0 qbuf-free=20474 argv-mem=0 tot-mem-rbs=21248", queryBuffer(listed(other)),
                "a 16 KB read leaves a 20 KB jemalloc block");
        assertEquals("qbuf=26 qbuf-free=20448 argv-mem=10 tot-mem-rbs=21274",
                queryBuffer(fields(lines(h.call(other, "CLIENT", "INFO")).get(0))), "the running command is in it");
        String inline = h.send(other, bytes("CLIENT INFO\r\n"));
        assertEquals("qbuf=13 qbuf-free=20461 argv-mem=10 tot-mem-rbs=21274", queryBuffer(fields(lines(inline).get(0))));
        String piped = h.send(other, bytes("*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"
                + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab"));
        assertEquals("qbuf=66 qbuf-free=20408 argv-mem=10 tot-mem-rbs=21274",
                queryBuffer(fields(lines(piped.substring("+PONG\r\n".length())).get(0))),
                "the commands before it from the same read, and what follows");
        assertEquals("qbuf=2 qbuf-free=20472 argv-mem=4 tot-mem-rbs=21268", queryBuffer(listed(other)),
                "a command still arriving: its parsed arguments count in argv-mem");
        h.send(other, bytes("cde\r\n"));
        assertEquals("qbuf=0 qbuf-free=20474 argv-mem=0 tot-mem-rbs=21248", queryBuffer(listed(other)));
    }

    @Test
    void theCronGivesAnIdleQueryBufferBack() {
        Client other = h.newClient();
        h.call(other, "PING");
        h.clock.advance(2_000);
        cron();
        assertEquals("qbuf=0 qbuf-free=20474 argv-mem=0 tot-mem-rbs=21248", queryBuffer(listed(other)),
                "2 seconds idle are not enough");
        h.clock.advance(1_000);
        cron();
        assertEquals("qbuf=0 qbuf-free=0 argv-mem=0 tot-mem-rbs=776", queryBuffer(listed(other)));
    }

    @Test
    void aBigArgumentSizesTheQueryBuffer() {
        Client other = h.newClient();
        h.call(other, "PING");
        byte[] set = bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048576\r\n" + "y".repeat(1_048_576) + "\r\n");
        h.send(other, Arrays.copyOfRange(set, 0, 600_000));
        assertEquals("qbuf=599970 qbuf-free=710740 argv-mem=4 tot-mem-rbs=1311508", queryBuffer(listed(other)),
                "sized for the bulk: 1 MB + 2 in a 1.25 MB block");
        byte[] rest = Arrays.copyOfRange(set, 600_000, set.length);
        byte[] restAndInfo = new byte[rest.length + 26];
        System.arraycopy(rest, 0, restAndInfo, 0, rest.length);
        System.arraycopy(bytes("*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"), 0, restAndInfo, rest.length, 26);
        String replies = h.send(other, restAndInfo);
        assertEquals("qbuf=26 qbuf-free=1310684 argv-mem=10 tot-mem-rbs=1311514",
                queryBuffer(fields(lines(replies.substring("+OK\r\n".length())).get(0))),
                "the bulk became the value; a new buffer of its size took its place");
        cron();
        h.clock.advance(100);
        cron();
        assertEquals("qbuf=0 qbuf-free=0 argv-mem=0 tot-mem-rbs=776", queryBuffer(listed(other)),
                "more than twice the recent peak: given back");
    }

    @Test
    void replyBufferShrinksWhenIdleAsRedisDoes() {
        Client other = h.newClient();
        h.call(other, "PING");
        h.engine.runCron();
        h.clock.advance(100);
        h.engine.runCron();
        Map<String, String> f = fields(lines(h.call("CLIENT", "LIST", "ID", Long.toString(other.id))).get(0));
        assertEquals("1024", f.get("rbs"));
        assertEquals("0", f.get("rbp"));
    }
}
