package dev.cinnabar.protocol;

import static dev.cinnabar.protocol.DecoderRun.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * What the decoder gives the server's log about a protocol error and an oversized query buffer,
 * checked against the lines redis-server 7.0.15 wrote at loglevel verbose for the same input.
 */
class RequestDecoderLogTextTest {
    private static DecoderRun failing(String input, boolean authRequired) {
        DecoderRun run = new DecoderRun().auth(authRequired).feed(input);
        assertEquals(RequestDecoder.ERROR, run.decoder.next(authRequired, run.maxBulk), input);
        return run;
    }

    private static void assertLogged(String input, boolean auth, String reason, String sample) {
        DecoderRun run = failing(input, auth);
        assertEquals(reason, run.decoder.errorReason(), input);
        assertEquals("Query buffer during protocol error: " + sample, run.decoder.errorSample(), input);
    }

    @Test
    void eachErrorHasRedisLogWordingAndSample() {
        assertLogged("*x\r\n", false, "invalid mbulk count", "'*x..'");
        assertLogged("*1\r\n$x\r\n", false, "invalid bulk length", "'$x..'");
        assertLogged("*2\r\n$4\r\nECHO\r\n$-5\r\n", false, "invalid bulk length", "'$-5..'");
        assertLogged("*1\r\n$99999999999\r\n", false, "invalid bulk length", "'$99999999999..'");
        assertLogged("*1\r\nfoo\r\n", false, "expected $ but got something else", "'foo..'");
        assertLogged("PING\r\nECHO \"abc\r\n", false, "unbalanced quotes in inline request", "'ECHO \"abc..'");
        assertLogged("*11\r\n", true, "unauth mbulk count", "'*11..'");
        assertLogged("*1\r\n$20000\r\n", true, "unauth bulk length", "'$20000..'");
    }

    @Test
    void aLongInputIsSampledByItsTwoEnds() {
        String a64 = "a".repeat(64);
        assertLogged("a".repeat(70_000), false, "too big inline request",
                "'" + a64 + "' (... more 69872 bytes ...) '" + a64 + "'");
        assertLogged("*" + "1".repeat(70_000), false, "too big mbulk count string",
                "'*" + "1".repeat(63) + "' (... more 69873 bytes ...) '" + "1".repeat(64) + "'");
        assertLogged("*1\r\n$" + "1".repeat(70_000), false, "too big bulk count string",
                "'$" + "1".repeat(63) + "' (... more 69873 bytes ...) '" + "1".repeat(64) + "'");
    }

    @Test
    void aLongLineWithUnbalancedQuotesIsSampledAsSent() {
        assertLogged("ECHO \"" + "b".repeat(200) + "\r\nPING\r\n", false, "unbalanced quotes in inline request",
                "'ECHO \"" + "b".repeat(58) + "' (... more 86 bytes ...) '" + "b".repeat(56) + "..PING..'");
    }

    @Test
    void theSampleStopsAtANulAndMasksWhatIsNotPrintable() {
        assertLogged("*1\r\n\u00ff\u0001x\r\n", false, "expected $ but got something else", "'..x..'");
        assertLogged("*1\r\nab\r\n\u0000cd", false, "expected $ but got something else", "'ab..'");
    }

    @Test
    void theReplyTextIsUnchanged() {
        assertEquals("Protocol error: invalid multibulk length", failing("*x\r\n", false).decoder.error());
        assertEquals("Protocol error: unbalanced quotes in request", failing("ECHO 'a\r\n", false).decoder.error());
    }

    @Test
    void unparsedBytesAreQuotedAsSdscatreprDoes() {
        RequestDecoder d = new RequestDecoder();
        byte[] in = bytes("*2\r\n$4\r\nECHO\r\n$5\r\na\"\\\t\u0007");
        d.feed(in, 0, in.length);
        assertEquals(RequestDecoder.NEED_MORE, d.next(false, 1L << 29));
        // The "$5" header is parsed already: only the payload so far is unparsed.
        assertEquals("\"a\\\"\\\\\\t\\a\"", d.unparsedRepr(64));

        RequestDecoder big = new RequestDecoder();
        byte[] head = bytes("*2\r\n$3\r\nSET\r\n$100000\r\n" + "\u0000\u00ff\bz" + "x".repeat(100));
        big.feed(head, 0, head.length);
        assertEquals(RequestDecoder.NEED_MORE, big.next(false, 1L << 29));
        // Inside a big argument Redis's query buffer starts with the argument's own bytes.
        assertEquals("\"\\x00\\xff\\bz" + "x".repeat(60) + "\"", big.unparsedRepr(64));
    }
}
