package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cinnabar.datatypes.value.StringType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RdbFileTest {
    /** A dump Redis 7.0.15 saved: keys n=12345, foo=bar, x=y in db 0. */
    static final String REDIS_DUMP = "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040"
            + "fa056374696d65c2fede116bfa08757365642d6d656dc2d0b50e00fa08616f662d62617365c000fe00fb030000016ec139300003"
            + "666f6f036261720001780179ffe8a987ec3e6c2da7";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Records what the reader reports. */
    static class Recorder implements RdbFileReader.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void aux(byte[] key, byte[] value) {
            events.add("aux " + new String(key, StandardCharsets.US_ASCII) + "=" + new String(value, StandardCharsets.US_ASCII));
        }

        @Override
        public void selectDb(long db) {
            events.add("select " + db);
        }

        @Override
        public void resizeDb(long size, long expires) {
            events.add("resize " + size + " " + expires);
        }

        @Override
        public void function(byte[] code) {
            events.add("function " + new String(code, StandardCharsets.US_ASCII));
        }

        @Override
        public void key(byte[] key, Object value, long expireAt, long idle, int freq) {
            events.add("key " + new String(key, StandardCharsets.US_ASCII) + "=" + new String(StringType.bytes(value),
                    StandardCharsets.US_ASCII) + " " + expireAt + " " + idle + " " + freq);
        }
    }

    private static List<String> read(byte[] file) throws RdbFileException {
        Recorder r = new Recorder();
        new RdbFileReader(new RdbInput(new ByteArrayInputStream(file)), RdbLoadSettings.DEFAULTS, r, true, 2 << 20).read();
        return r.events;
    }

    @Test
    void readsRedisDump() throws Exception {
        List<String> ev = read(HexFormat.of().parseHex(REDIS_DUMP));
        assertEquals(List.of("aux redis-ver=7.0.15", "aux redis-bits=64", "aux ctime=1796333310",
                "aux used-mem=964048", "aux aof-base=0", "select 0", "resize 3 0", "key n=12345 -1 -1 -1",
                "key foo=bar -1 -1 -1", "key x=y -1 -1 -1"), ev);
    }

    static byte[] sample(boolean checksum) {
        RdbOutput out = new RdbOutput(true);
        RdbFileWriter.Aux aux = new RdbFileWriter.Aux();
        aux.ctimeSeconds = 1796333310L;
        aux.usedMemory = 964048;
        RdbFileWriter.header(out, aux);
        RdbFileWriter.function(out, b("#!lua name=lib\nredis.register_function('f', function() return 1 end)"));
        RdbFileWriter.selectDb(out, 0, 3, 1);
        RdbFileWriter.keyValue(out, b("n"), 0, 1, 12345L, RdbFileWriter.NONE, RdbFileWriter.NONE, -1);
        RdbFileWriter.keyValue(out, b("foo"), 0, 3, b("bar"), 1700000000123L, 7, -1);
        RdbFileWriter.selectDb(out, 3, 1, 0);
        RdbFileWriter.keyValue(out, b("xxfoo"), 2, 3, b("y".repeat(100)), RdbFileWriter.NONE, RdbFileWriter.NONE, 9);
        RdbFileWriter.end(out, checksum);
        return out.toByteArray();
    }

    /** A string read where it lies (inline in the keyspace's table) is written as the same bytes as a value. */
    @Test
    void aStringInPlaceIsWrittenAsTheSameBytesAsAStringValue() {
        byte[] page = b("..key:1..some value..." + "z".repeat(100) + "..");
        for (boolean compression : new boolean[] {false, true}) {
            for (int[] v : new int[][] {{9, 10}, {22, 100}, {0, 0}}) {
                RdbOutput asValue = new RdbOutput(compression);
                RdbFileWriter.keyValue(asValue, page, 2, 5, java.util.Arrays.copyOfRange(page, v[0], v[0] + v[1]),
                        1700000000123L, 7, 3);
                RdbOutput inPlace = new RdbOutput(compression);
                RdbFileWriter.keyString(inPlace, page, 2, 5, page, v[0], v[1], 1700000000123L, 7, 3);
                assertArrayEquals(asValue.toByteArray(), inPlace.toByteArray());
            }
        }
    }

    @Test
    void writesWhatRedisWritesAndReadsItBack() throws Exception {
        byte[] file = sample(true);
        // The header as Redis 7.0.15 writes it, byte for byte.
        String hex = HexFormat.of().formatHex(file);
        assertEquals(REDIS_DUMP.substring(0, REDIS_DUMP.indexOf("fe00")), hex.substring(0, REDIS_DUMP.indexOf("fe00")));
        List<String> ev = read(file);
        assertEquals(List.of("aux redis-ver=7.0.15", "aux redis-bits=64", "aux ctime=1796333310",
                "aux used-mem=964048", "aux aof-base=0",
                "function #!lua name=lib\nredis.register_function('f', function() return 1 end)", "select 0",
                "resize 3 1", "key n=12345 -1 -1 -1", "key foo=bar 1700000000123 7 -1", "select 3", "resize 1 0",
                "key foo=" + "y".repeat(100) + " -1 -1 9"), ev);
    }

    @Test
    void aZeroTrailerIsNotChecked() throws Exception {
        byte[] file = sample(false);
        assertEquals(0, file[file.length - 1]);
        assertEquals(13, read(file).size());
    }

    @Test
    void refusesBadFiles() {
        byte[] good = sample(true);
        byte[] crc = good.clone();
        crc[crc.length - 3] ^= 1;
        RdbFileException e = assertThrows(RdbFileException.class, () -> read(crc));
        assertEquals(RdbFileException.Kind.CHECKSUM, e.kind());
        byte[] body = good.clone();
        body[22] ^= 1; // inside the redis-ver text: only the checksum can tell
        assertEquals(RdbFileException.Kind.CHECKSUM, assertThrows(RdbFileException.class, () -> read(body)).kind());
        for (int cut = 0; cut < good.length; cut++) {
            byte[] shortFile = java.util.Arrays.copyOf(good, cut);
            RdbFileException t = assertThrows(RdbFileException.class, () -> read(shortFile), "cut at " + cut);
            if (cut >= 9) {
                assertEquals(RdbFileException.Kind.SHORT_READ, t.kind(), "cut at " + cut + ": " + t.getMessage());
            }
        }
        byte[] sig = good.clone();
        sig[0] = 'X';
        assertEquals(RdbFileException.Kind.SIGNATURE, assertThrows(RdbFileException.class, () -> read(sig)).kind());
        byte[] ver = good.clone();
        ver[8] = '1';
        RdbFileException v = assertThrows(RdbFileException.class, () -> read(ver));
        assertEquals("Can't handle RDB format version 11", v.getMessage());
    }

    @Test
    void moduleNamesAsRedisSpellsThem() {
        // "hellotype" module id, version 0, as the Redis test module registers it.
        long id = 0;
        String name = "hellotype";
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (char ch : name.toCharArray()) {
            id = id << 6 | chars.indexOf(ch);
        }
        assertEquals(name, RdbFileReader.moduleName(id << 10 | 3));
    }

    @Test
    void keyGoesBetweenTypeAndPayload() {
        RdbOutput out = new RdbOutput(false);
        RdbFileWriter.keyValue(out, b("k"), 0, 1, b("v"), RdbFileWriter.NONE, RdbFileWriter.NONE, -1);
        assertArrayEquals(new byte[] {0, 1, 'k', 1, 'v'}, out.toByteArray());
    }
}
