package dev.cinnabar.server.scripting;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.protocol.ReplyWriter;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The conversions between Redis replies and Lua values, as Redis 7.0 defines them: a command's
 * reply (RESP2 or RESP3 bytes, as the script's connection received it) becomes a Lua value for
 * {@code redis.call}, and the value a script returns becomes the caller's reply.
 */
final class LuaReplies {
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");

    private LuaReplies() {
    }

    // ------------------------------------------------------------------ Redis reply -> Lua

    /** Parses one reply from {@code b} at {@code pos[0]} (advanced past it). */
    static LuaValue toLua(byte[] b, int[] pos) {
        int p = pos[0];
        byte type = b[p];
        int eol = lineEnd(b, p);
        pos[0] = eol + 2;
        switch (type) {
            case ':':
                return LuaValue.valueOf((double) parseLong(b, p + 1, eol));
            case '+': {
                LuaTable t = new LuaTable();
                t.rawset(OK, LuaString.valueOf(b, p + 1, eol - p - 1));
                return t;
            }
            case '-':
                return errorTable(new String(b, p, eol - p, StandardCharsets.ISO_8859_1), true);
            case '$': {
                long n = parseLong(b, p + 1, eol);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                int from = pos[0];
                pos[0] = from + (int) n + 2;
                // Copies: the caller's buffer is reused.
                return LuaString.valueOf(b, from, (int) n);
            }
            case '*':
            case '~':
            case '%': {
                long n = parseLong(b, p + 1, eol);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                if (type == '*') {
                    LuaTable t = LuaTable.forSequence((int) Math.min(n, 1 << 20));
                    boolean nils = false;
                    for (int i = 1; i <= n; i++) {
                        LuaValue e = toLua(b, pos);
                        nils |= e.isnil();
                        t.rawset(i, e);
                    }
                    return nils ? refilledFromEmpty(t, (int) n) : t;
                }
                LuaTable t = new LuaTable();
                LuaTable inner = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = toLua(b, pos);
                    LuaValue v = type == '%' ? toLua(b, pos) : LuaValue.TRUE;
                    inner.rawset(k, v);
                }
                t.rawset(type == '%' ? MAP : SET, inner);
                return t;
            }
            case '_':
                return LuaValue.NIL;
            case '#':
                return LuaValue.valueOf(b[p + 1] == 't');
            case ',': {
                LuaTable t = new LuaTable();
                t.rawset(DOUBLE, LuaValue.valueOf(Doubles.parse(copy(b, p + 1, eol - p - 1))));
                return t;
            }
            case '(': {
                LuaTable t = new LuaTable();
                t.rawset(BIG_NUMBER, LuaString.valueOf(copy(b, p + 1, eol - p - 1)));
                return t;
            }
            case '=': {
                long n = parseLong(b, p + 1, eol);
                int from = pos[0];
                pos[0] = from + (int) n + 2;
                LuaTable v = new LuaTable();
                v.rawset(STRING, LuaString.valueOf(copy(b, from + 4, (int) n - 4)));
                v.rawset(FORMAT, LuaString.valueOf(copy(b, from, 3)));
                LuaTable t = new LuaTable();
                t.rawset(VERBATIM, v);
                return t;
            }
            case '|': {
                // An attribute: skipped, the reply follows it.
                long n = parseLong(b, p + 1, eol);
                for (int i = 0; i < 2 * n; i++) {
                    toLua(b, pos);
                }
                return toLua(b, pos);
            }
            case '>': {
                long n = parseLong(b, p + 1, eol);
                for (int i = 0; i < n; i++) {
                    toLua(b, pos);
                }
                return pos[0] < b.length ? toLua(b, pos) : LuaValue.NIL;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    /**
     * Redis's error table ({@code luaPushErrorBuff}): {@code -CODE message} keeps its code,
     * a text without one gets {@code ERR}; line breaks at the ends are trimmed.
     */
    static LuaTable errorTable(String text, boolean ignoreStats) {
        LuaDebugger.errorRaised(text);
        String msg;
        String code;
        if (text.startsWith("-")) {
            int sp = text.indexOf(' ');
            if (sp < 0) {
                msg = text.substring(1);
                code = "ERR";
            } else {
                code = text.substring(1, sp);
                msg = text.substring(sp + 1);
            }
        } else {
            msg = text;
            code = "ERR";
        }
        msg = trimLineBreaks(msg);
        // Redis's order: err, then the flag (the order cjson.encode and pairs show them in follows from it)
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueOf((code + " " + msg).getBytes(StandardCharsets.ISO_8859_1)));
        if (ignoreStats) {
            t.rawset(IGNORE_STATS, LuaValue.TRUE);
        }
        return t;
    }

    /**
     * Redis fills a reply's table one by one from empty, which the presized one matches unless an
     * element is nil (a RESP3 null): then it takes a node, and the table must be filled as Redis does.
     */
    private static LuaTable refilledFromEmpty(LuaTable presized, int n) {
        LuaTable t = new LuaTable();
        for (int i = 1; i <= n; i++) {
            t.rawset(i, presized.rawget(i));
        }
        return t;
    }

    /** A reply error text (already without its '-') as Redis puts it in a table: "-" + text. */
    static LuaTable replyError(String text) {
        return errorTable("-" + text, true);
    }

    private static String trimLineBreaks(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == '\r' || s.charAt(from) == '\n')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == '\r' || s.charAt(to - 1) == '\n')) {
            to--;
        }
        return s.substring(from, to);
    }

    static int lineEnd(byte[] b, int p) {
        while (b[p] != '\r') {
            p++;
        }
        return p;
    }

    static long parseLong(byte[] b, int from, int to) {
        boolean neg = b[from] == '-';
        long v = 0;
        for (int i = neg ? from + 1 : from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return neg ? -v : v;
    }

    private static byte[] copy(byte[] b, int from, int n) {
        byte[] out = new byte[n];
        System.arraycopy(b, from, out, 0, n);
        return out;
    }

    static byte[] bytes(LuaString s) {
        byte[] out = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, out, 0, s.m_length);
        return out;
    }

    // ------------------------------------------------------------------ Lua -> Redis reply

    /**
     * Writes {@code v} as the caller's reply ({@code luaReplyToRedisReply}). {@code scriptResp}
     * is the protocol the script chose with {@code redis.setresp}: booleans follow it.
     */
    static void write(ReplyWriter w, LuaValue v, int scriptResp) {
        Aggregate open = writeOne(w, v, scriptResp, RESULT_SLOTS);
        if (open == null) {
            return;
        }
        // Nested tables are walked with a stack of their own: a result nested thousands deep
        // (a table that contains itself) would overflow the thread's stack by recursion.
        java.util.ArrayDeque<Aggregate> stack = new java.util.ArrayDeque<>();
        stack.push(open);
        while (!stack.isEmpty()) {
            Aggregate a = stack.peek();
            LuaValue child = a.next();
            if (child == null) {
                a.end(w);
                stack.pop();
                continue;
            }
            Aggregate sub = writeOne(w, child, scriptResp, a.childSlots);
            if (sub != null) {
                stack.push(sub);
            }
        }
    }

    /**
     * Redis converts a script's result on the Lua stack, which holds at most 8000 values
     * (LUAI_MAXCSTACK): each nested array keeps one more value there, a map's key four and its
     * value three, a set's member three, and an element that would need more than the stack has
     * becomes the error "reached lua stack limit" (after 7995 nested arrays). {@code slots} is
     * how many values the stack holds when a value is converted; the result starts at two, the
     * error handler below it.
     */
    private static final int RESULT_SLOTS = 2;
    private static final int LUA_STACK_LIMIT = 8000;

    /** An array, map or set reply being written: its elements come one by one from {@link #next}. */
    private static final class Aggregate {
        static final int ARRAY = 0;
        static final int MAP = 1;
        static final int SET = 2;
        final int kind;
        final LuaValue table;
        final int mark;
        final int slots;
        int n;
        int index;
        LuaValue key = LuaValue.NIL;
        LuaValue pendingValue;
        int childSlots;

        Aggregate(int kind, LuaValue table, int mark, int slots) {
            this.kind = kind;
            this.table = table;
            this.mark = mark;
            this.slots = slots;
        }

        /** The next element to write (a map's key, then its value), or null when there are no more. */
        LuaValue next() {
            if (kind == ARRAY) {
                LuaValue e = table.rawget(++index);
                if (e.isnil()) {
                    return null;
                }
                n++;
                childSlots = slots + 1;
                return e;
            }
            if (pendingValue != null) {
                LuaValue v = pendingValue;
                pendingValue = null;
                childSlots = slots + 3;
                return v;
            }
            Varargs entry = table.next(key);
            key = entry.arg1();
            if (key.isnil()) {
                return null;
            }
            n++;
            if (kind == MAP) {
                pendingValue = entry.arg(2);
                childSlots = slots + 4;
            } else {
                childSlots = slots + 3;
            }
            return key;
        }

        void end(ReplyWriter w) {
            switch (kind) {
                case MAP:
                    w.endMap(mark, n);
                    break;
                case SET:
                    w.endSet(mark, n);
                    break;
                default:
                    w.endArray(mark, n);
            }
        }
    }

    /** Writes a value, or begins the aggregate a table stands for and returns it; null when written whole. */
    private static Aggregate writeOne(ReplyWriter w, LuaValue v, int scriptResp, int slots) {
        if (slots + 4 > LUA_STACK_LIMIT) {
            w.error("-ERR reached lua stack limit");
            return null;
        }
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = (LuaString) v;
                w.bulk(s.m_bytes, s.m_offset, s.m_length);
                return null;
            }
            case LuaValue.TNUMBER:
                if (v.isint()) {
                    w.integer(v.toint());
                } else {
                    w.integer(truncate(v.todouble()));
                }
                return null;
            case LuaValue.TBOOLEAN:
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        w.integer(1);
                    } else {
                        w.nullBulk();
                    }
                } else {
                    w.bool(v.toboolean());
                }
                return null;
            case LuaValue.TTABLE:
                return writeTable(w, (LuaTable) v, slots);
            default:
                w.nullBulk();
                return null;
        }
    }

    /** C's (long long) cast of a double on x86-64: NaN and out-of-range values give LLONG_MIN. */
    static long truncate(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static Aggregate writeTable(ReplyWriter w, LuaTable t, int slots) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            String msg = err.tojstring();
            if (t.rawget(IGNORE_STATS).toboolean()) {
                byte[] text = ("-" + msg).getBytes(StandardCharsets.ISO_8859_1);
                int from = 1;
                int to = text.length;
                while (to > from && (text[to - 1] == '\r' || text[to - 1] == '\n')) {
                    to--;
                }
                w.errorCountedElsewhere(text, from, to - from);
            } else {
                w.error("-" + msg);
            }
            return null;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            byte[] s = bytes((LuaString) ok);
            for (int i = 0; i < s.length; i++) {
                if (s[i] == '\r' || s[i] == '\n') {
                    s[i] = ' ';
                }
            }
            w.simple(s);
            return null;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            w.doubleText(Doubles.format17g(dbl.todouble()));
            return null;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            byte[] s = bytes((LuaString) big);
            for (int i = 0; i < s.length; i++) {
                if (s[i] == '\r' || s[i] == '\n') {
                    s[i] = ' ';
                }
            }
            w.bigNumber(new String(s, StandardCharsets.ISO_8859_1));
            return null;
        }
        LuaValue verb = t.rawget(VERBATIM);
        if (verb.type() == LuaValue.TTABLE) {
            LuaValue format = verb.rawget(FORMAT);
            LuaValue string = verb.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && string.type() == LuaValue.TSTRING) {
                w.verbatim(format.tojstring(), bytes((LuaString) string));
                return null;
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            return new Aggregate(Aggregate.MAP, map, w.beginDeferred(), slots);
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            return new Aggregate(Aggregate.SET, set, w.beginDeferred(), slots);
        }
        return new Aggregate(Aggregate.ARRAY, t, w.beginDeferred(), slots);
    }
}
