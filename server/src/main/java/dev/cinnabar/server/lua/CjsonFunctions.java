package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The {@code cjson} library (lua-cjson 2.1.0) as Redis ships it, on byte strings: encode, decode,
 * their settings and error texts, cjson.null, cjson.new. Objects are written in the order the
 * table's next() gives, which on LuaJ is not Lua 5.1's hash order.
 */
final class CjsonFunctions extends LibFunction51 {
    private static final String[] NAMES = {"encode", "decode", "encode_sparse_array", "encode_max_depth",
        "decode_max_depth", "encode_number_precision", "encode_keep_buffer", "encode_invalid_numbers",
        "decode_invalid_numbers", "new"};
    private static final int ENCODE = 0, DECODE = 1, ENCODE_SPARSE_ARRAY = 2, ENCODE_MAX_DEPTH = 3,
        DECODE_MAX_DEPTH = 4, ENCODE_NUMBER_PRECISION = 5, ENCODE_KEEP_BUFFER = 6, ENCODE_INVALID_NUMBERS = 7,
        DECODE_INVALID_NUMBERS = 8, NEW = 9;

    /** JSON null: Lua 5.1's NULL light userdata, printed "userdata: (nil)". */
    static final LuaUserdata NULL = new LuaUserdata(new Object()) {
        @Override
        public String tojstring() {
            return "userdata: (nil)";
        }
    };

    /** Settings, one set per module table (cjson.new makes another). */
    static final class Config {
        boolean sparseConvert = false;
        int sparseRatio = 2;
        int sparseSafe = 10;
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        int encodeInvalidNumbers = 0;
        boolean decodeInvalidNumbers = true;
        boolean keepBuffer = true;
        int precision = 14;
        ByteBuf buf = new ByteBuf();
    }

    /** A growable byte buffer, kept between encodes when encode_keep_buffer is on. */
    static final class ByteBuf {
        byte[] b = new byte[64];
        int n;

        void ensure(int more) {
            if (n + more > b.length) {
                b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, n + more));
            }
        }

        void put(int c) {
            ensure(1);
            b[n++] = (byte) c;
        }

        void put(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                b[n++] = (byte) s.charAt(i);
            }
        }

        void put(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        LuaString toLua() {
            return LuaString.valueOf(java.util.Arrays.copyOf(b, n));
        }
    }

    private final Config cfg;

    private CjsonFunctions(String name, int op, Config cfg) {
        super(name, op);
        this.cfg = cfg;
    }

    static LuaTable create() {
        Config cfg = new Config();
        LuaTable t = new LuaTable();
        register(t, NAMES, (n, op) -> new CjsonFunctions(n, op, cfg));
        t.rawset("null", NULL);
        t.rawset("_NAME", valueOf("cjson"));
        t.rawset("_VERSION", valueOf("2.1.0"));
        return t;
    }

    private void argInit(Varargs a, int args) {
        if (a.narg() > args) {
            throw LuaErrors.arg(args + 1, name, "found too many arguments");
        }
    }

    private int integerOption(Varargs a, int idx, int current, int min, int max) {
        if (!a.arg(idx).isnil()) {
            long v = LuaErrors.checkInteger(a, idx, name);
            if (!(min <= v && v <= max)) {
                throw LuaErrors.arg(1, name, "expected integer between " + min + " and " + max);
            }
            return (int) v;
        }
        return current;
    }

    private int enumOption(Varargs a, int idx, int current, String[] options) {
        LuaValue v = a.arg(idx);
        if (v.isnil()) {
            return current;
        }
        if (v.isboolean()) {
            return v.toboolean() ? 1 : 0;
        }
        String s = LuaErrors.checkString(a, idx, name).tojstring();
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals(s)) {
                return i;
            }
        }
        throw LuaErrors.arg(idx, name, "invalid option '" + s + "'");
    }

    private static final String[] BOOL_OPTIONS = {"off", "on"};
    private static final String[] INVALID_OPTIONS = {"off", "on", "null"};

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case ENCODE:
                if (a.narg() != 1) {
                    throw LuaErrors.arg(1, name, "expected 1 argument");
                }
                return encode(a.arg1());
            case DECODE:
                if (a.narg() != 1) {
                    throw LuaErrors.arg(1, name, "expected 1 argument");
                }
                return new Decoder(cfg, LuaErrors.checkString(a, 1, name)).decode();
            case ENCODE_SPARSE_ARRAY:
                argInit(a, 3);
                cfg.sparseConvert = enumOption(a, 1, cfg.sparseConvert ? 1 : 0, BOOL_OPTIONS) == 1;
                cfg.sparseRatio = integerOption(a, 2, cfg.sparseRatio, 0, Integer.MAX_VALUE);
                cfg.sparseSafe = integerOption(a, 3, cfg.sparseSafe, 0, Integer.MAX_VALUE);
                return varargsOf(valueOf(cfg.sparseConvert), valueOf(cfg.sparseRatio), valueOf(cfg.sparseSafe));
            case ENCODE_MAX_DEPTH:
                argInit(a, 1);
                cfg.encodeMaxDepth = integerOption(a, 1, cfg.encodeMaxDepth, 1, Integer.MAX_VALUE);
                return valueOf(cfg.encodeMaxDepth);
            case DECODE_MAX_DEPTH:
                argInit(a, 1);
                cfg.decodeMaxDepth = integerOption(a, 1, cfg.decodeMaxDepth, 1, Integer.MAX_VALUE);
                return valueOf(cfg.decodeMaxDepth);
            case ENCODE_NUMBER_PRECISION:
                argInit(a, 1);
                cfg.precision = integerOption(a, 1, cfg.precision, 1, 14);
                return valueOf(cfg.precision);
            case ENCODE_KEEP_BUFFER:
                argInit(a, 1);
                cfg.keepBuffer = enumOption(a, 1, cfg.keepBuffer ? 1 : 0, BOOL_OPTIONS) == 1;
                if (!cfg.keepBuffer) {
                    cfg.buf = new ByteBuf();
                }
                return valueOf(cfg.keepBuffer);
            case ENCODE_INVALID_NUMBERS:
                argInit(a, 1);
                cfg.encodeInvalidNumbers = enumOption(a, 1, cfg.encodeInvalidNumbers, INVALID_OPTIONS);
                return cfg.encodeInvalidNumbers == 2 ? valueOf("null") : valueOf(cfg.encodeInvalidNumbers == 1);
            case DECODE_INVALID_NUMBERS:
                argInit(a, 1);
                cfg.decodeInvalidNumbers = enumOption(a, 1, cfg.decodeInvalidNumbers ? 1 : 0, BOOL_OPTIONS) == 1;
                return valueOf(cfg.decodeInvalidNumbers);
            case NEW:
                return create();
            default:
                return NONE;
        }
    }

    // ------------------------------------------------------------------ encoding

    private static final String[] ESCAPES = new String[256];

    static {
        for (int c = 0; c < 32; c++) {
            ESCAPES[c] = String.format("\\u%04x", c);
        }
        ESCAPES['\b'] = "\\b";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\f'] = "\\f";
        ESCAPES['\r'] = "\\r";
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['/'] = "\\/";
        ESCAPES[127] = "\\u007f";
    }

    private LuaValue encode(LuaValue v) {
        ByteBuf buf = cfg.keepBuffer ? cfg.buf : new ByteBuf();
        buf.n = 0;
        appendData(buf, v, 0);
        LuaString s = buf.toLua();
        if (buf.b.length > 1 << 20) {
            // do not keep a huge buffer alive between scripts
            cfg.buf = new ByteBuf();
        }
        return s;
    }

    private static LuaError cannot(LuaValue v, String reason) {
        return new LuaError("Cannot serialise " + v.typename() + ": " + reason);
    }

    private void appendString(ByteBuf buf, LuaString s) {
        buf.ensure(s.m_length + 2);
        buf.put('"');
        byte[] b = s.m_bytes;
        int end = s.m_offset + s.m_length;
        for (int i = s.m_offset; i < end; i++) {
            String esc = ESCAPES[b[i] & 0xff];
            if (esc != null) {
                buf.put(esc);
            } else {
                buf.put(b[i]);
            }
        }
        buf.put('"');
    }

    private void appendNumber(ByteBuf buf, LuaValue key, double num) {
        if (cfg.encodeInvalidNumbers == 0) {
            if (Double.isInfinite(num) || num != num) {
                throw cannot(key, "must not be NaN or Inf");
            }
        } else if (cfg.encodeInvalidNumbers == 1) {
            if (num != num) {
                buf.put("nan");
                return;
            }
        } else if (Double.isInfinite(num) || num != num) {
            buf.put("null");
            return;
        }
        if (cfg.precision == 14) {
            buf.put(LuaNumbers.format(num));
        } else {
            StringBuilder sb = new StringBuilder(24);
            LuaNumbers.formatG(sb, num, cfg.precision, false, false);
            buf.put(sb.toString());
        }
    }

    private void appendData(ByteBuf buf, LuaValue v, int depth) {
        switch (v.type()) {
            case TSTRING:
                appendString(buf, v.checkstring());
                break;
            case TNUMBER:
                appendNumber(buf, v, v.todouble());
                break;
            case TBOOLEAN:
                buf.put(v.toboolean() ? "true" : "false");
                break;
            case TTABLE: {
                depth++;
                if (depth > cfg.encodeMaxDepth) {
                    throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                }
                LuaTable t = (LuaTable) v;
                int len = arrayLength(t);
                if (len > 0) {
                    buf.put('[');
                    for (int i = 1; i <= len; i++) {
                        if (i > 1) {
                            buf.put(',');
                        }
                        appendData(buf, t.rawget(i), depth);
                    }
                    buf.put(']');
                } else {
                    appendObject(buf, t, depth);
                }
                break;
            }
            case TNIL:
                buf.put("null");
                break;
            default:
                if (v == NULL) {
                    buf.put("null");
                    break;
                }
                throw cannot(v, "type not supported");
        }
    }

    private void appendObject(ByteBuf buf, LuaTable t, int depth) {
        buf.put('{');
        boolean comma = false;
        LuaValue k = NIL;
        while (true) {
            Varargs kv = t.next(k);
            k = kv.arg1();
            if (k.isnil()) {
                break;
            }
            if (comma) {
                buf.put(',');
            } else {
                comma = true;
            }
            int kt = k.type();
            if (kt == TNUMBER) {
                buf.put('"');
                appendNumber(buf, k, k.todouble());
                buf.put('"');
                buf.put(':');
            } else if (kt == TSTRING) {
                appendString(buf, k.checkstring());
                buf.put(':');
            } else {
                throw cannot(k, "table key must be a number or string");
            }
            appendData(buf, kv.arg(2), depth);
        }
        buf.put('}');
    }

    /** lua_array_length: the highest key when every key is a positive integer and not too sparse, else -1. */
    private int arrayLength(LuaTable t) {
        int max = 0; // a C int: an infinite key converts to INT_MIN on x86 and the table becomes an object
        int items = 0;
        LuaValue k = NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            if (k.type() == TNUMBER) {
                double d = k.todouble();
                if (d != 0 && Math.floor(d) == d && d >= 1) {
                    if (d > max) {
                        max = LuaNumbers.cInt(d);
                    }
                    items++;
                    continue;
                }
            }
            return -1;
        }
        if (cfg.sparseRatio > 0 && max > (long) items * cfg.sparseRatio && max > cfg.sparseSafe) {
            if (!cfg.sparseConvert) {
                throw cannot(t, "excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    // ------------------------------------------------------------------ decoding

    private static final int T_OBJ_BEGIN = 0, T_OBJ_END = 1, T_ARR_BEGIN = 2, T_ARR_END = 3, T_STRING = 4,
        T_NUMBER = 5, T_BOOLEAN = 6, T_NULL = 7, T_COLON = 8, T_COMMA = 9, T_END = 10, T_WHITESPACE = 11,
        T_ERROR = 12, T_UNKNOWN = 13;
    private static final String[] TOKEN_NAMES = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
        "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR",
        "T_UNKNOWN"};
    private static final byte[] CH2TOKEN = new byte[256];
    private static final byte[] ESCAPE2CHAR = new byte[256];

    static {
        java.util.Arrays.fill(CH2TOKEN, (byte) T_ERROR);
        CH2TOKEN['{'] = T_OBJ_BEGIN;
        CH2TOKEN['}'] = T_OBJ_END;
        CH2TOKEN['['] = T_ARR_BEGIN;
        CH2TOKEN[']'] = T_ARR_END;
        CH2TOKEN[','] = T_COMMA;
        CH2TOKEN[':'] = T_COLON;
        CH2TOKEN[0] = T_END;
        CH2TOKEN[' '] = T_WHITESPACE;
        CH2TOKEN['\t'] = T_WHITESPACE;
        CH2TOKEN['\n'] = T_WHITESPACE;
        CH2TOKEN['\r'] = T_WHITESPACE;
        for (char c : "fiInNt\"+-0123456789".toCharArray()) {
            CH2TOKEN[c] = T_UNKNOWN;
        }
        ESCAPE2CHAR['"'] = '"';
        ESCAPE2CHAR['\\'] = '\\';
        ESCAPE2CHAR['/'] = '/';
        ESCAPE2CHAR['b'] = '\b';
        ESCAPE2CHAR['t'] = '\t';
        ESCAPE2CHAR['n'] = '\n';
        ESCAPE2CHAR['f'] = '\f';
        ESCAPE2CHAR['r'] = '\r';
        ESCAPE2CHAR['u'] = 'u';
    }

    private static final class Decoder {
        final Config cfg;
        final byte[] d;
        final int base;
        final int end; // the C string's end: the first zero byte or the end
        int p;
        int depth;
        // current token
        int type;
        int index;
        String err;
        LuaValue value;
        final ByteBuf tmp = new ByteBuf();
        final LuaNumbers.Parsed parsed = new LuaNumbers.Parsed();

        Decoder(Config cfg, LuaString s) {
            this.cfg = cfg;
            this.d = s.m_bytes;
            this.base = s.m_offset;
            int e = s.m_offset + s.m_length;
            for (int i = s.m_offset; i < e; i++) {
                if (d[i] == 0) {
                    e = i;
                    break;
                }
            }
            this.end = e;
            this.p = base;
            if (s.m_length >= 2 && (d[base] == 0 || d[base + 1] == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
        }

        int ch(int i) {
            return i < end ? d[i] & 0xff : 0;
        }

        LuaValue decode() {
            next();
            LuaValue v = value();
            next();
            if (type != T_END) {
                throw parseError("the end");
            }
            return v;
        }

        LuaError parseError(String expected) {
            String found = type == T_ERROR ? err : TOKEN_NAMES[type];
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        void setError(String what) {
            type = T_ERROR;
            index = p - base;
            err = what;
        }

        boolean startsWith(String w) {
            for (int i = 0; i < w.length(); i++) {
                if (ch(p + i) != w.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        boolean isInvalidNumber() {
            int q = p;
            if (ch(q) == '+') {
                return true;
            }
            if (ch(q) == '-') {
                q++;
            }
            if (ch(q) == '0') {
                int c2 = ch(q + 1);
                return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
            } else if (ch(q) <= '9') {
                return false;
            }
            return matchesIgnoreCase(q, "inf") || matchesIgnoreCase(q, "nan");
        }

        boolean matchesIgnoreCase(int q, String w) {
            for (int i = 0; i < w.length(); i++) {
                if ((ch(q + i) | 0x20) != w.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        void number() {
            LuaNumbers.strtod(d, p, end, parsed);
            if (parsed.end == p) {
                setError("invalid number");
            } else {
                type = T_NUMBER;
                value = valueOf(parsed.value);
                p = parsed.end;
            }
        }

        void next() {
            int c;
            while (true) {
                c = ch(p);
                type = CH2TOKEN[c];
                if (type != T_WHITESPACE) {
                    break;
                }
                p++;
            }
            index = p - base;
            if (type == T_ERROR) {
                setError("invalid token");
                return;
            }
            if (type == T_END) {
                return;
            }
            if (type != T_UNKNOWN) {
                p++;
                return;
            }
            if (c == '"') {
                string();
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (!cfg.decodeInvalidNumbers && isInvalidNumber()) {
                    setError("invalid number");
                    return;
                }
                number();
            } else if (startsWith("true")) {
                type = T_BOOLEAN;
                value = TRUE;
                p += 4;
            } else if (startsWith("false")) {
                type = T_BOOLEAN;
                value = FALSE;
                p += 5;
            } else if (startsWith("null")) {
                type = T_NULL;
                p += 4;
            } else if (cfg.decodeInvalidNumbers && isInvalidNumber()) {
                number();
            } else {
                setError("invalid token");
            }
        }

        int hex4(int q) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int c = ch(q + i);
                int h;
                if (c >= '0' && c <= '9') {
                    h = c - '0';
                } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                    h = (c | 0x20) - 'a' + 10;
                } else {
                    return -1;
                }
                v = (v << 4) | h;
            }
            return v;
        }

        boolean unicodeEscape() {
            int cp = hex4(p + 2);
            int len = 6;
            if (cp < 0) {
                return false;
            }
            if ((cp & 0xF800) == 0xD800) {
                if ((cp & 0x400) != 0) {
                    return false;
                }
                if (ch(p + 6) != '\\' || ch(p + 7) != 'u') {
                    return false;
                }
                int low = hex4(p + 8);
                if (low < 0 || (low & 0xFC00) != 0xDC00) {
                    return false;
                }
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                len = 12;
            }
            if (cp <= 0x7F) {
                tmp.put(cp);
            } else if (cp <= 0x7FF) {
                tmp.put((cp >> 6) | 0xC0);
                tmp.put((cp & 0x3F) | 0x80);
            } else if (cp <= 0xFFFF) {
                tmp.put((cp >> 12) | 0xE0);
                tmp.put(((cp >> 6) & 0x3F) | 0x80);
                tmp.put((cp & 0x3F) | 0x80);
            } else {
                tmp.put((cp >> 18) | 0xF0);
                tmp.put(((cp >> 12) & 0x3F) | 0x80);
                tmp.put(((cp >> 6) & 0x3F) | 0x80);
                tmp.put((cp & 0x3F) | 0x80);
            }
            p += len;
            return true;
        }

        void string() {
            p++;
            tmp.n = 0;
            int start = p;
            // fast path: no escapes
            while (true) {
                int c = ch(p);
                if (c == '"') {
                    type = T_STRING;
                    value = LuaString.valueOf(java.util.Arrays.copyOfRange(d, start, p));
                    p++;
                    return;
                }
                if (c == 0 || c == '\\') {
                    break;
                }
                p++;
            }
            tmp.put(d, start, p - start);
            int c;
            while ((c = ch(p)) != '"') {
                if (c == 0) {
                    setError("unexpected end of string");
                    return;
                }
                if (c == '\\') {
                    int e = ESCAPE2CHAR[ch(p + 1)] & 0xff;
                    if (e == 'u') {
                        if (unicodeEscape()) {
                            continue;
                        }
                        setError("invalid unicode escape code");
                        return;
                    }
                    if (e == 0) {
                        setError("invalid escape code");
                        return;
                    }
                    p++;
                    c = e;
                }
                tmp.put(c);
                p++;
            }
            p++;
            type = T_STRING;
            value = tmp.toLua();
        }

        void descend() {
            depth++;
            if (depth > cfg.decodeMaxDepth) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character "
                    + (p - base));
            }
        }

        LuaValue value() {
            switch (type) {
                case T_STRING:
                case T_NUMBER:
                case T_BOOLEAN:
                    return value;
                case T_NULL:
                    return NULL;
                case T_OBJ_BEGIN:
                    return object();
                case T_ARR_BEGIN:
                    return array();
                default:
                    throw parseError("value");
            }
        }

        LuaValue object() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == T_OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != T_STRING) {
                    throw parseError("object key string");
                }
                LuaValue key = value;
                next();
                if (type != T_COLON) {
                    throw parseError("colon");
                }
                next();
                t.rawset(key, value());
                next();
                if (type == T_OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != T_COMMA) {
                    throw parseError("comma or object end");
                }
                next();
            }
        }

        LuaValue array() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == T_ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1;; i++) {
                t.rawset(i, value());
                next();
                if (type == T_ARR_END) {
                    depth--;
                    return t;
                }
                if (type != T_COMMA) {
                    throw parseError("comma or array end");
                }
                next();
            }
        }
    }
}
