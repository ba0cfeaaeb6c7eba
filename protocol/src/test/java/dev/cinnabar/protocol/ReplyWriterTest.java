package dev.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every reply type in RESP3 and its RESP2 fallback. The expected bytes are what redis-server
 * 7.0.15 sends (DEBUG PROTOCOL shows each type under HELLO 2 and HELLO 3).
 */
class ReplyWriterTest {
    private static String write(int protocol, Consumer<ReplyWriter> body) {
        ByteBuf out = Unpooled.buffer(16);
        ReplyWriter w = new ReplyWriter(out);
        w.protocol(protocol);
        body.accept(w);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static void both(String resp2, String resp3, Consumer<ReplyWriter> body) {
        assertEquals(resp2, write(2, body), "RESP2");
        assertEquals(resp3, write(3, body), "RESP3");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void simpleStrings() {
        both("+OK\r\n", "+OK\r\n", ReplyWriter::ok);
        both("+PONG\r\n", "+PONG\r\n", w -> w.simple("PONG"));
        both("+raw\r\n", "+raw\r\n", w -> w.simple(b("raw")));
        both("+ a  b \r\n", "+ a  b \r\n", w -> w.simple("\na\r\nb\n"));
    }

    @Test
    void errors() {
        both("-ERR syntax error\r\n", "-ERR syntax error\r\n", w -> w.error("ERR syntax error"));
        both("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                w -> w.error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    @Test
    void anErrorGivenWithItsDashIsNotDoubled() {
        assertEquals("-NOSCRIPT No matching script.\r\n", write(2, w -> w.error("-NOSCRIPT No matching script.")));
    }

    @Test
    void errorTextCannotBreakTheFraming() {
        // As redis-server does: trailing line breaks dropped, the others turned into spaces.
        assertEquals("-ERR unknown command 'foo  bar'\r\n", write(2, w -> w.error("ERR unknown command 'foo\r\nbar'")));
        assertEquals("-My Err or\r\n", write(2, w -> w.error("My\nErr\nor\r\n\n")));
        assertEquals("- My Error\r\n", write(2, w -> w.error("\nMy Error\r\n")));
        assertEquals("-\r\n", write(2, w -> w.error("\r\n")));
    }

    @Test
    void errorTextKeepsClientBytes() {
        // Messages quote client bytes decoded as Latin-1; each goes back as the same byte.
        assertEquals("-ERR unknown command '\u00ff\u00e4'\r\n", write(2, w -> w.error("ERR unknown command '\u00ff\u00e4'")));
    }

    @Test
    void anUncountedErrorKeepsItsTextWhole() {
        // What redis-server 7.0.15 answers to DEBUG ERROR with these messages.
        byte[] text = b("xMYERR a\r\nb\nc\r\ny");
        both("-MYERR a  b c  \r\n", "-MYERR a  b c  \r\n", w -> w.uncountedError(text, 1, text.length - 2));
        both("-\r\n", "-\r\n", w -> w.uncountedError(b(""), 0, 0));
        both("--x\r\n", "--x\r\n", w -> w.uncountedError(b("-x"), 0, 2));
        both("-caf\u00e9\r\n", "-caf\u00e9\r\n", w -> w.uncountedError(b("caf\u00e9"), 0, 4));
        ReplyWriter w = new ReplyWriter(Unpooled.buffer(1));
        w.uncountedError(text, 0, text.length);
        assertEquals(0, w.errors());
    }

    @Test
    void errorsAreCounted() {
        ReplyWriter w = new ReplyWriter(Unpooled.buffer());
        w.ok();
        w.error("ERR a");
        w.integer(1);
        w.error("ERR b");
        assertEquals(2, w.errors());
    }

    @Test
    void integers() {
        both(":0\r\n", ":0\r\n", w -> w.integer(0));
        both(":1\r\n", ":1\r\n", w -> w.integer(1));
        both(":12345\r\n", ":12345\r\n", w -> w.integer(12345));
        both(":-1\r\n", ":-1\r\n", w -> w.integer(-1));
        both(":-42\r\n", ":-42\r\n", w -> w.integer(-42));
        both(":9223372036854775807\r\n", ":9223372036854775807\r\n", w -> w.integer(Long.MAX_VALUE));
        both(":-9223372036854775808\r\n", ":-9223372036854775808\r\n", w -> w.integer(Long.MIN_VALUE));
        assertEquals(":-9223372036854775808\r\n:7\r\n", write(2, w -> {
            w.integer(Long.MIN_VALUE);
            w.integer(7);
        }), "the digits scratch is not left dirty");
    }

    @Test
    void bulkStrings() {
        both("$11\r\nHello World\r\n", "$11\r\nHello World\r\n", w -> w.bulk(b("Hello World")));
        both("$2\r\nll\r\n", "$2\r\nll\r\n", w -> w.bulk(b("Hello"), 2, 2));
        both("$0\r\n\r\n", "$0\r\n\r\n", w -> w.bulk(b("")));
        both("$0\r\n\r\n", "$0\r\n\r\n", ReplyWriter::emptyBulk);
        both("$3\r\n\u00e2\u0082\u00ac\r\n", "$3\r\n\u00e2\u0082\u00ac\r\n", w -> w.bulk("\u20ac"));
        both("$4\r\n\r\n\u0000\u00ff\r\n", "$4\r\n\r\n\u0000\u00ff\r\n", w -> w.bulk(b("\r\n\u0000\u00ff")));
        both("$20\r\n-9223372036854775808\r\n", "$20\r\n-9223372036854775808\r\n", w -> w.bulk(Long.MIN_VALUE));
        both("$3\r\n-12\r\n", "$3\r\n-12\r\n", w -> w.bulk(-12));
        Argv a = Argv.of("GET", "key");
        both("$3\r\nkey\r\n", "$3\r\nkey\r\n", w -> w.bulk(a, 1));
    }

    @Test
    void shortAndLongBulksAreFramedAlikeAtEveryLength() {
        // Short bulks are assembled whole before one write; longer ones are written in parts.
        for (int n = 0; n <= 70; n++) {
            byte[] v = new byte[n + 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) ('a' + i % 26);
            }
            String body = new String(v, 2, n, StandardCharsets.ISO_8859_1);
            int len = n;
            assertEquals("$" + n + "\r\n" + body + "\r\n", write(2, w -> w.bulk(v, 2, len)));
        }
        // Consecutive short replies each keep their own bytes.
        assertEquals("$1\r\na\r\n:42\r\n$2\r\nbc\r\n:-7\r\n*70\r\n", write(2, w -> {
            w.bulk(b("a"));
            w.integer(42);
            w.bulk(b("bc"));
            w.integer(-7);
            w.array(70);
        }));
        both(":9223372036854775807\r\n", ":9223372036854775807\r\n", w -> w.integer(Long.MAX_VALUE));
        both("$19\r\n9223372036854775807\r\n", "$19\r\n9223372036854775807\r\n", w -> w.bulk(Long.MAX_VALUE));
    }

    @Test
    void sharedAndBuiltHeadersAreTheSame() {
        for (int n : new int[] {0, 1, 9, 10, 63, 64, 65, 100, 1000, 123456}) {
            String len = Integer.toString(n);
            byte[] body = new byte[n];
            assertEquals("$" + len + "\r\n", write(2, w -> w.bulk(body)).substring(0, len.length() + 3));
            assertEquals("*" + len + "\r\n", write(2, w -> w.array(n)));
            assertEquals("%" + len + "\r\n", write(3, w -> w.map(n)));
            assertEquals("~" + len + "\r\n", write(3, w -> w.set(n)));
            assertEquals(">" + len + "\r\n", write(3, w -> w.push(n)));
        }
    }

    @Test
    void aPushFrameEncodedOnceIsAnArrayInResp2AndAPushInResp3() {
        RespBuffer frame = new RespBuffer(64);
        frame.arrayHeader(3);
        frame.bulk(b("message"));
        frame.bulk(b("ch"));
        frame.bulk(b("hello"));
        String rest = "3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n";
        // Built with the writer's own calls, to show the frame is the same as writing its parts.
        both("*" + rest, ">" + rest, w -> {
            w.push(3);
            w.bulk(b("message"));
            w.bulk(b("ch"));
            w.bulk(b("hello"));
        });
        both("*" + rest, ">" + rest, w -> w.pushFrame(frame.array(), frame.size()));
    }

    @Test
    void nulls() {
        both("$-1\r\n", "_\r\n", ReplyWriter::nullBulk);
        both("*-1\r\n", "_\r\n", ReplyWriter::nullArray);
    }

    @Test
    void aggregates() {
        both("*3\r\n:0\r\n:1\r\n:2\r\n", "*3\r\n:0\r\n:1\r\n:2\r\n", w -> {
            w.array(3);
            w.integer(0);
            w.integer(1);
            w.integer(2);
        });
        both("*0\r\n", "*0\r\n", ReplyWriter::emptyArray);
        both("*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n", w -> {
            w.set(3);
            w.integer(0);
            w.integer(1);
            w.integer(2);
        });
        both("*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n", w -> {
            w.map(3);
            for (int i = 0; i < 3; i++) {
                w.integer(i);
                w.bool(i == 1);
            }
        });
        both("*2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n", ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n", w -> {
            w.push(2);
            w.bulk("server-cpu-usage");
            w.integer(42);
        });
        both("*0\r\n", "%0\r\n", w -> w.map(0));
        both("*0\r\n", "~0\r\n", w -> w.set(0));
    }

    @Test
    void doubles() {
        both("$5\r\n3.141\r\n", ",3.141\r\n", w -> w.doubleText(b("3.141")));
        both("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n", w -> w.doubleText(b("0.10000000000000001")));
        both("$3\r\ninf\r\n", ",inf\r\n", w -> w.doubleText(b("inf")));
        both("$4\r\n-inf\r\n", ",-inf\r\n", w -> w.doubleText(b("-inf")));
    }

    @Test
    void booleans() {
        both(":1\r\n", "#t\r\n", w -> w.bool(true));
        both(":0\r\n", "#f\r\n", w -> w.bool(false));
    }

    @Test
    void verbatimStrings() {
        both("$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n",
                w -> w.verbatim("txt", b("This is a verbatim\nstring")));
        both("$0\r\n\r\n", "=4\r\nmkd:\r\n", w -> w.verbatim("mkd", b("")));
    }

    @Test
    void bigNumbers() {
        both("$37\r\n1234567999999999999999999999999999999\r\n", "(1234567999999999999999999999999999999\r\n",
                w -> w.bigNumber("1234567999999999999999999999999999999"));
        both("$5\r\n-1234\r\n", "(-1234\r\n", w -> w.bigNumber("-1234"));
    }

    @Test
    void attributes() {
        assertEquals("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
                + "$39\r\nSome real reply following the attribute\r\n", write(3, w -> {
                    w.attribute(1);
                    w.bulk("key-popularity");
                    w.array(2);
                    w.bulk("key:123");
                    w.integer(90);
                    w.bulk("Some real reply following the attribute");
                }));
    }

    @Test
    void deferredLengths() {
        both("*2\r\n:1\r\n:2\r\n", "*2\r\n:1\r\n:2\r\n", w -> {
            int m = w.beginDeferred();
            w.integer(1);
            w.integer(2);
            w.endArray(m, 2);
        });
        both("*0\r\n", "*0\r\n", w -> w.endArray(w.beginDeferred(), 0));
        both("*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n", w -> {
            int m = w.beginDeferred();
            w.bulk("a");
            w.integer(1);
            w.bulk("b");
            w.integer(2);
            w.endMap(m, 2);
        });
        both("*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n", w -> {
            int m = w.beginDeferred();
            w.bulk("x");
            w.endSet(m, 1);
        });
    }

    @Test
    void deferredLengthsAfterEarlierReplies() {
        both("+OK\r\n*1\r\n:5\r\n:6\r\n", "+OK\r\n*1\r\n:5\r\n:6\r\n", w -> {
            w.ok();
            int m = w.beginDeferred();
            w.integer(5);
            w.endArray(m, 1);
            w.integer(6);
        });
    }

    @Test
    void nestedDeferredLengths() {
        // An outer deferred map of deferred arrays, like a reply grouped while it is built.
        String resp3 = "%2\r\n$1\r\na\r\n*3\r\n:1\r\n:2\r\n:3\r\n$1\r\nb\r\n*100\r\n" + ":7\r\n".repeat(100);
        String resp2 = "*4" + resp3.substring(2);
        both(resp2, resp3, w -> {
            int outer = w.beginDeferred();
            w.bulk("a");
            int inner = w.beginDeferred();
            w.integer(1);
            w.integer(2);
            w.integer(3);
            w.endArray(inner, 3);
            w.bulk("b");
            int inner2 = w.beginDeferred();
            for (int i = 0; i < 100; i++) {
                w.integer(7);
            }
            w.endArray(inner2, 100);
            w.endMap(outer, 2);
        });
    }

    @Test
    void deferredLengthsAroundLargeBodies() {
        // Larger than the scratch used to move the body, on heap and direct buffers.
        StringBuilder expected = new StringBuilder("*20000\r\n");
        for (int i = 0; i < 20_000; i++) {
            expected.append("$5\r\n").append(String.format("%05d", i)).append("\r\n");
        }
        for (ByteBuf out : new ByteBuf[] {Unpooled.buffer(8), PooledByteBufAllocator.DEFAULT.directBuffer(8)}) {
            try {
                ReplyWriter w = new ReplyWriter(out);
                int m = w.beginDeferred();
                for (int i = 0; i < 20_000; i++) {
                    w.bulk(String.format("%05d", i));
                }
                w.endArray(m, 20_000);
                assertEquals(expected.toString(), out.toString(StandardCharsets.ISO_8859_1));
            } finally {
                out.release();
            }
        }
    }

    @Test
    void aHugeReplyGrowsItsBufferByDoubling() {
        // Netty alone grows past 4 MB in 4 MB steps; 100 MB would take 25 of them, each a full copy.
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        try {
            ReplyWriter w = new ReplyWriter(out);
            byte[] value = new byte[1024];
            int growths = 0;
            int capacity = out.capacity();
            w.array(100 * 1024);
            for (int i = 0; i < 100 * 1024; i++) {
                w.bulk(value);
                if (out.capacity() != capacity) {
                    growths++;
                    capacity = out.capacity();
                }
            }
            assertEquals(100 * 1024 * (1024 + 9) + 9, out.readableBytes());
            assertTrue(growths <= 22, "grew " + growths + " times");
        } finally {
            out.release();
        }
    }

    @Test
    void rawBytesGoOutUnchanged() {
        both(":1\r\n:2\r\n", ":1\r\n:2\r\n", w -> w.raw(b(":1\r\n:2\r\n")));
    }

    @Test
    void protocolVersion() {
        ReplyWriter w = new ReplyWriter();
        assertEquals(2, w.protocol());
        assertEquals(false, w.resp3());
        w.protocol(3);
        assertEquals(true, w.resp3());
    }

    @Test
    void aLimitIsAskedAsTheRepliesGrowAndCanStopThem() {
        ByteBuf out = Unpooled.buffer(16);
        ReplyWriter w = new ReplyWriter(out);
        java.util.List<Long> asked = new java.util.ArrayList<>();
        w.limit(bytes -> {
            asked.add(bytes);
            return bytes >= 100 ? -1 : bytes + 30;
        });
        w.ok();
        assertEquals(java.util.List.of(5L), asked, "the first write asks");
        for (int i = 0; i < 100; i++) {
            w.bulk(b("0123456789"));
        }
        assertTrue(w.discarding());
        assertEquals(0, out.readableBytes(), "what was buffered is dropped");
        int calls = asked.size();
        w.bulk(b("more"));
        w.integer(12);
        w.array(3);
        int mark = w.beginDeferred();
        w.endArray(mark, 4);
        assertEquals(0, out.readableBytes(), "and nothing more is written");
        assertEquals(calls, asked.size(), "nor asked");
        assertTrue(asked.get(asked.size() - 1) >= 100);
        w.error("ERR counted anyway");
        assertEquals(1, w.errors());
    }

    @Test
    void withoutALimitNothingIsAsked() {
        ByteBuf out = Unpooled.buffer(16);
        ReplyWriter w = new ReplyWriter(out);
        for (int i = 0; i < 1000; i++) {
            w.bulk(b("0123456789"));
        }
        assertEquals(17000, out.readableBytes());
        w.limit(bytes -> -1);
        w.limit(null);
        w.ok();
        assertEquals(17005, out.readableBytes());
    }
}
