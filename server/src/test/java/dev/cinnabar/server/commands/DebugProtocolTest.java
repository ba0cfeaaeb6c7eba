package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** DEBUG PROTOCOL: each reply as redis-server 7.0.15 sends it after HELLO 2 and after HELLO 3. */
class DebugProtocolTest {
    private final EngineHarness h = DebugCommandsTest.harness("yes");

    private void both(String type, String resp2, String resp3) {
        h.call("HELLO", "2");
        assertEquals(resp2, h.call("DEBUG", "PROTOCOL", type), type + " in RESP2");
        h.call("HELLO", "3");
        assertEquals(resp3, h.call("DEBUG", "PROTOCOL", type), type + " in RESP3");
    }

    @Test
    void scalars() {
        both("string", "$11\r\nHello World\r\n", "$11\r\nHello World\r\n");
        both("integer", ":12345\r\n", ":12345\r\n");
        both("double", "$5\r\n3.141\r\n", ",3.141\r\n");
        both("bignum", "$37\r\n1234567999999999999999999999999999999\r\n", "(1234567999999999999999999999999999999\r\n");
        both("null", "$-1\r\n", "_\r\n");
        both("true", ":1\r\n", "#t\r\n");
        both("false", ":0\r\n", "#f\r\n");
        both("verbatim", "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n");
    }

    @Test
    void aggregates() {
        both("array", "*3\r\n:0\r\n:1\r\n:2\r\n", "*3\r\n:0\r\n:1\r\n:2\r\n");
        both("set", "*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n");
        both("map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
    }

    @Test
    void attributeAndPushComeWithARealReply() {
        both("attrib", "$39\r\nSome real reply following the attribute\r\n",
                "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n");
        both("push", "-ERR RESP2 is not supported by this command\r\n",
                ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n");
    }

    @Test
    void typeNamesInAnyCaseAndErrors() {
        assertEquals("$11\r\nHello World\r\n", h.call("DEBUG", "protocol", "STRING"));
        assertEquals("-ERR Wrong protocol type name. Please use one of the following: "
                + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n",
                h.call("DEBUG", "PROTOCOL", "nope"));
        String arity = "-ERR unknown subcommand or wrong number of arguments for 'PROTOCOL'. Try DEBUG HELP.\r\n";
        assertEquals(arity, h.call("DEBUG", "PROTOCOL"));
        assertEquals(arity, h.call("DEBUG", "PROTOCOL", "string", "x"));
    }
}
