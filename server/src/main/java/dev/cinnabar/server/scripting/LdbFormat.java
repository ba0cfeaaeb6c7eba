package dev.cinnabar.server.scripting;

import dev.cinnabar.server.lua.LuaNumbers;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * How the Lua debugger shows values and replies, as Redis's ldbCatStackValue and
 * ldbRedisProtocolToHuman write them. Text is Latin-1 throughout, one char per byte, so that a
 * value's bytes reach the debugging client as they are.
 */
final class LdbFormat {
    /** Redis's LDB_MAX_VALUES_DEPTH (LUA_MINSTACK / 2): how deep nested tables are shown. */
    static final int MAX_DEPTH = 10;

    private LdbFormat() {
    }

    /** sds's sdscatrepr: quoted, with C's escapes and \xHH for what isprint() refuses. */
    static void repr(StringBuilder sb, byte[] b, int off, int len) {
        sb.append('"');
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\\', '"' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A Lua value as the debugger prints it (print, eval's result, redis.debug's arguments). */
    static void value(StringBuilder sb, LuaValue v) {
        value(sb, v, 0);
    }

    private static void value(StringBuilder sb, LuaValue v, int level) {
        if (level++ == MAX_DEPTH) {
            sb.append("<max recursion level reached! Nested table?>");
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.strvalue();
                repr(sb, s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> LuaNumbers.formatG(sb, v.todouble(), 6, false, false);
            case LuaValue.TNIL -> sb.append("nil");
            case LuaValue.TTABLE -> table(sb, (LuaTable) v, level);
            case LuaValue.TFUNCTION, LuaValue.TUSERDATA, LuaValue.TTHREAD, LuaValue.TLIGHTUSERDATA -> {
                // tostring's "function: 0x..." made into Redis's "function@0x..."
                String s = v.tojstring();
                int colon = s.indexOf(": ");
                sb.append('"').append(v.typename()).append('@').append(colon < 0 ? s : s.substring(colon + 2)).append('"');
            }
            default -> sb.append("\"<unknown-lua-type>\"");
        }
    }

    /** As an array when its keys, in next()'s order, are 1, 2, 3...; else as [key]=value pairs. */
    private static void table(StringBuilder sb, LuaTable t, int level) {
        StringBuilder array = new StringBuilder();
        StringBuilder pairs = new StringBuilder();
        boolean isArray = true;
        int expected = 1;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            LuaValue v = n.arg(2);
            if (isArray && (k.type() != LuaValue.TNUMBER || k.todouble() != expected)) {
                isArray = false;
            }
            value(array, v, level);
            array.append("; ");
            pairs.append('[');
            value(pairs, k, level);
            pairs.append("]=");
            value(pairs, v, level);
            pairs.append("; ");
            expected++;
        }
        StringBuilder chosen = isArray ? array : pairs;
        if (chosen.length() > 0) {
            chosen.setLength(chosen.length() - 2);
        }
        sb.append('{').append(chosen).append('}');
    }

    /**
     * The reply at {@code pos[0]} of {@code b}, in Redis's human form ({@code "+OK"}, {@code
     * [1,"a",NULL]}, {@code {k => v}}); {@code pos[0]} moves past it.
     */
    static void reply(StringBuilder sb, byte[] b, int[] pos) {
        int p = pos[0];
        int eol = LuaReplies.lineEnd(b, p);
        char type = (char) b[p];
        switch (type) {
            case ':' -> {
                sb.append(latin1(b, p + 1, eol - p - 1));
                pos[0] = eol + 2;
            }
            case '$' -> {
                int len = (int) LuaReplies.parseLong(b, p + 1, eol);
                if (len < 0) {
                    sb.append("NULL");
                    pos[0] = eol + 2;
                } else {
                    repr(sb, b, eol + 2, len);
                    pos[0] = eol + 2 + len + 2;
                }
            }
            case '+', '-' -> {
                repr(sb, b, p, eol - p);
                pos[0] = eol + 2;
            }
            case '*', '~' -> {
                long n = LuaReplies.parseLong(b, p + 1, eol);
                pos[0] = eol + 2;
                if (n == -1) {
                    sb.append("NULL");
                    return;
                }
                sb.append(type == '*' ? "[" : "~(");
                for (long j = 0; j < n; j++) {
                    reply(sb, b, pos);
                    if (j != n - 1) {
                        sb.append(',');
                    }
                }
                sb.append(type == '*' ? "]" : ")");
            }
            case '%' -> {
                long n = LuaReplies.parseLong(b, p + 1, eol);
                pos[0] = eol + 2;
                sb.append('{');
                for (long j = 0; j < n; j++) {
                    reply(sb, b, pos);
                    sb.append(" => ");
                    reply(sb, b, pos);
                    if (j != n - 1) {
                        sb.append(',');
                    }
                }
                sb.append('}');
            }
            case '_' -> {
                sb.append("(null)");
                pos[0] = eol + 2;
            }
            case '#' -> {
                sb.append(b[p + 1] == 't' ? "#true" : "#false");
                pos[0] = eol + 2;
            }
            case ',' -> {
                sb.append("(double) ").append(latin1(b, p + 1, eol - p - 1));
                pos[0] = eol + 2;
            }
            default -> {
                // Redis 7.0 shows nothing of the other RESP3 types (big numbers, verbatim
                // strings); its parser then stands still. Their line is skipped here.
                pos[0] = eol + 2;
            }
        }
    }

    static String latin1(byte[] b, int off, int len) {
        return new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
