package dev.cinnabar.datatypes;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZipmapTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static List<String> pairs(byte[] zm) {
        List<String> out = new ArrayList<>();
        Zipmap.forEach(zm, (b, fo, fl, vo, vl) -> {
            out.add(new String(b, fo, fl, StandardCharsets.ISO_8859_1) + "=" + new String(b, vo, vl, StandardCharsets.ISO_8859_1));
            return true;
        });
        return out;
    }

    /** The zipmap hash of Redis's test dump hash-zipmap.rdb (written by Redis 2.x). */
    @Test
    void aBlobWrittenByOldRedisReads() {
        byte[] zm = hex("020266310200763102663202007632ff");
        assertTrue(Zipmap.validate(zm, true));
        assertEquals(List.of("f1=v1", "f2=v2"), pairs(zm));
    }

    @Test
    void freeBytesAndLongLengthsAreSkipped() {
        // "k" => "v" with 2 free bytes after the value, then a 300-byte field in the 5-byte length form.
        StringBuilder h = new StringBuilder("02" + "016b" + "0102" + "76" + "aaaa");
        h.append("fe2c010000").append("61".repeat(300)).append("0100").append("77").append("ff");
        byte[] zm = hex(h.toString());
        assertTrue(Zipmap.validate(zm, true));
        assertEquals(List.of("k=v", "a".repeat(300) + "=w"), pairs(zm));
    }

    /** Redis's corrupt-dump tests of CVE-2026-25243: a short length in the 5-byte form. */
    @Test
    void aShortLengthInTheLongFormIsCorrupt() {
        // "k" => "val1" with the field's length 1 written as fe 01000000, then the value's.
        assertFalse(Zipmap.validate(hex("01" + "fe01000000" + "6b" + "0400" + "76616c31" + "ff"), true));
        assertFalse(Zipmap.validate(hex("01" + "016b" + "fe04000000" + "00" + "76616c31" + "ff"), true));
        assertTrue(Zipmap.validate(hex("01" + "016b" + "0400" + "76616c31" + "ff"), true));
    }

    @Test
    void theHeaderCountMustMatchUnlessBig() {
        byte[] zm = hex("020266310200763102663202007632ff");
        zm[0] = 3;
        assertTrue(Zipmap.validate(zm, false));
        assertFalse(Zipmap.validate(zm, true));
        zm[0] = (byte) 254;
        assertTrue(Zipmap.validate(zm, true));
    }

    @Test
    void emptyOrDamagedZipmapsAreRefused() {
        assertFalse(Zipmap.validate(hex("00ff"), true), "Redis refuses an empty zipmap");
        assertTrue(Zipmap.validate(hex("00ff"), false));
        assertFalse(Zipmap.validate(hex("ff"), false));
        assertFalse(Zipmap.validate(hex("0202663102007631"), false), "no terminator");
        assertFalse(Zipmap.validate(hex("01026631ff"), true), "value missing");
        assertFalse(Zipmap.validate(hex("0102663102ff"), true), "value length past the end");
        assertFalse(Zipmap.validate(hex("0101660109ff"), true), "free bytes past the end");
    }

    @Test
    void mutatedBlobsNeverThrow() {
        Random rnd = new Random(9);
        byte[] seed = hex("03" + "0266310200763102663202007632" + "fe2c010000" + "61".repeat(300) + "0100" + "77" + "ff");
        assertTrue(Zipmap.validate(seed, true));
        for (int i = 0; i < 20000; i++) {
            byte[] zm = seed.clone();
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                zm[rnd.nextInt(zm.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                zm = java.util.Arrays.copyOf(zm, rnd.nextInt(zm.length + 1));
            }
            if (Zipmap.validate(zm, true)) {
                pairs(zm);
            }
        }
    }
}
