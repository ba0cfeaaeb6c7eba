package dev.cinnabar.server.config;

/**
 * Glob matching as Redis's stringmatch does it, for CONFIG GET patterns and included file
 * names: {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, and backslash escapes.
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(String pattern, String text, boolean noCase) {
        return matches(pattern, 0, text, 0, noCase);
    }

    static boolean matches(String p, int pi, String s, int si, boolean noCase) {
        while (pi < p.length() && (si < s.length() || p.charAt(pi) == '*')) {
            char pc = p.charAt(pi);
            switch (pc) {
                case '*':
                    while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (k < s.length() && matches(p, pi + 1, s, k, noCase)) {
                            return true;
                        }
                    }
                    return false;
                case '?':
                    si++;
                    break;
                case '[': {
                    pi++;
                    boolean not = pi < p.length() && p.charAt(pi) == '^';
                    if (not) {
                        pi++;
                    }
                    boolean match = false;
                    while (true) {
                        if (pi >= p.length()) {
                            pi--;
                            break;
                        }
                        char c = p.charAt(pi);
                        if (c == '\\' && pi + 1 < p.length()) {
                            pi++;
                            // An escaped character matches exactly, even without case.
                            if (p.charAt(pi) == s.charAt(si)) {
                                match = true;
                            }
                        } else if (c == ']') {
                            break;
                        } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
                            char start = p.charAt(pi);
                            char end = p.charAt(pi + 2);
                            char x = s.charAt(si);
                            if (start > end) {
                                char t = start;
                                start = end;
                                end = t;
                            }
                            if (noCase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                x = Character.toLowerCase(x);
                            }
                            pi += 2;
                            if (x >= start && x <= end) {
                                match = true;
                            }
                        } else if (same(c, s.charAt(si), noCase)) {
                            match = true;
                        }
                        pi++;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                    break;
                }
                case '\\':
                    if (pi + 1 < p.length()) {
                        pi++;
                    }
                    if (!same(p.charAt(pi), s.charAt(si), noCase)) {
                        return false;
                    }
                    si++;
                    break;
                default:
                    if (!same(pc, s.charAt(si), noCase)) {
                        return false;
                    }
                    si++;
                    break;
            }
            pi++;
            if (si == s.length()) {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == p.length() && si == s.length();
    }

    private static boolean same(char a, char b, boolean noCase) {
        return noCase ? Character.toLowerCase(a) == Character.toLowerCase(b) : a == b;
    }
}
