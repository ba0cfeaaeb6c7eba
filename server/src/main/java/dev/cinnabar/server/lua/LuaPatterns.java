package dev.cinnabar.server.lua;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's pattern matching (string.find, match, gmatch/gfind, gsub) on byte strings, with its
 * error texts; %f frontiers included. The pattern, as in C Lua, ends at its first zero byte
 * (except for a plain find). LuaJ's own matcher lacks %f and threw Java exceptions on some
 * malformed patterns.
 */
final class LuaPatterns extends LibFunction51 {
    static final String[] NAMES = {"find", "match", "gmatch", "gsub", "gfind"};
    private static final int FIND = 0, MATCH = 1, GMATCH = 2, GSUB = 3, GFIND = 4;
    private static final int MAXCAPTURES = 32;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    /** Recursion bound of the matcher, so that a pattern cannot exhaust the Java stack. */
    private static final int MAXCCALLS = 2000;
    private static final String SPECIALS = "^$*+?.([%-";

    LuaPatterns(String name, int op) {
        super(name, op);
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case FIND:
                return findAux(a, true);
            case MATCH:
                return findAux(a, false);
            case GMATCH:
            case GFIND: {
                LuaString s = LuaErrors.checkString(a, 1, name);
                LuaString p = LuaErrors.checkString(a, 2, name);
                return new GmatchIterator(s, p);
            }
            case GSUB:
                return gsub(a);
            default:
                return NONE;
        }
    }

    private static final class MatchState {
        final byte[] src;
        final int srcInit;
        final int srcEnd;
        final byte[] pat;
        final int patEnd;
        int level;
        int depth;
        final int[] capInit = new int[MAXCAPTURES];
        final int[] capLen = new int[MAXCAPTURES];

        MatchState(LuaString s, byte[] pat, int patEnd) {
            this.src = s.m_bytes;
            this.srcInit = s.m_offset;
            this.srcEnd = s.m_offset + s.m_length;
            this.pat = pat;
            this.patEnd = patEnd;
        }

        int p(int i) {
            return i < patEnd ? pat[i] & 0xff : 0;
        }

        int s(int i) {
            return i < srcEnd ? src[i] & 0xff : 0;
        }

        int checkCapture(int l) {
            l -= '1';
            if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
                throw new LuaError("invalid capture index");
            }
            return l;
        }

        int captureToClose() {
            int lv = level;
            for (lv--; lv >= 0; lv--) {
                if (capLen[lv] == CAP_UNFINISHED) {
                    return lv;
                }
            }
            throw new LuaError("invalid pattern capture");
        }

        int classEnd(int p) {
            int c = p(p++);
            if (c == '%') {
                if (p >= patEnd) {
                    throw new LuaError("malformed pattern (ends with '%')");
                }
                return p + 1;
            }
            if (c == '[') {
                if (p(p) == '^') {
                    p++;
                }
                do {
                    if (p >= patEnd) {
                        throw new LuaError("malformed pattern (missing ']')");
                    }
                    int cc = p(p++);
                    if (cc == '%' && p < patEnd) {
                        p++;
                    }
                } while (p(p) != ']');
                return p + 1;
            }
            return p;
        }

        static boolean matchClass(int c, int cl) {
            boolean res;
            switch (cl | 0x20) {
                case 'a': res = isAlpha(c); break;
                case 'c': res = c < 32 || c == 127; break;
                case 'd': res = c >= '0' && c <= '9'; break;
                case 'l': res = c >= 'a' && c <= 'z'; break;
                case 'p': res = isPunct(c); break;
                case 's': res = c == ' ' || (c >= '\t' && c <= '\r'); break;
                case 'u': res = c >= 'A' && c <= 'Z'; break;
                case 'w': res = isAlpha(c) || (c >= '0' && c <= '9'); break;
                case 'x': res = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
                case 'z': res = c == 0; break;
                default: return cl == c;
            }
            if (cl >= 'A' && cl <= 'Z') {
                res = !res;
            }
            return res;
        }

        static boolean isAlpha(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        static boolean isPunct(int c) {
            return c > 32 && c < 127 && !isAlpha(c) && !(c >= '0' && c <= '9');
        }

        boolean matchBracketClass(int c, int p, int ec) {
            boolean sig = true;
            if (p(p + 1) == '^') {
                sig = false;
                p++;
            }
            while (++p < ec) {
                if (p(p) == '%') {
                    p++;
                    if (matchClass(c, p(p))) {
                        return sig;
                    }
                } else if (p(p + 1) == '-' && p + 2 < ec) {
                    p += 2;
                    if (p(p - 2) <= c && c <= p(p)) {
                        return sig;
                    }
                } else if (p(p) == c) {
                    return sig;
                }
            }
            return !sig;
        }

        boolean singleMatch(int c, int p, int ep) {
            switch (p(p)) {
                case '.':
                    return true;
                case '%':
                    return matchClass(c, p(p + 1));
                case '[':
                    return matchBracketClass(c, p, ep - 1);
                default:
                    return p(p) == c;
            }
        }

        int matchBalance(int s, int p) {
            if (p >= patEnd || p + 1 >= patEnd) {
                throw new LuaError("unbalanced pattern");
            }
            if (s >= srcEnd || s(s) != p(p)) {
                return -1;
            }
            int b = p(p);
            int e = p(p + 1);
            int cont = 1;
            while (++s < srcEnd) {
                int c = s(s);
                if (c == e) {
                    if (--cont == 0) {
                        return s + 1;
                    }
                } else if (c == b) {
                    cont++;
                }
            }
            return -1;
        }

        int maxExpand(int s, int p, int ep) {
            int i = 0;
            while (s + i < srcEnd && singleMatch(s(s + i), p, ep)) {
                i++;
            }
            while (i >= 0) {
                int res = match(s + i, ep + 1);
                if (res != -1) {
                    return res;
                }
                i--;
            }
            return -1;
        }

        int minExpand(int s, int p, int ep) {
            while (true) {
                int res = match(s, ep + 1);
                if (res != -1) {
                    return res;
                } else if (s < srcEnd && singleMatch(s(s), p, ep)) {
                    s++;
                } else {
                    return -1;
                }
            }
        }

        int startCapture(int s, int p, int what) {
            if (level >= MAXCAPTURES) {
                throw new LuaError("too many captures");
            }
            capInit[level] = s;
            capLen[level] = what;
            level++;
            int res = match(s, p);
            if (res == -1) {
                level--;
            }
            return res;
        }

        int endCapture(int s, int p) {
            int l = captureToClose();
            capLen[l] = s - capInit[l];
            int res = match(s, p);
            if (res == -1) {
                capLen[l] = CAP_UNFINISHED;
            }
            return res;
        }

        int matchCapture(int s, int l) {
            l = checkCapture(l);
            int len = capLen[l];
            // A position capture's length is CAP_POSITION, which C compares as a huge size_t:
            // a back reference to one never matches.
            if (len >= 0 && srcEnd - s >= len
                    && java.util.Arrays.equals(src, capInit[l], capInit[l] + len, src, s, s + len)) {
                return s + len;
            }
            return -1;
        }

        int match(int s, int p) {
            if (++depth > MAXCCALLS) {
                throw new LuaError("pattern too complex");
            }
            try {
                while (true) {
                    if (p >= patEnd) {
                        return s;
                    }
                    int pc = p(p);
                    switch (pc) {
                        case '(':
                            if (p(p + 1) == ')') {
                                return startCapture(s, p + 2, CAP_POSITION);
                            }
                            return startCapture(s, p + 1, CAP_UNFINISHED);
                        case ')':
                            return endCapture(s, p + 1);
                        case '%': {
                            int next = p(p + 1);
                            if (next == 'b') {
                                s = matchBalance(s, p + 2);
                                if (s == -1) {
                                    return -1;
                                }
                                p += 4;
                                continue;
                            } else if (next == 'f') {
                                p += 2;
                                if (p(p) != '[') {
                                    throw new LuaError("missing '[' after '%f' in pattern");
                                }
                                int ep = classEnd(p);
                                int previous = s == srcInit ? 0 : s(s - 1);
                                if (matchBracketClass(previous, p, ep - 1) || !matchBracketClass(s(s), p, ep - 1)) {
                                    return -1;
                                }
                                p = ep;
                                continue;
                            } else if (next >= '0' && next <= '9') {
                                s = matchCapture(s, next);
                                if (s == -1) {
                                    return -1;
                                }
                                p += 2;
                                continue;
                            }
                            break;
                        }
                        case '$':
                            if (p + 1 >= patEnd) {
                                return s == srcEnd ? s : -1;
                            }
                            break;
                        default:
                            break;
                    }
                    int ep = classEnd(p);
                    boolean m = s < srcEnd && singleMatch(s(s), p, ep);
                    switch (p(ep)) {
                        case '?': {
                            if (m) {
                                int res = match(s + 1, ep + 1);
                                if (res != -1) {
                                    return res;
                                }
                            }
                            p = ep + 1;
                            continue;
                        }
                        case '*':
                            return maxExpand(s, p, ep);
                        case '+':
                            return m ? maxExpand(s + 1, p, ep) : -1;
                        case '-':
                            return minExpand(s, p, ep);
                        default:
                            if (!m) {
                                return -1;
                            }
                            s++;
                            p = ep;
                    }
                }
            } finally {
                depth--;
            }
        }

        LuaValue oneCapture(int i, int s, int e) {
            if (i >= level) {
                if (i == 0) {
                    return LuaString.valueOf(src, s, e - s);
                }
                throw new LuaError("invalid capture index");
            }
            int l = capLen[i];
            if (l == CAP_UNFINISHED) {
                throw new LuaError("unfinished capture");
            }
            if (l == CAP_POSITION) {
                return valueOf(capInit[i] - srcInit + 1);
            }
            return LuaString.valueOf(src, capInit[i], l);
        }

        /** The captures (or the whole match when there are none and s >= 0). */
        Varargs captures(int s, int e, boolean wholeIfNone) {
            int n = (level == 0 && wholeIfNone) ? 1 : level;
            if (n == 1) {
                return oneCapture(0, s, e);
            }
            LuaValue[] v = new LuaValue[n];
            for (int i = 0; i < n; i++) {
                v[i] = oneCapture(i, s, e);
            }
            return varargsOf(v);
        }
    }

    /** The pattern's length as a C string. */
    private static int cLength(LuaString p) {
        for (int i = 0; i < p.m_length; i++) {
            if (p.m_bytes[p.m_offset + i] == 0) {
                return i;
            }
        }
        return p.m_length;
    }

    private static byte[] patternBytes(LuaString p) {
        byte[] b = new byte[cLength(p)];
        System.arraycopy(p.m_bytes, p.m_offset, b, 0, b.length);
        return b;
    }

    private Varargs findAux(Varargs a, boolean find) {
        LuaString s = LuaErrors.checkString(a, 1, name);
        LuaString p = LuaErrors.checkString(a, 2, name);
        int l1 = s.m_length;
        long init = StringFunctions.posrelat(LuaErrors.optInteger(a, 3, name, 1), l1) - 1;
        if (init < 0) {
            init = 0;
        } else if (init > l1) {
            init = l1;
        }
        byte[] pat = patternBytes(p);
        boolean noSpecials = true;
        for (byte c : pat) {
            if (SPECIALS.indexOf(c) >= 0) {
                noSpecials = false;
                break;
            }
        }
        if (find && (a.arg(4).toboolean() || noSpecials)) {
            int idx = indexOf(s, (int) init, p);
            if (idx >= 0) {
                return varargsOf(valueOf(idx + 1), valueOf(idx + p.m_length));
            }
            return NIL;
        }
        int pi = 0;
        boolean anchor = pat.length > 0 && pat[0] == '^';
        if (anchor) {
            pi = 1;
        }
        MatchState ms = new MatchState(s, pat, pat.length);
        int s1 = s.m_offset + (int) init;
        do {
            ms.level = 0;
            int res = ms.match(s1, pi);
            if (res != -1) {
                if (find) {
                    Varargs caps = ms.level == 0 ? NONE : ms.captures(-1, 0, false);
                    return varargsOf(valueOf(s1 - s.m_offset + 1), valueOf(res - s.m_offset), caps);
                }
                return ms.captures(s1, res, true);
            }
        } while (s1++ < ms.srcEnd && !anchor);
        return NIL;
    }

    private static int indexOf(LuaString s, int from, LuaString p) {
        int l2 = p.m_length;
        if (l2 == 0) {
            return from;
        }
        int last = s.m_length - l2;
        byte first = p.m_bytes[p.m_offset];
        for (int i = from; i <= last; i++) {
            if (s.m_bytes[s.m_offset + i] == first && java.util.Arrays.equals(s.m_bytes, s.m_offset + i,
                    s.m_offset + i + l2, p.m_bytes, p.m_offset, p.m_offset + l2)) {
                return i;
            }
        }
        return -1;
    }

    /** The iterator gmatch returns. */
    private static final class GmatchIterator extends VarArgFunction {
        private final LuaString s;
        private final byte[] pat;
        private int pos;

        GmatchIterator(LuaString s, LuaString p) {
            this.s = s;
            this.pat = patternBytes(p);
            this.name = "gmatch_aux";
        }

        @Override
        public Varargs invoke(Varargs args) {
            MatchState ms = new MatchState(s, pat, pat.length);
            for (int src = s.m_offset + pos; src <= ms.srcEnd; src++) {
                ms.level = 0;
                int e = ms.match(src, 0);
                if (e != -1) {
                    int newStart = e - s.m_offset;
                    if (e == src) {
                        newStart++;
                    }
                    pos = newStart;
                    return ms.captures(src, e, true);
                }
            }
            return NONE;
        }
    }

    private Varargs gsub(Varargs a) {
        LuaString src = LuaErrors.checkString(a, 1, name);
        LuaString p = LuaErrors.checkString(a, 2, name);
        LuaValue repl = a.arg(3);
        int tr = repl.type();
        long maxS = LuaErrors.optInteger(a, 4, name, src.m_length + 1L);
        if (!(tr == TNUMBER || tr == TSTRING || tr == TFUNCTION || tr == TTABLE)) {
            throw LuaErrors.arg(3, name, "string/function/table expected");
        }
        byte[] pat = patternBytes(p);
        int pi = 0;
        boolean anchor = pat.length > 0 && pat[0] == '^';
        if (anchor) {
            pi = 1;
        }
        MatchState ms = new MatchState(src, pat, pat.length);
        Buffer b = new Buffer(src.m_length);
        int s = src.m_offset;
        long n = 0;
        LuaString replStr = tr == TNUMBER || tr == TSTRING ? repl.strvalue() : null;
        while (n < maxS) {
            ms.level = 0;
            int e = ms.match(s, pi);
            if (e != -1) {
                n++;
                addValue(ms, b, s, e, repl, replStr);
            }
            if (e != -1 && e > s) {
                s = e;
            } else if (s < ms.srcEnd) {
                b.append(src.m_bytes[s++]);
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        b.append(LuaString.valueOf(src.m_bytes, s, ms.srcEnd - s));
        return varargsOf(b.tostring(), valueOf(n));
    }

    private static void addValue(MatchState ms, Buffer b, int s, int e, LuaValue repl, LuaString replStr) {
        LuaValue v;
        if (replStr != null) {
            byte[] r = replStr.m_bytes;
            int off = replStr.m_offset;
            int l = replStr.m_length;
            for (int i = 0; i < l; i++) {
                byte c = r[off + i];
                if (c != '%') {
                    b.append(c);
                } else {
                    i++;
                    int d = i < l ? r[off + i] & 0xff : 0;
                    if (!(d >= '0' && d <= '9')) {
                        b.append((byte) d);
                    } else if (d == '0') {
                        b.append(LuaString.valueOf(ms.src, s, e - s));
                    } else {
                        b.append(ms.oneCapture(d - '1', s, e).strvalue());
                    }
                }
            }
            return;
        }
        if (repl.isfunction()) {
            v = LuaThread.invokeFromLibrary(repl, ms.captures(s, e, true)).arg1();
        } else {
            v = repl.get(ms.oneCapture(0, s, e));
        }
        if (!v.toboolean()) {
            b.append(LuaString.valueOf(ms.src, s, e - s));
        } else if (v.type() != TSTRING && v.type() != TNUMBER) {
            throw new LuaError("invalid replacement value (a " + v.typename() + ")");
        } else {
            b.append(v.strvalue());
        }
    }
}
