package dev.cinnabar.server.scripting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.junit.jupiter.api.Test;

class LdbFormatTest {
    private static String value(LuaValue v) {
        StringBuilder sb = new StringBuilder();
        LdbFormat.value(sb, v);
        return sb.toString();
    }

    private static String reply(String resp) {
        StringBuilder sb = new StringBuilder();
        byte[] b = resp.getBytes(StandardCharsets.ISO_8859_1);
        int[] pos = new int[1];
        LdbFormat.reply(sb, b, pos);
        assertEquals(b.length, pos[0], "the whole reply is read");
        return sb.toString();
    }

    @Test
    void stringsAreQuotedWithCsEscapes() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\xff~\"",
                value(LuaValue.valueOf("a\"b\\c\n\r\t\u0007\b\u0000\u00ff~".getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void numbersArePercentG() {
        assertEquals("3", value(LuaValue.valueOf(3)));
        assertEquals("0.333333", value(LuaValue.valueOf(1.0 / 3)));
        assertEquals("1e+20", value(LuaValue.valueOf(1e20)));
        assertEquals("-0", value(LuaValue.valueOf(-0.0)));
    }

    @Test
    void tablesAreArraysOnlyWhenTheirKeysCountFromOne() {
        LuaTable array = LuaValue.listOf(new LuaValue[] {LuaValue.valueOf(1), LuaValue.valueOf("x")});
        assertEquals("{1; \"x\"}", value(array));
        LuaTable map = new LuaTable();
        map.set("k", LuaValue.TRUE);
        assertEquals("{[\"k\"]=true}", value(map));
        assertEquals("{}", value(new LuaTable()));
        LuaTable deep = new LuaTable();
        LuaTable t = deep;
        for (int i = 0; i < 12; i++) {
            LuaTable inner = new LuaTable();
            t.set(1, inner);
            t = inner;
        }
        assertEquals("{" .repeat(10) + "<max recursion level reached! Nested table?>" + "}".repeat(10),
                value(deep));
    }

    @Test
    void repliesInRedissHumanForm() {
        assertEquals("\"+OK\"", reply("+OK\r\n"));
        assertEquals("\"-ERR x\"", reply("-ERR x\r\n"));
        assertEquals("12", reply(":12\r\n"));
        assertEquals("NULL", reply("$-1\r\n"));
        assertEquals("[\"a\",NULL,[1]]", reply("*3\r\n$1\r\na\r\n$-1\r\n*1\r\n:1\r\n"));
        assertEquals("NULL", reply("*-1\r\n"));
        assertEquals("{\"a\" => 1,\"b\" => #true}", reply("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n#t\r\n"));
        assertEquals("~((double) 1.5)", reply("~1\r\n,1.5\r\n"));
        assertEquals("(null)", reply("_\r\n"));
    }

    @Test
    void scriptLinesAsRedisSplitsThem() {
        assertArrayEquals(new String[] {"a", "", "b"}, LuaDebugger.splitLines(bytes("a\n\nb\r\n\n")));
        assertArrayEquals(new String[] {"x\r", "y"}, LuaDebugger.splitLines(bytes("x\r\ny")));
        assertArrayEquals(new String[0], LuaDebugger.splitLines(bytes("\n\r")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
