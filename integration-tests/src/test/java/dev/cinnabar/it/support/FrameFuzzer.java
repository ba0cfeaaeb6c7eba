package dev.cinnabar.it.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Request frames for fuzzing a server: valid commands in RESP or inline form, then mutated the
 * ways broken clients and attackers mutate them (flipped bytes, cuts, stray CR/LF, absurd
 * lengths, binary junk, garbage lines). Everything comes from the given {@link Random}, so a
 * seed reproduces a run.
 *
 * <p>The commands are harmless ones on keys under {@code fz:}: nothing that blocks, flushes,
 * shuts down, reconfigures or allocates in proportion to a number in its arguments, so whatever
 * the mutations make of them, the server's memory and the other clients' data stay safe.
 */
public final class FrameFuzzer {
    private final Random random;

    /** The password {@link #connectionInput} authenticates with, when it does. */
    public static final String PASSWORD = "fuzz";

    /** Only commands whose replies depend on nothing but the input (for comparing servers). */
    private boolean deterministic;

    public FrameFuzzer(Random random) {
        this.random = random;
    }

    /**
     * A fuzzer for comparing two servers byte for byte: small inputs, and only commands whose
     * replies depend on nothing but the bytes sent (no client ids, times, command tables).
     */
    public static FrameFuzzer deterministic(Random random) {
        FrameFuzzer f = new FrameFuzzer(random);
        f.deterministic = true;
        return f;
    }

    /** How many frames {@link #connectionInput} put in its last result. */
    public int lastFrameCount;

    /** The bytes one connection sends: several frames, each possibly mutated. */
    public byte[] connectionInput(int maxFrames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Half the connections log in first; the others meet the limits for strangers.
        if (random.nextBoolean()) {
            byte[] auth = multibulk(List.of("AUTH", PASSWORD));
            out.write(auth, 0, auth.length);
        }
        int frames = 1 + random.nextInt(maxFrames);
        for (int i = 0; i < frames; i++) {
            byte[] f = frame();
            if (random.nextInt(100) < 45) {
                f = mutate(f);
            }
            out.write(f, 0, f.length);
        }
        lastFrameCount = frames;
        return out.toByteArray();
    }

    /** One valid command, as RESP (mostly) or as an inline line. */
    public byte[] frame() {
        List<String> args = command();
        int kind = random.nextInt(100);
        if (kind < 75) {
            return multibulk(args);
        }
        if (kind < 95) {
            return inline(args);
        }
        return garbageLine();
    }

    private List<String> command() {
        String k = "fz:" + random.nextInt(20);
        String k2 = "fz:" + random.nextInt(20);
        String v = value();
        if (deterministic) {
            switch (random.nextInt(10)) {
                case 0: return List.of("PING");
                case 1: return List.of("PING", v);
                case 2: return List.of("ECHO", v);
                case 3: return List.of("SET", k, v);
                case 4: return List.of("GET", k);
                case 5: return List.of("DEL", k, k2);
                case 6: return List.of("MSET", k, v, k2, value());
                case 7: return List.of("STRLEN", k);
                case 8: return List.of("AUTH", random.nextBoolean() ? FrameFuzzer.PASSWORD : "wrong");
                default: return List.of("ECHO", "a b\r\n\"quoted\" 'x' \\x41");
            }
        }
        switch (random.nextInt(36)) {
            case 0: return List.of("PING");
            case 1: return List.of("PING", v);
            case 2: return List.of("ECHO", v);
            case 3: return List.of("SET", k, v);
            case 4: return List.of("GET", k);
            case 5: return List.of("DEL", k, k2);
            case 6: return List.of("EXISTS", k, k2);
            case 7: return List.of("INCR", "fz:n" + random.nextInt(5));
            case 8: return List.of("INCRBY", "fz:n" + random.nextInt(5), Integer.toString(random.nextInt(2000) - 1000));
            case 9: return List.of("APPEND", "fz:a" + random.nextInt(5), v.length() > 20 ? v.substring(0, 20) : v);
            case 10: return List.of("MSET", k, v, k2, value());
            case 11: return List.of("MGET", k, k2, "fz:none");
            case 12: return List.of("STRLEN", k);
            case 13: return List.of("TYPE", k);
            case 14: return List.of("EXPIRE", k, Integer.toString(100 + random.nextInt(1000)));
            case 15: return List.of("TTL", k);
            case 16: return List.of("GETRANGE", k, Integer.toString(random.nextInt(10)), "-1");
            case 17: return List.of("SETNX", k, v);
            case 18: return List.of("GETDEL", k);
            case 19: return List.of("INCRBYFLOAT", "fz:f", "1.5");
            case 20: return List.of("SELECT", Integer.toString(random.nextInt(16)));
            case 21: return List.of("DBSIZE");
            case 22: return List.of("SCAN", "0", "MATCH", "fz:*", "COUNT", "5");
            case 23: return List.of("COMMAND", "INFO", "get");
            case 24: return List.of("CONFIG", "GET", "maxmemory");
            case 25: return List.of("SET", k, v, "EX", Integer.toString(1 + random.nextInt(1000)), "NX");
            case 26: return List.of("GETEX", k, "PERSIST");
            case 27: return List.of("OBJECT", "ENCODING", k);
            case 28: return List.of("TIME");
            case 29: return List.of("HELLO", random.nextBoolean() ? "3" : "2");
            case 30: return List.of("AUTH", random.nextBoolean() ? FrameFuzzer.PASSWORD : "wrong");
            case 31: return List.of("RESET");
            case 32: return List.of("CLIENT", "SETNAME", "fz" + random.nextInt(100));
            case 33: return List.of("CLIENT", "ID");
            case 34: return random.nextInt(10) == 0 ? List.of("QUIT") : List.of("PING");
            default: return List.of("ECHO", "a b\r\n\"quoted\" 'x' \\x41");
        }
    }

    private String value() {
        int pick = random.nextInt(deterministic ? 995 : 1000);
        // Now and then a value past the decoder's 32 KB "big argument" size, or an inline line
        // past 64 KB.
        int len = pick < 900 ? random.nextInt(40) : pick < 995 ? random.nextInt(3000) : 30_000 + random.nextInt(40_000);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) (random.nextInt(100) < 80 ? 'a' + random.nextInt(26) : random.nextInt(256)));
        }
        return sb.toString();
    }

    static byte[] multibulk(List<String> args) {
        StringBuilder sb = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The arguments as an inline line, quoted where a plain word would not survive. */
    static byte[] inline(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            boolean plain = !a.isEmpty();
            for (int i = 0; i < a.length() && plain; i++) {
                char c = a.charAt(i);
                plain = c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\';
            }
            if (plain) {
                sb.append(a);
                continue;
            }
            sb.append('"');
            for (int i = 0; i < a.length(); i++) {
                char c = a.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < ' ' || c >= 0x7f) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A line of words, quotes, backslashes and control bytes, as a confused client might send. */
    private byte[] garbageLine() {
        String[] pieces = {"\"", "'", "\\", "\\x", "\\xZZ", "\"\"", "''", " ", "\t", "\u000b", "word", "GET", "*", "$",
            "-1", "\u0000", "\u00ff", "\\'", "\" x", "a\"b", "\u0001"};
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.append(random.nextBoolean() ? "\r\n" : "\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String[] ODD_LENGTHS = {"-1", "-2", "-0", "0", "+5", "05", "", "x", "2147483647", "2147483648",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999",
        "536870912", "536870913", "1048577", "65536", "1 ", " 1", "1\u0000", "3.0"};

    /** One to three mutations of a frame. */
    public byte[] mutate(byte[] frame) {
        byte[] f = frame;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            f = mutateOnce(f);
        }
        return f;
    }

    private byte[] mutateOnce(byte[] f) {
        if (f.length == 0) {
            return junk();
        }
        int at = random.nextInt(f.length);
        switch (random.nextInt(10)) {
            case 0: { // flip bytes
                byte[] g = f.clone();
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    g[random.nextInt(g.length)] = (byte) random.nextInt(256);
                }
                return g;
            }
            case 1: // truncate
                return slice(f, 0, at);
            case 2: { // stray CR, LF or CRLF
                String[] ends = {"\r", "\n", "\r\n", "\r\r\n", "\n\n"};
                return insert(f, at, ends[random.nextInt(ends.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            case 3: // an absurd length after a '*' or '$'
                return replaceLength(f);
            case 4: // binary junk
                return insert(f, at, junk());
            case 5: { // duplicate a slice
                int to = at + random.nextInt(f.length - at + 1);
                return insert(f, to, slice(f, at, to));
            }
            case 6: { // delete a slice
                int to = at + random.nextInt(Math.min(20, f.length - at) + 1);
                byte[] g = new byte[f.length - (to - at)];
                System.arraycopy(f, 0, g, 0, at);
                System.arraycopy(f, to, g, at, f.length - to);
                return g;
            }
            case 7: // NUL bytes
                return insert(f, at, new byte[1 + random.nextInt(3)]);
            case 8: // a garbage line in the middle
                return insert(f, at, garbageLine());
            default: // all junk
                return junk();
        }
    }

    private byte[] replaceLength(byte[] f) {
        List<Integer> marks = new ArrayList<>();
        for (int i = 0; i < f.length; i++) {
            if (f[i] == '*' || f[i] == '$') {
                marks.add(i);
            }
        }
        if (marks.isEmpty()) {
            return insert(f, 0, ("*" + ODD_LENGTHS[random.nextInt(ODD_LENGTHS.length)] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        int start = marks.get(random.nextInt(marks.size())) + 1;
        int end = start;
        while (end < f.length && f[end] != '\r' && f[end] != '\n') {
            end++;
        }
        byte[] len = ODD_LENGTHS[random.nextInt(ODD_LENGTHS.length)].getBytes(StandardCharsets.ISO_8859_1);
        byte[] g = new byte[f.length - (end - start) + len.length];
        System.arraycopy(f, 0, g, 0, start);
        System.arraycopy(len, 0, g, start, len.length);
        System.arraycopy(f, end, g, start + len.length, f.length - end);
        return g;
    }

    private byte[] junk() {
        byte[] b = new byte[1 + random.nextInt(random.nextInt(100) < 95 || deterministic ? 40 : 5000)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] slice(byte[] f, int from, int to) {
        byte[] g = new byte[to - from];
        System.arraycopy(f, from, g, 0, to - from);
        return g;
    }

    private static byte[] insert(byte[] f, int at, byte[] what) {
        byte[] g = new byte[f.length + what.length];
        System.arraycopy(f, 0, g, 0, at);
        System.arraycopy(what, 0, g, at, what.length);
        System.arraycopy(f, at, g, at + what.length, f.length - at);
        return g;
    }
}
