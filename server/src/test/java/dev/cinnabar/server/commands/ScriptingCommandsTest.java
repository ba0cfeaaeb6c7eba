package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EVAL, EVALSHA, their _RO forms and SCRIPT: replies, conversions and errors, RESP2 and RESP3. */
class ScriptingCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private String sha(String body) {
        return dev.cinnabar.server.scripting.Scripting.sha1hex(body.getBytes(), 0, body.length());
    }

    @Test
    void clientPauseWriteHoldsOnlyScriptsThatMayWrite() {
        var other = h.newClient();
        assertEquals("+OK\r\n", h.call(other, "CLIENT", "PAUSE", "100000", "WRITE"));
        // A script declaring no-writes is a read; one without a shebang may replicate; one
        // declaring nothing writes.
        assertEquals(":1\r\n", h.call("EVAL", "#!lua flags=no-writes\nreturn 1", "0"));
        assertEquals("", h.call("EVAL", "return 2", "0"));
        assertEquals("+OK\r\n", h.call(other, "CLIENT", "UNPAUSE"));
    }

    @Test
    void basics() {
        assertEquals(":1\r\n", h.call("EVAL", "return 1", "0"));
        assertEquals("$1\r\nx\r\n", h.call("EVAL", "return 'x'", "0"));
        assertEquals("+OK\r\n", h.call("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.call("GET", "k"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.call("EVAL", "return {KEYS[1], ARGV[1]}", "1", "k", "v"));
    }

    @Test
    void errors() {
        String s = "error('boom')";
        assertEquals("-ERR user_script:1: boom script: " + sha(s) + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "return nosuch";
        assertEquals("-ERR user_script:1: Script attempted to access nonexistent global variable 'nosuch' script: "
                + sha(s) + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "x = 1";
        assertEquals("-ERR user_script:1: Attempt to modify a readonly table script: " + sha(s)
                + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        s = "return redis.call('nosuch')";
        assertEquals("-ERR Unknown Redis command called from script script: " + sha(s)
                + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", h.call("EVALSHA", sha("nope"), "0"));
    }

    @Test
    void conversionsFromLua() {
        assertEquals(":3\r\n", h.call("EVAL", "return 3.99", "0"));
        assertEquals(":-3\r\n", h.call("EVAL", "return -3.99", "0"));
        assertEquals("$-1\r\n", h.call("EVAL", "return false", "0"));
        assertEquals(":1\r\n", h.call("EVAL", "return true", "0"));
        assertEquals("*2\r\n:1\r\n:2\r\n", h.call("EVAL", "return {1, 2, nil, 4}", "0"));
        assertEquals("+fine\r\n", h.call("EVAL", "return {ok='fine'}", "0"));
        assertEquals("-MY err\r\n", h.call("EVAL", "return {err='MY err'}", "0"));
        assertEquals("$3\r\n3.5\r\n", h.call("EVAL", "return {double=3.5}", "0"));
        assertEquals("*2\r\n$1\r\na\r\n:1\r\n", h.call("EVAL", "return {map={a=1}}", "0"));
        h.call("HELLO", "3");
        assertEquals(",3.5\r\n", h.call("EVAL", "return {double=3.5}", "0"));
        assertEquals("%1\r\n$1\r\na\r\n:1\r\n", h.call("EVAL", "return {map={a=1}}", "0"));
        assertEquals("~1\r\n$1\r\na\r\n", h.call("EVAL", "return {set={a=true}}", "0"));
        assertEquals("(12345678901234567890\r\n", h.call("EVAL", "return {big_number='12345678901234567890'}", "0"));
        assertEquals("=7\r\ntxt:abc\r\n", h.call("EVAL", "return {verbatim_string={format='txt', string='abc'}}", "0"));
        assertEquals("_\r\n", h.call("EVAL", "return false", "0"));
        assertEquals("#f\r\n", h.call("EVAL", "redis.setresp(3) return false", "0"));
    }

    @Test
    void conversionsToLua() {
        h.call("HSET", "h", "f", "v");
        h.call("ZADD", "z", "1.5", "m");
        assertEquals("$5\r\nfalse\r\n", h.call("EVAL", "return tostring(redis.call('get', 'nope'))", "0"));
        assertEquals("$3\r\nnil\r\n", h.call("EVAL", "redis.setresp(3) return type(redis.call('get', 'nope'))", "0"));
        assertEquals("$1\r\nv\r\n", h.call("EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')['map']['f']", "0"));
        assertEquals("$3\r\n1.5\r\n", h.call("EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm')", "0"));
        assertEquals("$2\r\nOK\r\n", h.call("EVAL", "return redis.call('set', 'k', 'v')['ok']", "0"));
        h.call("SET", "s", "abc");
        assertEquals("$43\r\nERR value is not an integer or out of range\r\n",
                h.call("EVAL", "return redis.pcall('incr', 's')['err']", "0"));
        assertEquals("$65\r\nWRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.call("EVAL", "return redis.pcall('incr', 'h')['err']", "0"));
        // Numbers given to redis.call are %.17g.
        h.call("EVAL", "return redis.call('set', 'n', 0.1)", "0");
        assertEquals("$19\r\n0.10000000000000001\r\n", h.call("GET", "n"));
    }

    @Test
    void flagsAndReadOnly() {
        assertEquals("-ERR Write commands are not allowed from read-only scripts. script: "
                + sha("return redis.call('set', 'a', 1)") + ", on @user_script:1.\r\n",
                h.call("EVAL_RO", "return redis.call('set', 'a', 1)", "0"));
        assertEquals("-ERR Can not execute a script with write flag using *_ro command.\r\n",
                h.call("EVAL_RO", "#!lua\nreturn 1", "0"));
        assertEquals(":1\r\n", h.call("EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"));
        assertEquals("-ERR Unexpected flag in script shebang: nope\r\n", h.call("EVAL", "#!lua flags=nope\nreturn 1", "0"));
        assertEquals("-ERR Unknown lua shebang option: a=b\r\n", h.call("EVAL", "#!lua a=b\nreturn 1", "0"));
        assertEquals("-ERR Invalid script shebang\r\n", h.call("EVAL", "#!lua", "0"));
        assertEquals("-ERR Unexpected engine in script shebang: #!py\r\n", h.call("EVAL", "#!py\nreturn 1", "0"));
        // The shebang's line still counts.
        String s = "#!lua flags=no-writes\nreturn redis.call('del', 'a')";
        assertEquals("-ERR Write commands are not allowed from read-only scripts. script: " + sha(s)
                + ", on @user_script:2.\r\n", h.call("EVAL", s, "0"));
    }

    @Test
    void scriptCache() {
        String body = "return 'cached'";
        assertEquals("$40\r\n" + sha(body) + "\r\n", h.call("SCRIPT", "LOAD", body));
        assertEquals("$6\r\ncached\r\n", h.call("EVALSHA", sha(body), "0"));
        assertEquals("$6\r\ncached\r\n", h.call("EVALSHA", sha(body).toUpperCase(), "0"));
        assertEquals("*2\r\n:1\r\n:0\r\n", h.call("SCRIPT", "EXISTS", sha(body), sha("other")));
        assertEquals("+OK\r\n", h.call("SCRIPT", "FLUSH", "ASYNC"));
        assertEquals("*1\r\n:0\r\n", h.call("SCRIPT", "EXISTS", sha(body)));
        assertEquals("-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n", h.call("SCRIPT", "FLUSH", "NOW"));
        assertEquals("-NOTBUSY No scripts in execution right now.\r\n", h.call("SCRIPT", "KILL"));
        assertEquals("-ERR Number of keys can't be greater than number of args\r\n", h.call("EVAL", body, "1"));
        assertEquals("-ERR Number of keys can't be negative\r\n", h.call("EVAL", body, "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.call("EVAL", body, "x"));
    }

    @Test
    void aScriptsWritesTouchWatchedKeys() {
        Client other = h.newClient();
        assertEquals("+OK\r\n", h.call(other, "WATCH", "w"));
        h.call("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "w");
        h.call(other, "MULTI");
        h.call(other, "SET", "w", "y");
        assertEquals("*-1\r\n", h.call(other, "EXEC"));
        // A script that only reads leaves the watch alone.
        h.call(other, "WATCH", "w");
        h.call("EVAL", "return redis.call('get', KEYS[1])", "1", "w");
        h.call(other, "MULTI");
        h.call(other, "SET", "w", "y");
        assertEquals("*1\r\n+OK\r\n", h.call(other, "EXEC"));
    }

    @Test
    void effectsPropagateWrappedWhenSeveral() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cmd.count(); i++) {
                sb.append(i == 0 ? "" : " ").append(cmd.latin1(i));
            }
            out.add(sb.toString());
        });
        h.call("EVAL", "return redis.call('set', 'a', '1')", "0");
        assertEquals(List.of("set a 1"), out);
        out.clear();
        h.call("EVAL", "redis.call('set', 'a', '1') redis.call('incr', 'a') return redis.call('get', 'a')", "0");
        assertEquals(List.of("MULTI", "set a 1", "incr a", "EXEC"), out);
        out.clear();
        h.call("EVAL", "return redis.call('get', 'a')", "0");
        assertEquals(List.of(), out);
    }

    @Test
    void monitorShowsTheScriptThenItsCommands() {
        Client m = h.newClient();
        h.call(m, "MONITOR");
        h.call("EVAL", "return redis.call('set', 'k', 'v')", "0");
        String seen = h.drain(m);
        int eval = seen.indexOf("\"EVAL\"");
        int set = seen.indexOf("[0 lua] \"set\" \"k\" \"v\"");
        assertTrue(eval >= 0 && set > eval, seen);
    }

    @Test
    void commandStatsCountTheScriptsCommands() {
        h.call("EVAL", "redis.call('set', 'k', 'v') redis.call('get', 'k') return redis.pcall('incr', 'k')", "0");
        String stats = h.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_set:calls=1,"), stats);
        assertTrue(stats.contains("cmdstat_get:calls=1,"), stats);
        assertTrue(stats.contains("cmdstat_incr:calls=1,") && stats.contains("failed_calls=1"), stats);
        assertTrue(stats.contains("cmdstat_eval:calls=1,"), stats);
        String errors = h.call("INFO", "errorstats");
        // The failed INCR counts once, not again when the script returns its error.
        assertTrue(errors.contains("errorstat_ERR:count=1"), errors);
    }

    private String commandStat(String name) {
        for (String line : h.call("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_" + name + ":")) {
                return line.replaceAll("usec=[^,]*,usec_per_call=[^,]*,", "");
            }
        }
        return "";
    }

    @Test
    void aScriptFailsForTheErrorsItPassesOnNotForThoseItCatches() {
        // A refused call is the called command's rejection; caught, it fails nothing else.
        assertEquals(":1\r\n", h.call("EVAL_RO", "redis.pcall('set', 'a', 'b') return 1", "0"));
        assertEquals("cmdstat_set:calls=0,rejected_calls=1,failed_calls=0", commandStat("set"));
        assertEquals("cmdstat_eval_ro:calls=1,rejected_calls=0,failed_calls=0", commandStat("eval_ro"));
        // An error a called command answered, returned by the script: both failed, counted once.
        h.call("SET", "s", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.call("EVAL", "return redis.pcall('hset', 's', 'f', 'v')", "0"));
        assertEquals("cmdstat_hset:calls=1,rejected_calls=0,failed_calls=1", commandStat("hset"));
        assertEquals("cmdstat_eval:calls=1,rejected_calls=0,failed_calls=1", commandStat("eval"));
        // Each error passed on in a reply fails the script once more.
        h.call("EVAL", "return {redis.pcall('hset', 's'), redis.pcall('nosuch')}", "0");
        assertEquals("cmdstat_eval:calls=2,rejected_calls=0,failed_calls=3", commandStat("eval"));
        String stats = h.call("INFO", "stats");
        assertTrue(stats.contains("total_error_replies:4\r\n"), stats);
    }

    @Test
    void globalsAreProtectedAndLibrariesReadOnly() {
        String s = "string.len = nil";
        assertEquals("-ERR user_script:1: Attempt to modify a readonly table script: " + sha(s)
                + ", on @user_script:1.\r\n", h.call("EVAL", s, "0"));
        assertEquals("$5\r\nhello\r\n", h.call("EVAL", "local t = {} t.x = 'hello' return t.x", "0"));
        assertEquals(":5\r\n", h.call("EVAL", "return string.len('hello')", "0"));
    }
}
