package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** Error texts as Lua 5.1's auxiliary library writes them. */
public final class LuaErrors {
    private LuaErrors() {
    }


    private static final java.util.regex.Pattern BINARY =
        java.util.regex.Pattern.compile("attempt to (perform arithmetic|compare) (?:__\\w+ )?on (\\w+) and (\\w+)");
    private static final java.util.regex.Pattern UNEXPECTED =
        java.util.regex.Pattern.compile("(?s)(.*:\\d+: )unexpected symbol (\\d+) \\(.*\\)");
    private static final String[] TOKENS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
        "while", "..", "...", "==", ">=", "<=", "~=", "::", "<eof>", "<number>", "<name>", "<string>", "<eof>"};

    /**
     * LuaJ's runtime error texts in Lua 5.1's words (the interpreter adds 5.1's variable names
     * afterwards, LuaOperandNames): "attempt to perform arithmetic on a nil value", "attempt to concatenate a table
     * value", "attempt to compare number with nil", "attempt to index a nil value", "attempt to call
     * a nil value", "attempt to get length of a boolean value", "unexpected symbol near '+'".
     */
    public static String translate(String m) {
        if (m == null) {
            return null;
        }
        if (m.startsWith("attempt to ")) {
            java.util.regex.Matcher b = BINARY.matcher(m);
            if (b.matches()) {
                String t1 = b.group(2);
                String t2 = b.group(3);
                if (b.group(1).equals("compare")) {
                    return t1.equals(t2) ? "attempt to compare two " + t1 + " values"
                        : "attempt to compare " + t1 + " with " + t2;
                }
                return "attempt to perform arithmetic on a " + (t1.equals("number") ? t2 : t1) + " value";
            }
            if (m.startsWith("attempt to concatenate ")) {
                String rest = m.substring(23);
                int and = rest.indexOf(" and ");
                if (and > 0) {
                    String t1 = rest.substring(0, and);
                    String t2 = rest.substring(and + 5);
                    String bad = t1.equals("string") || t1.equals("number") ? t2 : t1;
                    return "attempt to concatenate a " + bad + " value";
                }
                return m;
            }
            if (m.startsWith("attempt to compare ") && m.contains(" expected, got ")) {
                // LuaJ's text for number < string: "attempt to compare string with number expected, got string"
                String rest = m.substring(19, m.indexOf(" expected, got "));
                int with = rest.indexOf(" with ");
                if (with > 0) {
                    return "attempt to compare " + rest.substring(with + 6) + " with " + rest.substring(0, with);
                }
                return m;
            }
            if (m.startsWith("attempt to compare ") && m.indexOf(" with ") > 0) {
                String rest = m.substring(19);
                int with = rest.indexOf(" with ");
                String t1 = rest.substring(0, with);
                String t2 = rest.substring(with + 6);
                return t1.equals(t2) ? "attempt to compare two " + t1 + " values" : m;
            }
            if (m.startsWith("attempt to index ? (a ")) {
                return "attempt to index a " + m.substring(22, m.length() - 1);
            }
            for (String op : new String[] {"attempt to perform arithmetic on ", "attempt to get length of ",
                "attempt to call "}) {
                if (m.startsWith(op) && m.indexOf(' ', op.length()) < 0) {
                    return op + "a " + m.substring(op.length()) + " value";
                }
            }
            return m;
        }
        if (m.startsWith("table index expected, got ")) {
            // LuaJ's text for t[nil] = v (and t[0/0] = v, which Lua 5.1 calls "table index is NaN")
            return "table index is nil";
        }
        if (m.startsWith("index expected, got ")) {
            return "attempt to index a " + m.substring(20) + " value";
        }
        if (m.contains("unexpected symbol ")) {
            java.util.regex.Matcher u = UNEXPECTED.matcher(m);
            if (u.matches()) {
                int token = Integer.parseInt(u.group(2));
                String text = token < 257 ? String.valueOf((char) token)
                    : token - 257 < TOKENS.length ? TOKENS[token - 257] : "?";
                return u.group(1) + "unexpected symbol near '" + text + "'";
            }
        }
        return m;
    }

    /** "chunk:line: " for LuaJ's "source:line" position (see the shadowed LuaError). */
    public static String position(String fileline) {
        int colon = fileline.lastIndexOf(':');
        if (colon < 0) {
            return fileline + ": ";
        }
        return chunkid(fileline.substring(0, colon)) + fileline.substring(colon) + ": ";
    }

    /** Lua 5.1's luaO_chunkid for run-time positions (LUA_IDSIZE 60). */
    public static String chunkid(String source) {
        return chunkid(source, 60);
    }

    /**
     * Lua 5.1's luaO_chunkid: "=name" gives name, "@file" the file name (its tail if long), a source
     * string [string "first line..."]. Run-time positions use 60 bytes, the lexer 80 (MAXSRC).
     */
    public static String chunkid(String source, int bufflen) {
        int nul = source.indexOf('\0');
        if (nul >= 0) {
            source = source.substring(0, nul);
        }
        if (source.startsWith("=")) {
            String s = source.substring(1);
            return s.length() > bufflen - 1 ? s.substring(0, bufflen - 1) : s;
        }
        if (source.startsWith("@")) {
            String s = source.substring(1);
            int max = bufflen - 8;
            return s.length() > max ? "..." + s.substring(s.length() - max) : s;
        }
        int len = source.length();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\n' || c == '\r') {
                len = i;
                break;
            }
        }
        int max = bufflen - 17;
        if (len > max) {
            len = max;
        }
        if (len < source.length()) {
            return "[string \"" + source.substring(0, len) + "...\"]";
        }
        return "[string \"" + source + "\"]";
    }

    /** luaL_argerror: "bad argument #n to 'fname' (msg)". */
    public static LuaError arg(int n, String fname, String msg) {
        return new LuaError("bad argument #" + n + " to '" + fname + "' (" + msg + ")");
    }

    /** luaL_typerror: "bad argument #n to 'fname' (T expected, got U)". */
    public static LuaError type(int n, String fname, String expected, Varargs args) {
        return arg(n, fname, expected + " expected, got " + typeName(args, n));
    }

    static String typeName(Varargs args, int n) {
        return n > args.narg() ? "no value" : args.arg(n).typename();
    }

    /** An error that, like one Lua 5.1 raises from inside a C function, carries no position. */
    public static LuaError noPosition(String msg) {
        return new LuaError(msg, 0);
    }

    // ---- luaL_check* with Lua 5.1's conversions and messages

    public static double checkNumber(Varargs args, int n, String fname) {
        LuaValue v = args.arg(n);
        int t = v.type();
        if (t == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (t == LuaValue.TSTRING) {
            LuaValue d = LuaNumbers.str2number(v.checkstring());
            if (!d.isnil()) {
                return d.todouble();
            }
        }
        throw type(n, fname, "number", args);
    }

    public static double optNumber(Varargs args, int n, String fname, double def) {
        return args.arg(n).isnil() ? def : checkNumber(args, n, fname);
    }

    /** luaL_checkinteger: the number truncated (C cast to a 64-bit integer). */
    public static long checkInteger(Varargs args, int n, String fname) {
        return LuaNumbers.cLong(checkNumber(args, n, fname));
    }

    public static long optInteger(Varargs args, int n, String fname, long def) {
        return args.arg(n).isnil() ? def : checkInteger(args, n, fname);
    }

    /** luaL_checkint: luaL_checkinteger cast to a C int. */
    public static int checkInt(Varargs args, int n, String fname) {
        return (int) checkInteger(args, n, fname);
    }

    public static int optInt(Varargs args, int n, String fname, int def) {
        return args.arg(n).isnil() ? def : checkInt(args, n, fname);
    }

    /** luaL_checklstring: strings, and numbers converted with %.14g. */
    public static org.luaj.vm2.LuaString checkString(Varargs args, int n, String fname) {
        LuaValue v = args.arg(n);
        int t = v.type();
        if (t == LuaValue.TSTRING || t == LuaValue.TNUMBER) {
            return v.strvalue();
        }
        throw type(n, fname, "string", args);
    }

    public static org.luaj.vm2.LuaString optString(Varargs args, int n, String fname, org.luaj.vm2.LuaString def) {
        return args.arg(n).isnil() ? def : checkString(args, n, fname);
    }

    public static org.luaj.vm2.LuaTable checkTable(Varargs args, int n, String fname) {
        LuaValue v = args.arg(n);
        if (v.istable()) {
            return (org.luaj.vm2.LuaTable) v;
        }
        throw type(n, fname, "table", args);
    }

    public static void checkAny(Varargs args, int n, String fname) {
        if (n > args.narg()) {
            throw arg(n, fname, "value expected");
        }
    }
}
