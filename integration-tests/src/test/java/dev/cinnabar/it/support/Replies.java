package dev.cinnabar.it.support;

import java.util.ArrayList;
import java.util.List;

/** Splits a raw RESP reply into its parts, for comparisons that ignore order or values. */
public final class Replies {
    private Replies() {
    }

    /** The raw text of each element of a top-level aggregate; null when it is not one. */
    public static List<String> elements(String reply) {
        char t = reply.charAt(0);
        if (t != '*' && t != '~' && t != '%' && t != '>') {
            return null;
        }
        int eol = reply.indexOf("\r\n");
        int n = Integer.parseInt(reply.substring(1, eol));
        if (t == '%') {
            n *= 2;
        }
        List<String> out = new ArrayList<>();
        int[] pos = {eol + 2};
        for (int i = 0; i < Math.max(n, 0); i++) {
            int start = pos[0];
            skip(reply, pos);
            out.add(reply.substring(start, pos[0]));
        }
        return out;
    }

    /** The type byte and, for aggregates and bulks of null/non-null kind, the header line. */
    public static String shape(String reply) {
        char t = reply.charAt(0);
        int eol = reply.indexOf("\r\n");
        if (t == '*' || t == '~' || t == '%' || t == '>') {
            return reply.substring(0, eol);
        }
        if (t == '$') {
            return reply.startsWith("$-1") ? "$-1" : "$";
        }
        return String.valueOf(t);
    }

    private static void skip(String s, int[] pos) {
        int p = pos[0];
        char t = s.charAt(p);
        int eol = s.indexOf("\r\n", p);
        String head = s.substring(p + 1, eol);
        p = eol + 2;
        switch (t) {
            case '$': case '=': case '!': {
                int n = Integer.parseInt(head);
                if (n >= 0) {
                    p += n + 2;
                }
                pos[0] = p;
                return;
            }
            case '*': case '~': case '>': case '%': {
                int n = Integer.parseInt(head);
                if (t == '%') {
                    n *= 2;
                }
                pos[0] = p;
                for (int i = 0; i < n; i++) {
                    skip(s, pos);
                }
                return;
            }
            default:
                pos[0] = p;
        }
    }
}
