package dev.cinnabar.persistence.rdb;

import static org.junit.jupiter.api.Assertions.*;

import dev.cinnabar.datatypes.value.ValueDigest;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.datatypes.value.ValueTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The old RDB types against what a redis-server 7.0.15 made of the same payloads (the table in
 * {@code rdb/legacy-cases.tsv}): refused or not, the encoding after loading, DEBUG DIGEST-VALUE,
 * and (where the order is Redis's own, not its dict's) the bytes DUMP gives afterwards.
 */
class LegacyRdbValuesTest {
    static final RdbLoadSettings SMALL = new RdbLoadSettings(2, 1, 1, 1, 512, 1, 1, false);

    static List<String[]> cases() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                LegacyRdbValuesTest.class.getResourceAsStream("/rdb/legacy-cases.tsv"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(line.split("\t"));
                }
            }
        }
        return rows;
    }

    static Stream<Arguments> rows() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String[] row : cases()) {
            for (boolean deep : new boolean[] {false, true}) {
                out.add(Arguments.of(row[0] + " " + row[1] + (deep ? " deep" : ""), row, deep));
            }
        }
        return out.stream();
    }

    static Object read(byte[] payload, RdbLoadSettings s) throws RdbFormatException {
        RdbInput in = new RdbInput(payload);
        Object v = RdbValues.read(in, in.readType(), s);
        if (!in.atEnd()) {
            throw new RdbFormatException("bytes left over");
        }
        return v;
    }

    static String digest(Object v) {
        ValueDigest d = new ValueDigest();
        ValueType t = ValueTypes.of(v);
        d.mixInt(t.objectType());
        t.digest(v, d);
        return d.hex();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void asRedisLoadsIt(String name, String[] row, boolean deep) throws Exception {
        RdbLoadSettings s = (row[1].equals("SMALL") ? SMALL : RdbLoadSettings.DEFAULTS).withDeepSanitize(deep);
        byte[] payload = HexFormat.of().parseHex(row[2]);
        Object v;
        try {
            v = read(payload, s);
        } catch (RdbFormatException e) {
            assertEquals("ERR", row[3], "refused: " + e.getMessage());
            return;
        }
        if (row[3].equals("ERR")) {
            assertNull(v, "Redis refuses it (an empty value here)");
            return;
        }
        assertNotNull(v);
        assertEquals(row[3], ValueTypes.of(v).encoding(v));
        assertEquals(row[4], digest(v));
        if (!row[3].equals("hashtable")) {
            RdbOutput out = new RdbOutput(false);
            RdbValues.write(out, v);
            assertEquals(row[5], HexFormat.of().formatHex(out.toByteArray()));
        }
    }

    @Test
    void moduleTypesAreRefusedNamingTheType() {
        // "mymodtype" with encoding version 3, as a module ID.
        String cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (char ch : "mymodtype".toCharArray()) {
            id = id << 6 | cs.indexOf(ch);
        }
        id = id << 10 | 3;
        assertEquals("mymodtype", LegacyRdbValues.moduleTypeName(id));
        RdbOutput out = new RdbOutput(false);
        out.writeByte(Rdb.TYPE_MODULE_2);
        out.writeLength(id);
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> read(out.toByteArray(), RdbLoadSettings.DEFAULTS));
        assertEquals("The RDB file contains module data I can't load: no matching module type 'mymodtype'", e.getMessage());
    }
}
