package dev.cinnabar.server.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Runs every case of {@code lua/corpus.txt} (recorded from redis-server 7.0.15 by
 * tools/record-lua-corpus.py) in a fresh {@link LuaSandbox#newGlobals()} and compares what the
 * script returns, converted as RESP2 converts a script's reply, with what Redis replied.
 */
class LuaCorpusTest {

    record Case(int line, String source, String expected) {
    }

    /**
     * Cases where LuaJ still shows through, each with the reason (README: "Lua differences").
     * The test fails if one of them starts to match, so that this list stays true.
     */
    static final java.util.Map<String, String> KNOWN = java.util.Map.ofEntries(
        java.util.Map.entry("!local ok, e = pcall(string.rep) return e",
            "the sandbox alone has LuaJ's pcall, which keeps the function's name; the server's pcall says '?' (differential/scripting.txt)"),
        java.util.Map.entry("!return {pcall(tonumber)}",
            "the sandbox alone has LuaJ's pcall, which keeps the function's name; the server's pcall says '?' (differential/scripting.txt)"),
        java.util.Map.entry("!local function v(...) return arg end return type(v(1))",
            "no Lua 5.0 'arg' table in vararg functions (Lua 5.1's LUA_COMPAT_VARARG)"),
        java.util.Map.entry("!local ok, e = pcall(function() return 'nan' + 0 end) return {ok, tostring(e)}",
            "LuaJ's string arithmetic takes NaN for 'not a number', so the string 'nan' does not convert"));

    static List<Case> load() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = LuaCorpusTest.class.getResourceAsStream("/lua/corpus.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int n = 0;
            for (String line : text.split("\n")) {
                n++;
                if (line.isBlank() || line.startsWith("# ") || line.equals("#")) {
                    continue;
                }
                int arrow = line.indexOf(" -> ");
                cases.add(new Case(n, line.substring(0, arrow), line.substring(arrow + 4)));
            }
        }
        return cases;
    }

    /** The script's source as EVAL gets it; the corpus file is UTF-8, Lua sees its bytes. */
    static String script(Case c) {
        return c.source().startsWith("!") ? c.source().substring(1) : "return " + c.source();
    }

    static String run(String script) {
        Globals g = LuaSandbox.newGlobals();
        try {
            LuaValue f = g.load(new java.io.ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                "@user_script", "t", g);
            return reply(f.invoke().arg1(), true);
        } catch (LuaError e) {
            LuaValue m = e.getMessageObject();
            return "!" + (m == null ? "nil" : m.tojstring());
        }
    }

    /** RESP2's conversion of a script's return value, in the recorder's notation. */
    static String reply(LuaValue v, boolean top) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                return quote(v.checkstring());
            case LuaValue.TNUMBER:
                return Long.toString(LuaNumbers.cLong(v.todouble()));
            case LuaValue.TBOOLEAN:
                return v.toboolean() ? "1" : "nil";
            case LuaValue.TTABLE: {
                LuaValue err = v.rawget("err");
                if (err.isstring()) {
                    return "-" + err.tojstring();
                }
                LuaValue ok = v.rawget("ok");
                if (ok.isstring()) {
                    return "+" + ok.tojstring();
                }
                StringBuilder sb = new StringBuilder("[");
                for (int i = 1;; i++) {
                    LuaValue e = v.get(i);
                    if (e.isnil()) {
                        break;
                    }
                    if (i > 1) {
                        sb.append(", ");
                    }
                    sb.append(reply(e, false));
                }
                return sb.append(']').toString();
            }
            default:
                return "nil";
        }
    }

    static String quote(LuaString s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0 -> sb.append("\\0");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void everyCaseRepliesAsRedisDoes() throws IOException {
        List<Case> cases = load();
        assertTrue(cases.size() >= 200, "corpus has " + cases.size() + " cases");
        List<String> failures = new ArrayList<>();
        java.util.Set<String> knownSeen = new java.util.TreeSet<>();
        for (Case c : cases) {
            String got;
            try {
                got = run(script(c));
            } catch (RuntimeException | StackOverflowError e) {
                got = "exception " + e;
            }
            if (KNOWN.containsKey(c.source())) {
                if (!got.equals(c.expected())) {
                    knownSeen.add(c.source());
                }
                continue;
            }
            if (!got.equals(c.expected())) {
                failures.add("line " + c.line() + ": " + c.source() + "\n    expected " + c.expected()
                    + "\n    got      " + got);
            }
        }
        assertEquals("", String.join("\n", failures), failures.size() + " of " + cases.size() + " cases differ");
        assertEquals(new java.util.TreeSet<>(KNOWN.keySet()), knownSeen, "known differences that no longer differ");
    }
}
