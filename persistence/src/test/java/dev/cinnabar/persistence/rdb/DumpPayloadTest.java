package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.StringType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DumpPayloadTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void payloadsAreRedisOwn() {
        // redis-server 7.0.15: SET a 123, SET b hello, RPUSH l a b 1; DUMP of each.
        assertEquals("00c07b0a0048e253e1007a67b9", HEX.formatHex(DumpPayload.create(StringType.fromLong(123))));
        assertEquals("000568656c6c6f0a006372df76653420" + "0a",
                HEX.formatHex(DumpPayload.create("hello".getBytes(StandardCharsets.US_ASCII))));
        ListValue l = new ListValue(-2, 0);
        for (String e : new String[] {"a", "b", "1"}) {
            l.pushTail(e.getBytes(StandardCharsets.US_ASCII), 0, e.length());
        }
        assertEquals("1201020f0f00000003008161028162020101ff0a00e01bab4a47ce5922",
                HEX.formatHex(DumpPayload.create(l)));
    }

    @Test
    void redisPayloadsParse() throws DumpPayload.Invalid {
        Object v = DumpPayload.parse(HEX.parseHex("111414000000040081610283312e35048162020201ff0a00fa02b425af188763"),
                RdbLoadSettings.DEFAULTS);
        assertEquals("zset", dev.cinnabar.datatypes.value.ValueTypes.of(v).name());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                (byte[]) DumpPayload.parse(HEX.parseHex("000568656c6c6f0a006372df766534200a"), RdbLoadSettings.DEFAULTS));
    }

    @Test
    void trailerErrorsComeBeforeValueErrors() {
        byte[] good = HEX.parseHex("00c07b0a0048e253e1007a67b9");
        assertTrue(DumpPayload.verify(good, true));
        byte[] badCrc = good.clone();
        badCrc[good.length - 1] ^= 1;
        assertFalse(DumpPayload.verify(badCrc, true));
        assertTrue(DumpPayload.verify(badCrc, false));
        byte[] later = good.clone();
        later[3] = 11;
        DumpPayload.Invalid e = assertThrows(DumpPayload.Invalid.class,
                () -> DumpPayload.parse(later, RdbLoadSettings.DEFAULTS, false));
        assertEquals(DumpPayload.BAD_TRAILER, e.getMessage());
        assertThrows(DumpPayload.Invalid.class, () -> DumpPayload.parse(new byte[9], RdbLoadSettings.DEFAULTS));
        // a type Redis does not know, under a right trailer
        byte[] unknown = DumpPayload.create(StringType.fromLong(1));
        unknown[0] = 8;
        e = assertThrows(DumpPayload.Invalid.class, () -> DumpPayload.parse(unknown, RdbLoadSettings.DEFAULTS, false));
        assertEquals(DumpPayload.BAD_DATA, e.getMessage());
        // an empty list under a right checksum
        e = assertThrows(DumpPayload.Invalid.class, () -> DumpPayload.parse(withTrailer("1200"), RdbLoadSettings.DEFAULTS));
        assertEquals(DumpPayload.BAD_DATA, e.getMessage());
    }

    private static byte[] withTrailer(String hex) {
        RdbOutput out = new RdbOutput(false);
        out.writeBytes(HEX.parseHex(hex));
        out.writeLittleEndian(Rdb.VERSION, 2);
        out.writeLittleEndian(out.crc(), 8);
        return out.toByteArray();
    }
}
