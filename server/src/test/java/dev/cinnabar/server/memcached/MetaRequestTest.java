package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Meta flag parsing as memcached 1.6.18's preparse does it. */
class MetaRequestTest {
    private final TextLine line = new TextLine();
    private final MetaRequest r = new MetaRequest();

    private MetaRequest parse(String text, int first) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        line.split(b, 0, b.length, b.length);
        r.load(line);
        r.preparse(first);
        return r;
    }

    private String key() {
        return new String(r.key, r.keyOff, r.keyLen, StandardCharsets.ISO_8859_1);
    }

    @Test
    void tokensCountTheTerminalOneAsMemcachedDoes() {
        parse("mg foo v  k", 2);
        assertEquals(5, r.ntokens);
        assertEquals("foo", key());
        assertTrue(r.value);
        assertFalse(r.hasError);
    }

    @Test
    void duplicateAndUnknownFlagsStopAtOnce() {
        assertFalse(parse("mg foo v v", 2).preparse(2));
        assertEquals("CLIENT_ERROR duplicate flag", r.errstr);
        assertFalse(parse("mg foo v zz", 2).preparse(2));
        assertEquals("CLIENT_ERROR invalid flag", r.errstr);
        // bytes from 127 up count as duplicates in memcached
        assertFalse(parse("mg foo \u00ff", 2).preparse(2));
        assertEquals("CLIENT_ERROR duplicate flag", r.errstr);
    }

    @Test
    void badNumbersAreNotedAndTheLastMessageWins() {
        parse("mg foo T", 2);
        assertTrue(r.hasError);
        assertEquals("CLIENT_ERROR bad token in command line format", r.errstr);
        parse("ma foo Dx Jy", 2);
        assertEquals("CLIENT_ERROR invalid numeric initial value", r.errstr);
        // F's error keeps the generic message
        parse("ms foo 2 F-1", 3);
        assertTrue(r.hasError);
        assertEquals("CLIENT_ERROR bad command line format", r.errstr);
        parse("ms foo 2 MXY", 3);
        assertEquals("CLIENT_ERROR incorrect length for M token", r.errstr);
    }

    @Test
    void numbersFollowStrtolRules() {
        parse("mg foo T-1 N+30 R4294967297", 2);
        assertFalse(r.hasError);
        assertEquals(-1, r.exptime);
        assertEquals(30, r.autovivExptime);
        assertEquals(1, r.recacheTime); // kept to 32 bits
        parse("ms foo 2 F4294967297 C18446744073709551615", 3);
        assertFalse(r.hasError);
        assertEquals(1, r.clientFlags);
        assertEquals(-1L, r.reqCas);
        parse("ma foo D18446744073709551616", 2);
        assertTrue(r.hasError);
        assertEquals("CLIENT_ERROR invalid numeric delta value", r.errstr);
        parse("ma foo", 2);
        assertEquals(1, r.delta);
        assertEquals(0, r.initial);
    }

    @Test
    void base64KeysAreDecoded() {
        parse("mg Zm9vYmFy b k", 2);
        assertFalse(r.hasError);
        assertTrue(r.keyBinary);
        assertEquals("foobar", key());
        parse("mg foo b", 2);
        assertTrue(r.hasError);
        assertEquals("CLIENT_ERROR error decoding key", r.errstr);
    }

    @Test
    void modeAndStateFlags() {
        parse("ms foo 2 ME I q", 3);
        assertEquals('E', r.mode);
        assertTrue(r.setStale);
        assertTrue(r.noReply);
        parse("mg foo u h l", 2);
        assertTrue(r.noUpdate);
        assertTrue(r.la);
        assertTrue(r.locked);
    }
}
