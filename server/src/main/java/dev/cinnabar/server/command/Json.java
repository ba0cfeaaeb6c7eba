package dev.cinnabar.server.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader for the JSON resources that describe commands. It yields
 * {@code Map<String,Object>} (insertion-ordered), {@code List<Object>}, {@code String},
 * {@code Long}, {@code Double}, {@code Boolean} and {@code null}. The inputs are our own files,
 * read at every start by a JVM that still interprets this code: the values of the keys a caller
 * defers are only delimited (a {@link Raw} text to parse on first use), and strings without
 * escapes are cut out of the input rather than copied a character at a time.
 */
public final class Json {
    private final String s;
    private final Set<String> deferred;
    /** Where deferred values are read back from; null: they keep their text. */
    private final Source source;
    private int p;
    /** The next backslash at or after p, or the input's length: strings before it need no unescaping. */
    private int nextBackslash = -1;

    /**
     * Gives back, on demand, the text a parse read: a deferred value then keeps only where it
     * lies in that text, and the text need not stay in memory meanwhile.
     */
    public interface Source {
        String text();
    }

    /** A deferred value: its text, or where it lies in a {@link Source}'s; {@link #parse()} reads it. */
    public static final class Raw {
        private final String text;
        private final Source source;
        private final int start;
        private final int end;

        Raw(String text) {
            this.text = text;
            this.source = null;
            this.start = 0;
            this.end = text.length();
        }

        Raw(Source source, int start, int end) {
            this.text = null;
            this.source = source;
            this.start = start;
            this.end = end;
        }

        public Object parse() {
            return Json.parse(toString());
        }

        @Override
        public String toString() {
            return text != null ? text : source.text().substring(start, end);
        }
    }

    private Json(String s, Set<String> deferred, Source source) {
        this.s = s;
        this.deferred = deferred;
        this.source = source;
    }

    public static Object parse(String text) {
        return parse(text, Set.of());
    }

    /**
     * Parses {@code text}, leaving the value of every object member named in {@code deferredKeys}
     * as a {@link Raw}: checked only for balanced brackets and terminated strings.
     */
    public static Object parse(String text, Set<String> deferredKeys) {
        return parse(text, deferredKeys, null);
    }

    /**
     * As {@link #parse(String, Set)}, but each deferred value keeps only its place in the text,
     * and reads it from {@code source} (which gives back {@code text}) when it is parsed.
     */
    public static Object parse(String text, Set<String> deferredKeys, Source source) {
        Json j = new Json(text, deferredKeys, source);
        j.ws();
        Object v = j.value();
        j.ws();
        if (j.p != j.s.length()) {
            throw j.error("trailing characters");
        }
        return v;
    }

    private Object value() {
        if (p >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(p);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        p++;
        ws();
        if (peek('}')) {
            p++;
            return m;
        }
        while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            ws();
            m.put(key, deferred.contains(key) ? raw() : value());
            ws();
            if (peek(',')) {
                p++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        p++;
        ws();
        if (peek(']')) {
            p++;
            return l;
        }
        while (true) {
            ws();
            l.add(value());
            ws();
            if (peek(',')) {
                p++;
            } else {
                expect(']');
                return l;
            }
        }
    }

    private String string() {
        expect('"');
        int end = s.indexOf('"', p);
        if (end < 0) {
            throw error("unterminated string");
        }
        if (nextBackslash < p) {
            nextBackslash = s.indexOf('\\', p);
            if (nextBackslash < 0) {
                nextBackslash = s.length();
            }
        }
        if (end < nextBackslash) {
            String v = s.substring(p, end);
            p = end + 1;
            return v;
        }
        return escapedString();
    }

    private String escapedString() {
        StringBuilder b = new StringBuilder();
        while (true) {
            if (p >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(p++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(p++);
            switch (e) {
                case 'n': b.append('\n'); break;
                case 't': b.append('\t'); break;
                case 'r': b.append('\r'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u':
                    b.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    p += 4;
                    break;
                default: b.append(e); break;
            }
        }
    }

    /** Delimits the value at p without building it. */
    private Raw raw() {
        int start = p;
        char first = p < s.length() ? s.charAt(p) : 0;
        if (first != '{' && first != '[') {
            value();
            return raw(start);
        }
        int depth = 0;
        do {
            if (p >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(p++);
            if (c == '"') {
                skipStringBody();
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        } while (depth > 0);
        return raw(start);
    }

    private Raw raw(int start) {
        return source == null ? new Raw(s.substring(start, p)) : new Raw(source, start, p);
    }

    /** Moves p past the closing quote of the string whose opening quote is just before p. */
    private void skipStringBody() {
        while (true) {
            int end = s.indexOf('"', p);
            if (end < 0) {
                throw error("unterminated string");
            }
            int backslashes = 0;
            while (s.charAt(end - 1 - backslashes) == '\\') {
                backslashes++;
            }
            p = end + 1;
            if (backslashes % 2 == 0) {
                return;
            }
        }
    }

    private Object number() {
        int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        String t = s.substring(start, p);
        if (t.isEmpty()) {
            throw error("unexpected character");
        }
        if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
            return Double.parseDouble(t);
        }
        return Long.parseLong(t);
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, p)) {
            throw error("bad literal");
        }
        p += word.length();
        return v;
    }

    private void ws() {
        while (p < s.length()) {
            char c = s.charAt(p);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            p++;
        }
    }

    private boolean peek(char c) {
        return p < s.length() && s.charAt(p) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        p++;
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        for (int i = 0; i < p && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("JSON: " + what + " at line " + line);
    }
}
