package dev.cinnabar.protocol;

import static dev.cinnabar.protocol.DecoderRun.bytes;
import static dev.cinnabar.protocol.DecoderRun.resp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The request decoder against Redis 7.0.15's parser, each rule checked on the real server. */
class RequestDecoderTest {
    /** A little of everything the decoder reads, to be fed in every way. */
    private static final String MIXED = resp("SET", "key", "value")
            + resp("GET", "key")
            + "PING\r\n"
            + resp("ECHO", "bin\u0000\r\n\u00ff")
            + "*0\r\n"
            + "ECHO \"quoted \\x41\\n\" 'single \\' quote'\r\n"
            + "\r\n"
            + "*-1\r\n"
            + "   \t \r\n"
            + resp("SET", "k", "")
            + "ECHO \"\"\n"
            + resp("MSET", "a", "1", "b", "2", "c", "3");

    private static List<String> whole(String input) {
        return new DecoderRun().feed(input).summary();
    }

    @Test
    void heldBytesCountWhatAHalfReadRequestPins() {
        RequestDecoder d = new RequestDecoder();
        StringBuilder req = new StringBuilder("*200003\r\n$4\r\nMSET\r\n");
        String value = "v".repeat(40);
        for (int i = 0; i < 100_000; i++) {
            req.append("$8\r\nkey:").append(String.format("%04d", i % 10000)).append("\r\n$40\r\n").append(value).append("\r\n");
        }
        byte[] b = req.toString().getBytes(StandardCharsets.ISO_8859_1);
        // Fed in 64 KB pieces, as reads arrive: the request is still missing its last argument.
        for (int off = 0; off < b.length; off += 65536) {
            d.feed(b, off, Math.min(65536, b.length - off));
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, 512 * 1024 * 1024));
        }
        assertTrue(d.heldBytes() >= b.length, d.heldBytes() + " bytes held for " + b.length + " bytes read");
        assertTrue(d.heldBytes() >= d.capacity());
    }

    @Test
    void decodesMultibulkAndInlineCommands() {
        assertEquals(List.of(
                "SET|key|value",
                "GET|key",
                "PING",
                "ECHO|bin\u0000\r\n\u00ff",
                "",
                "ECHO|quoted A\n|single ' quote",
                "",
                "",
                "",
                "SET|k|",
                "ECHO|",
                "MSET|a|1|b|2|c|3"), whole(MIXED));
    }

    @Nested
    class Fragmentation {
        @Test
        void byteAtATimeGivesTheSameCommands() {
            assertEquals(whole(MIXED), new DecoderRun().feedInPieces(MIXED, 1).summary());
        }

        @Test
        void everyPieceSizeGivesTheSameCommands() {
            List<String> expected = whole(MIXED);
            for (int size = 2; size <= MIXED.length(); size++) {
                assertEquals(expected, new DecoderRun().feedInPieces(MIXED, size).summary(), "pieces of " + size);
            }
        }

        @Test
        void everySplitPointOfEveryCommandGivesTheSameCommand() {
            List<String> expected = whole(MIXED);
            for (int cut = 1; cut < MIXED.length(); cut++) {
                DecoderRun run = new DecoderRun().feed(MIXED.substring(0, cut)).feed(MIXED.substring(cut));
                assertEquals(expected, run.summary(), "cut at " + cut);
            }
        }

        @Test
        void crlfSplitAcrossFeeds() {
            DecoderRun run = new DecoderRun();
            run.feed("*2\r");
            run.feed("\n$4\r");
            run.feed("\nECHO\r");
            run.feed("\n$2\r");
            run.feed("\nhi\r");
            assertEquals(List.of(), run.summary(), "the payload's CRLF has not fully arrived");
            run.feed("\nPING\r");
            assertEquals(List.of("ECHO|hi"), run.summary());
            run.feed("\n");
            assertEquals(List.of("ECHO|hi", "PING"), run.summary());
        }

        @Test
        void aHeaderWaitsForTheByteAfterItsCr() {
            DecoderRun run = new DecoderRun().feed("*1\r");
            assertEquals(RequestDecoder.NEED_MORE, run.decoder.next(false, Long.MAX_VALUE));
            run.feed("\n$4\r\nPING\r\n");
            assertEquals(List.of("PING"), run.summary());
        }

        @Test
        void aBulkArrivingAcrossManyFeeds() {
            char[] value = new char[20_000];
            for (int i = 0; i < value.length; i++) {
                value[i] = (char) ('a' + i % 26);
            }
            String v = new String(value);
            assertEquals(List.of(DecoderRun.shorten("SET|k|" + v)), new DecoderRun().feedInPieces(resp("SET", "k", v), 7).summary());
        }

        @Test
        void aBigBulkArrivingAcrossManyFeeds() {
            String v = "x".repeat(100_000) + "y";
            String input = resp("SET", "k", v) + "PING\r\n";
            for (int size : new int[] {1, 3, 1000, 65536, input.length()}) {
                assertEquals(List.of(DecoderRun.shorten("SET|k|" + v), "PING"), new DecoderRun().feedInPieces(input, size).summary(),
                        "pieces of " + size);
            }
        }
    }

    @Nested
    class Pipelines {
        @Test
        void tenThousandCommandsInOneFeed() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                sb.append(i % 3 == 0 ? "PING\r\n" : resp("SET", "key:" + i, "v" + i));
            }
            List<String> got = whole(sb.toString());
            assertEquals(10_000, got.size());
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i % 3 == 0 ? "PING" : "SET|key:" + i + "|v" + i, got.get(i));
            }
        }

        @Test
        void aCommandOfTwentyThousandArguments() {
            String[] args = new String[20_001];
            args[0] = "MSET";
            for (int i = 1; i < args.length; i++) {
                args[i] = i % 2 == 1 ? "k" + i : "v";
            }
            List<String> got = new DecoderRun().feedInPieces(resp(args), 4096).summary();
            assertEquals(List.of(DecoderRun.shorten(String.join("|", args))), got);
        }

        @Test
        void theArgumentsSurviveTheBufferGrowingMidCommand() {
            DecoderRun run = new DecoderRun();
            run.feed("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$20000\r\n");
            // The next feed makes the buffer grow: the slices taken so far must follow the bytes.
            run.feed("v".repeat(20_000) + "\r\n");
            assertEquals(List.of(DecoderRun.shorten("SET|key|" + "v".repeat(20_000))), run.summary());
        }

        @Test
        void theArgumentsSurviveTheBufferCompactingMidCommand() {
            DecoderRun run = new DecoderRun();
            // Fill most of the first buffer with finished commands, then start one.
            StringBuilder done = new StringBuilder();
            while (done.length() < 900) {
                done.append("PING\r\n");
            }
            run.feed(done + "*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$5\r\nval");
            int capacity = run.decoder.capacity();
            run.feed("ue\r\n" + "x".repeat(capacity - 200));
            List<String> got = run.summary();
            assertEquals("SET|key:1|value", got.get(got.size() - 1));
        }

        @Test
        void aPartialCommandKeepsItsParsedArgumentsAcrossManyGrowths() {
            DecoderRun run = new DecoderRun();
            StringBuilder sb = new StringBuilder("*1001\r\n");
            List<String> args = new ArrayList<>();
            for (int i = 0; i < 1001; i++) {
                String a = "arg" + i + "-".repeat(i % 50);
                args.add(a);
                sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            run.feedInPieces(sb.toString(), 333);
            assertEquals(List.of(DecoderRun.shorten(String.join("|", args))), run.summary());
        }
    }

    @Nested
    class BigArguments {
        @Test
        void aBulkOfFiftyMegabytesIsCopiedOnceAndLeavesNoBigBuffer() {
            int size = 50 * 1024 * 1024;
            byte[] header = bytes("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + size + "\r\n");
            RequestDecoder d = new RequestDecoder();
            d.feed(header, 0, header.length);
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, 512L * 1024 * 1024));
            byte[] chunk = new byte[65536];
            int sent = 0;
            while (sent < size) {
                int n = Math.min(chunk.length, size - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) ((sent + i) * 31);
                }
                d.feed(chunk, 0, n);
                assertEquals(RequestDecoder.NEED_MORE, d.next(false, 512L * 1024 * 1024));
                sent += n;
                assertTrue(d.capacity() <= 2L * sent + 2 * 1024 * 1024,
                        "the bulk's array grows with what arrived, not with what was announced");
            }
            byte[] tail = bytes("\r\nPING\r\n");
            d.feed(tail, 0, tail.length);
            assertEquals(RequestDecoder.COMMAND, d.next(false, 512L * 1024 * 1024));
            Argv a = d.argv();
            assertEquals(3, a.count());
            assertEquals("big", a.string(1));
            assertEquals(size, a.length(2));
            for (int i = 0; i < size; i += 4099) {
                assertEquals((byte) (i * 31), a.byteAt(2, i), "byte " + i);
            }
            assertEquals(size, a.array(2).length, "the big argument owns an array of exactly its size");
            byte[] array = a.array(2);
            assertSame(array, a.take(2), "a handler may keep the big argument without a copy");
            assertTrue(array != a.take(2), "but only once");
            assertTrue(a.array(1) != a.take(1), "a slice of the query buffer is copied");
            assertArrayEquals(bytes("big"), a.take(1));
            assertEquals(RequestDecoder.COMMAND, d.next(false, 512L * 1024 * 1024));
            assertEquals("PING", d.argv().string(0));
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, 512L * 1024 * 1024));
            assertTrue(d.capacity() <= RequestDecoder.KEEP_IDLE_CAPACITY, "query buffer stays small: " + d.capacity());
        }

        @Test
        void aBigBulkWhosePayloadCameWithItsHeader() {
            String v = "z".repeat(40_000);
            String input = resp("SET", "a", v) + resp("SET", "b", v) + "PING\r\n";
            assertEquals(List.of(DecoderRun.shorten("SET|a|" + v), DecoderRun.shorten("SET|b|" + v), "PING"), whole(input));
        }

        @Test
        void theTwoBytesAfterABigPayloadMayComeLater() {
            String v = "q".repeat(33_000);
            DecoderRun run = new DecoderRun().feed("*2\r\n$4\r\nECHO\r\n$33000\r\n" + v);
            assertEquals(List.of(), run.summary());
            run.feed("\r");
            assertEquals(List.of(), run.summary());
            run.feed("\n");
            assertEquals(List.of(DecoderRun.shorten("ECHO|" + v)), run.summary());
        }

        @Test
        void aBulkJustBelowTheBigSizeStaysInTheQueryBuffer() {
            String v = "s".repeat(RequestDecoder.BIG_ARG - 1);
            DecoderRun run = new DecoderRun().feed(resp("ECHO", v));
            assertEquals(List.of(DecoderRun.shorten("ECHO|" + v)), run.summary());
        }

        @Test
        void severalBigArgumentsInOneCommand() {
            String a = "a".repeat(70_000);
            String b = "b".repeat(50_000);
            String input = resp("MSET", "k1", a, "k2", b);
            for (int size : new int[] {1 << 10, 1 << 14, 1 << 16, input.length()}) {
                assertEquals(List.of(DecoderRun.shorten("MSET|k1|" + a + "|k2|" + b)), new DecoderRun().feedInPieces(input, size).summary());
            }
        }
    }

    @Nested
    class EmptyRequests {
        @Test
        void zeroAndNegativeCountsAreEmptyRequests() {
            assertEquals(List.of("", "", "", "PING"), whole("*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n"));
        }

        @Test
        void emptyAndBlankInlineLinesAreEmptyRequests() {
            assertEquals(List.of("", "", "", "", "PING"), whole("\r\n\n  \t \r\n\u000b\r\nPING\n"));
        }

        @Test
        void anEmptyRequestHasNoArguments() {
            DecoderRun run = new DecoderRun();
            run.decoder.feed(bytes("*0\r\n"), 0, 4);
            assertEquals(RequestDecoder.COMMAND, run.decoder.next(false, Long.MAX_VALUE));
            assertEquals(0, run.decoder.argv().count());
        }
    }

    @Nested
    class Quirks {
        @Test
        void theByteAfterAHeaderCrIsSkippedUnchecked() {
            assertEquals(List.of("PING", "PING"), whole("*1\rX$4\rYPINGxxPING\r\n"));
        }

        @Test
        void anInlineLineMayEndWithABareLf() {
            assertEquals(List.of("PING", "ECHO|a"), whole("PING\nECHO a\r\n"));
        }

        @Test
        void onlyOneCrBeforeTheLfIsDropped() {
            // "PING\r" is split on the CR, so the command is still PING.
            assertEquals(List.of("PING"), whole("PING\r\r\n"));
        }

        @Test
        void aRequestStartingWithAnotherTypeByteIsInline() {
            assertEquals(List.of("$3", "+PING", ":1"), whole("$3\r\n+PING\r\n:1\r\n"));
        }

        @Test
        void aNulBeforeTheLineEndHidesIt() {
            DecoderRun run = new DecoderRun().feed("PING\u0000\r\n");
            assertEquals(List.of(), run.summary());
            run.feed("PING\r\n");
            assertEquals(List.of(), run.summary(), "still waiting: the NUL hides every later line end");
            run.feed("a".repeat(RequestDecoder.INLINE_MAX_SIZE));
            assertEquals(List.of("ERROR Protocol error: too big inline request"), run.summary());
        }

        @Test
        void aNulInAMultibulkHeaderHidesItsEnd() {
            DecoderRun run = new DecoderRun().feed("*1\u0000\r\n$4\r\nPING\r\n");
            assertEquals(List.of(), run.summary());
            run.feed("x".repeat(RequestDecoder.INLINE_MAX_SIZE));
            assertEquals(List.of("ERROR Protocol error: too big mbulk count string"), run.summary());
        }

        @Test
        void aNulInABulkHeaderHidesItsEnd() {
            DecoderRun run = new DecoderRun().feed("*1\r\n$4\u0000\r\nPING\r\n");
            assertEquals(List.of(), run.summary());
            run.feed("x".repeat(RequestDecoder.INLINE_MAX_SIZE));
            assertEquals(List.of("ERROR Protocol error: too big bulk count string"), run.summary());
        }

        @Test
        void aNulInsideAPayloadIsJustAByte() {
            assertEquals(List.of("SET|k|a\u0000b", "PING"), whole(resp("SET", "k", "a\u0000b") + "PING\r\n"));
        }

        @Test
        void theRedisTestSuitesDesyncSequencesEndInProtocolErrors() {
            // tests/unit/protocol.tcl sends these, then garbage until the connection closes.
            for (String start : new String[] {"\u0000", "*\u0000", "$\u0000"}) {
                DecoderRun run = new DecoderRun().feed(start);
                for (int i = 0; i < 10_000 && run.error == null; i++) {
                    run.feed("payload");
                }
                assertTrue(run.error != null && run.error.startsWith("Protocol error: too big"), start + ": " + run.error);
            }
        }
    }

    @Nested
    class Errors {
        private String errorOf(String input) {
            DecoderRun run = new DecoderRun().feed(input);
            return run.error;
        }

        @Test
        void invalidMultibulkLength() {
            for (String count : new String[] {"", "x", "1x", " 1", "1 ", "+1", "-0", "01", "2147483648",
                "9223372036854775808", "-9223372036854775809", "123456789012345678901"}) {
                assertEquals("Protocol error: invalid multibulk length", errorOf("*" + count + "\r\n"), "*" + count);
            }
        }

        @Test
        void theLargestCountsAreAccepted() {
            assertNull(errorOf("*2147483647\r\n"));
            assertNull(errorOf("*1048577\r\n"));
        }

        @Test
        void invalidBulkLength() {
            for (String len : new String[] {"", "x", "-1", "-0", "01", "+1", "1 ", "536870913",
                "9223372036854775807", "-9223372036854775808", "99999999999999999999"}) {
                assertEquals("Protocol error: invalid bulk length", errorOf("*1\r\n$" + len + "\r\n"), "$" + len);
            }
        }

        @Test
        void theProtoMaxBulkLenIsTheLimit() {
            assertNull(new DecoderRun().maxBulk(1000).feed("*1\r\n$1000\r\n").error);
            assertEquals("Protocol error: invalid bulk length", new DecoderRun().maxBulk(1000).feed("*1\r\n$1001\r\n").error);
            assertNull(errorOf("*1\r\n$536870912\r\n"), "512 MB is the default limit itself");
        }

        @Test
        void expectedDollar() {
            assertEquals("Protocol error: expected '$', got 'f'", errorOf("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"));
            assertEquals("Protocol error: expected '$', got 'f'", errorOf("*1\r\nfoo\r\n"));
            assertEquals("Protocol error: expected '$', got '\r'", errorOf("*1\r\n\r\n"));
            assertEquals("Protocol error: expected '$', got '\u00ff'", errorOf("*1\r\n\u00ff\r\n"));
            assertEquals("Protocol error: expected '$', got '*'", errorOf("*2\r\n*1\r\n$4\r\nPING\r\n"));
        }

        @Test
        void expectedDollarWaitsForTheLine() {
            DecoderRun run = new DecoderRun().feed("*1\r\nfoo");
            assertNull(run.error, "Redis judges the line only once its CR has come");
            run.feed("\r\n");
            assertEquals("Protocol error: expected '$', got 'f'", run.error);
        }

        @Test
        void unbalancedQuotes() {
            for (String line : new String[] {"ECHO \"abc", "ECHO 'abc", "ECHO \"a\"b", "ECHO 'a'b",
                "set \"\"\"test-key\"\"\" test-value", "ECHO \"a\\\"", "ECHO a\"b c\"d"}) {
                assertEquals("Protocol error: unbalanced quotes in request", errorOf(line + "\r\n"), line);
            }
        }

        @Test
        void tooBigInlineRequest() {
            String max = "a".repeat(RequestDecoder.INLINE_MAX_SIZE);
            assertNull(errorOf(max), "exactly 64 KB without a line end still waits");
            assertEquals("Protocol error: too big inline request", errorOf(max + "a"));
        }

        @Test
        void tooBigCountStrings() {
            String digits = "1".repeat(RequestDecoder.INLINE_MAX_SIZE);
            assertNull(errorOf("*" + digits.substring(1)));
            assertEquals("Protocol error: too big mbulk count string", errorOf("*" + digits));
            assertNull(errorOf("*1\r\n$" + digits.substring(1)));
            assertEquals("Protocol error: too big bulk count string", errorOf("*1\r\n$" + digits));
            assertEquals("Protocol error: too big bulk count string", errorOf("*1\r\n" + "X".repeat(70_000)),
                    "the size is judged before the '$'");
        }

        @Test
        void longLinesAreJudgedOnWhatRedisWouldHaveReadByThen() {
            // Redis reads 16 KB at a time and parses after each read: a line that is complete
            // within the read that takes the buffer past 64 KB is accepted.
            assertEquals(List.of(DecoderRun.shorten("ECHO|" + "a".repeat(70_000))), whole("ECHO " + "a".repeat(70_000) + "\r\n"));
            assertEquals(List.of(DecoderRun.shorten("ECHO|" + "a".repeat(79_000))), whole("ECHO " + "a".repeat(79_000) + "\r\n"));
            assertEquals(List.of("ERROR Protocol error: too big inline request"),
                    whole("ECHO " + "a".repeat(82_000) + "\r\n"));
            assertEquals(List.of("ERROR Protocol error: too big inline request"),
                    whole("ECHO " + "a".repeat(100_000) + "\r\n"));
            // Arriving in small pieces, the same 70 KB line passes 64 KB before its end is seen.
            assertEquals(List.of("ERROR Protocol error: too big inline request"),
                    new DecoderRun().feedInPieces("ECHO " + "a".repeat(70_000) + "\r\n", 1000).summary());
        }

        @Test
        void unauthenticatedLimits() {
            DecoderRun run = new DecoderRun().auth(true);
            String ten = resp("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
            run.feed(ten);
            assertEquals(1, run.commands.size(), "ten arguments are allowed");
            run.feed("*11\r\n");
            assertEquals("Protocol error: unauthenticated multibulk length", run.error);

            assertNull(new DecoderRun().auth(true).feed("*1\r\n$16384\r\n").error);
            assertEquals("Protocol error: unauthenticated bulk length",
                    new DecoderRun().auth(true).feed("*1\r\n$16385\r\n").error);
            assertEquals("Protocol error: invalid bulk length",
                    new DecoderRun().auth(true).feed("*1\r\n$-1\r\n").error, "validity is checked first");
            assertEquals("Protocol error: invalid multibulk length",
                    new DecoderRun().auth(true).feed("*2147483648\r\n").error);
            assertNull(new DecoderRun().auth(false).feed("*11\r\n$16385\r\n").error);
        }

        @Test
        void theLimitsFollowAuthenticationCommandByCommand() {
            RequestDecoder d = new RequestDecoder();
            byte[] in = bytes(resp("AUTH", "pw") + "*11\r\n");
            d.feed(in, 0, in.length);
            assertEquals(RequestDecoder.COMMAND, d.next(true, Long.MAX_VALUE));
            // AUTH succeeded: the next command is judged as an authenticated client's.
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, Long.MAX_VALUE));
        }

        @Test
        void commandsBeforeAnErrorAreDecodedAndNothingAfterIt() {
            DecoderRun run = new DecoderRun().feed("PING\r\n" + resp("GET", "k") + "*x\r\n" + "PING\r\n");
            assertEquals(List.of("PING", "GET|k", "ERROR Protocol error: invalid multibulk length"), run.summary());
            run.feed("PING\r\n");
            assertEquals(RequestDecoder.ERROR, run.decoder.next(false, Long.MAX_VALUE), "the error sticks");
            assertEquals(2, run.commands.size());
        }
    }

    @Nested
    class Lengths {
        private long parse(String s) {
            byte[] b = bytes(s);
            return RequestDecoder.parseLength(b, 0, b.length);
        }

        @Test
        void parsesAsString2ll() {
            assertEquals(0, parse("0"));
            assertEquals(7, parse("7"));
            assertEquals(-7, parse("-7"));
            assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
            assertEquals(-9223372036854775807L, parse("-9223372036854775807"));
            assertEquals(-1, parse("-9223372036854775808"), "-2^63 is valid; only its sign matters");
            for (String bad : new String[] {"", "-", "+1", "-0", "00", "01", " 1", "1 ", "1a", "9223372036854775808",
                "-9223372036854775809", "123456789012345678901", "\u00001"}) {
                assertEquals(RequestDecoder.INVALID, parse(bad), "'" + bad + "'");
            }
        }
    }

    @Nested
    class Buffer {
        @Test
        void anIdleDecoderRewindsAndKeepsASmallBuffer() {
            DecoderRun run = new DecoderRun().feed("PING\r\n");
            assertTrue(run.decoder.idle());
            assertEquals(0, run.decoder.pendingBytes());
            int cap = run.decoder.capacity();
            for (int i = 0; i < 1000; i++) {
                run.feed("PING\r\n");
            }
            assertEquals(cap, run.decoder.capacity(), "the buffer is reused from its start");
        }

        @Test
        void aBufferGrownByABigRequestIsDroppedWhenIdle() {
            String part = "p".repeat(30_000);
            DecoderRun run = new DecoderRun().feed(resp("MSET", part, part, part, part)
                    + "*2\r\n$4\r\nECHO\r\n$20000\r\n" + "c".repeat(20_000));
            assertTrue(run.decoder.capacity() > RequestDecoder.KEEP_IDLE_CAPACITY);
            run.feed("\r\n");
            assertEquals(2, run.commands.size());
            assertEquals(0, run.decoder.capacity());
        }

        @Test
        void pendingAndUnparsedBytes() {
            RequestDecoder d = new RequestDecoder();
            byte[] in = bytes("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
            d.feed(in, 0, in.length);
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, Long.MAX_VALUE));
            assertEquals(in.length, d.pendingBytes());
            assertEquals(3, d.unparsedBytes(), "parsed arguments are not counted, as in Redis's query buffer");
            assertTrue(!d.idle());
        }

        @Test
        void trimDropsOnlyAnIdleBuffer() {
            RequestDecoder d = new RequestDecoder();
            byte[] part = bytes("*1\r\n$4\r\nPI");
            d.feed(part, 0, part.length);
            d.next(false, Long.MAX_VALUE);
            d.trim();
            byte[] rest = bytes("NG\r\n");
            d.feed(rest, 0, rest.length);
            assertEquals(RequestDecoder.COMMAND, d.next(false, Long.MAX_VALUE));
            assertEquals("PING", d.argv().string(0));
            d.trim();
            assertEquals(0, d.capacity());
        }
    }

    @Test
    void argumentsAreSlicesOfTheQueryBuffer() {
        RequestDecoder d = new RequestDecoder();
        byte[] in = bytes(resp("GET", "key"));
        d.feed(in, 0, in.length);
        assertEquals(RequestDecoder.COMMAND, d.next(false, Long.MAX_VALUE));
        assertSame(d.argv().array(0), d.argv().array(1), "no copy per argument");
        assertArrayEquals(bytes("key"), d.argv().copy(1));
    }

    @Test
    void inlineArgumentsAreSlicesToo() {
        RequestDecoder d = new RequestDecoder();
        byte[] in = bytes("SET \"a\\x41\" 'b'\r\n");
        d.feed(in, 0, in.length);
        assertEquals(RequestDecoder.COMMAND, d.next(false, Long.MAX_VALUE));
        assertEquals(3, d.argv().count());
        assertSame(d.argv().array(0), d.argv().array(2));
        assertEquals("aA", d.argv().string(1));
    }

    @Test
    void randomPipelinesDecodeTheSameHoweverTheyArePieced() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            int n = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                String[] args = new String[1 + rnd.nextInt(5)];
                for (int j = 0; j < args.length; j++) {
                    byte[] arg = new byte[rnd.nextInt(8) == 0 ? rnd.nextInt(40_000) : rnd.nextInt(20)];
                    rnd.nextBytes(arg);
                    args[j] = new String(arg, StandardCharsets.ISO_8859_1);
                }
                byte[] r = bytes(resp(args));
                stream.write(r, 0, r.length);
                expected.add(DecoderRun.shorten(String.join("|", args)));
            }
            byte[] all = stream.toByteArray();
            List<Integer> cuts = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
                cuts.add(rnd.nextInt(all.length));
            }
            cuts.add(all.length);
            Collections.sort(cuts);
            DecoderRun run = new DecoderRun();
            int from = 0;
            for (int cut : cuts) {
                run.feed(Arrays.copyOfRange(all, from, cut));
                from = cut;
            }
            assertEquals(expected, run.summary(), "round " + round);
        }
    }

    @Nested
    class PeekAhead {
        private List<String> peek(RequestDecoder d, int max, int[] requests) {
            List<String> seen = new ArrayList<>();
            requests[0] = d.peekSecondArguments(max, (b, off, len) -> seen.add(DecoderRun.text(Arrays.copyOfRange(b, off, off + len))));
            return seen;
        }

        @Test
        void namesTheSecondArgumentOfEachCompleteRequestAndConsumesNothing() {
            RequestDecoder d = new RequestDecoder();
            String batch = resp("SET", "k1", "v") + resp("PING") + resp("GET", "k2") + resp("MSET", "a", "1", "b", "2")
                    + "*3\r\n$3\r\nSET\r\n$2\r\nk3"; // the last one incomplete
            d.feed(bytes(batch), 0, batch.length());
            int[] requests = new int[1];
            assertEquals(List.of("k1", "k2", "a"), peek(d, 32, requests));
            assertEquals(4, requests[0], "PING counts as a request, with no second argument");
            assertEquals(List.of("k1"), peek(d, 1, requests), "at most max requests");
            assertEquals(1, requests[0]);
            // Nothing was consumed: the decoder still gives every request.
            for (String key : List.of("k1", "PING", "k2", "a")) {
                assertEquals(RequestDecoder.COMMAND, d.next(false, 512 * 1024 * 1024));
                assertEquals(key, d.argv().latin1(d.argv().count() > 1 ? 1 : 0));
            }
            assertEquals(RequestDecoder.NEED_MORE, d.next(false, 512 * 1024 * 1024));
            assertEquals(List.of(), peek(d, 32, requests), "mid-request: nothing to peek at");
            assertEquals(0, requests[0]);
        }

        @Test
        void stopsAtWhatNextMustJudge() {
            int[] requests = new int[1];
            for (String tail : List.of("PING\r\n", "*0\r\n", "*-1\r\n", "*x\r\n", "*2\r\n$-1\r\n", "*2\r\n:1\r\n",
                    "*2\r\n$3\r\nGET\r\n$40000\r\n", "*65\r\n")) {
                RequestDecoder d = new RequestDecoder();
                String in = resp("GET", "first") + tail + resp("GET", "after");
                d.feed(bytes(in), 0, in.length());
                assertEquals(List.of("first"), peek(d, 32, requests), tail);
                assertEquals(1, requests[0], tail);
            }
        }
    }
}
