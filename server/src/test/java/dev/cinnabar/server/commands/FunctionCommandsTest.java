package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/KILL, FCALL and FCALL_RO, RESP2 and RESP3. */
class FunctionCommandsTest {
    private final EngineHarness h = new EngineHarness();
    static final String LIB = "#!lua name=mylib\n"
            + "redis.register_function('echo', function(keys, args) return {keys[1], args[1]} end)\n"
            + "redis.register_function{function_name='get', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}, description='reads a key'}\n";

    @Test
    void loadCallListDelete() {
        assertEquals("$5\r\nmylib\r\n", h.call("FUNCTION", "LOAD", LIB));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\na\r\n", h.call("FCALL", "echo", "1", "k", "a"));
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\na\r\n", h.call("FCALL", "ECHO", "1", "k", "a"));
        h.call("SET", "k", "v");
        assertEquals("$1\r\nv\r\n", h.call("FCALL_RO", "get", "1", "k"));
        assertEquals("-ERR Can not execute a script with write flag using *_ro command.\r\n",
                h.call("FCALL_RO", "echo", "0"));
        assertEquals("-ERR Library 'mylib' already exists\r\n", h.call("FUNCTION", "LOAD", LIB));
        assertEquals("$5\r\nmylib\r\n", h.call("FUNCTION", "LOAD", "REPLACE", LIB));
        assertEquals("*1\r\n*6\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*2\r\n"
                + "*6\r\n$4\r\nname\r\n$4\r\necho\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n"
                + "*6\r\n$4\r\nname\r\n$3\r\nget\r\n$11\r\ndescription\r\n$11\r\nreads a key\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n",
                h.call("FUNCTION", "LIST"));
        h.call("HELLO", "3");
        assertEquals("%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n"
                + "$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n", h.call("FUNCTION", "STATS"));
        assertEquals("-ERR Library not found\r\n", h.call("FUNCTION", "DELETE", "MYLIB"));
        assertEquals("+OK\r\n", h.call("FUNCTION", "DELETE", "mylib"));
        assertEquals("-ERR Function not found\r\n", h.call("FCALL", "echo", "0"));
        assertEquals("-NOTBUSY No scripts in execution right now.\r\n", h.call("FUNCTION", "KILL"));
    }

    @Test
    void loadErrors() {
        assertEquals("-ERR Missing library metadata\r\n", h.call("FUNCTION", "LOAD", "return 1"));
        assertEquals("-ERR No functions registered\r\n", h.call("FUNCTION", "LOAD", "#!lua name=x\nreturn 1"));
        assertEquals("-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                + "global variable 'string'\r\n", h.call("FUNCTION", "LOAD", "#!lua name=x\nlocal n = string.len('a')"));
        assertEquals("-ERR Error registering functions: ERR wrong number of arguments to redis.register_function\r\n",
                h.call("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function()"));
        h.call("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('f', function() return 1 end)");
        assertEquals("-ERR Function F already exists\r\n",
                h.call("FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('F', function() return 1 end)"));
        assertEquals("-ERR Engine 'py' not found\r\n", h.call("FUNCTION", "LOAD", "#!py name=b\nreturn 1"));
        assertEquals("-ERR Bad number of keys provided\r\n", h.call("FCALL", "f", "x"));
    }

    @Test
    void functionEffectsPropagateAndLoadItself() {
        List<String> out = new ArrayList<>();
        h.server.propagation().addSink((db, cmd) -> out.add(cmd.latin1(0) + (cmd.count() > 1 ? " " + cmd.latin1(1) : "")));
        h.call("FUNCTION", "LOAD", "#!lua name=w\nredis.register_function('w', function(keys) redis.call('set', keys[1], 1) "
                + "return redis.call('incr', keys[1]) end)");
        h.call("FCALL", "w", "1", "k");
        assertEquals(List.of("FUNCTION LOAD", "MULTI", "set k", "incr k", "EXEC"), out);
        assertTrue(h.call("INFO", "memory").contains("number_of_functions:1\r\n"));
    }
}
