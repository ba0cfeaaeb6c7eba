package dev.cinnabar.server.scripting;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LuaClosure;

/**
 * EVAL's script cache: every script by the SHA1 of its body, and the compiled functions of the
 * ones most recently loaded or run. A compiled LuaJ function costs several times its source on
 * the heap (about 730 bytes for an 80-byte script: prototype, constants, line and local-variable
 * tables, closure), so only the source and the digest are kept for each script, and at most
 * {@link #COMPILED_MAX} compiled functions (and {@link #COMPILED_SOURCE_MAX} bytes of their
 * sources) beside them; a script run after its function was dropped is compiled again. Which to
 * drop is decided by the clock algorithm: a pass over the kept ones spares each that ran since
 * the last pass.
 *
 * <p>The table is open-addressed by the digest itself, so that looking up an EVALSHA argument
 * allocates nothing. Engine thread only.
 */
final class ScriptCache {
    static final int COMPILED_MAX = 500;
    static final long COMPILED_SOURCE_MAX = 1 << 20;

    /** Each byte's value as a hex digit of either case, or -1. */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX["0123456789abcdef".charAt(i)] = (byte) i;
            HEX["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
    }

    private Scripting.Script[] table = new Scripting.Script[16];
    private int size;
    private final Scripting.Script[] clock = new Scripting.Script[COMPILED_MAX];
    private int hand;
    private long compiledSource;
    private final MessageDigest sha1;
    // The digest last parsed or computed, as three words.
    private long w0;
    private long w1;
    private int w2;

    ScriptCache() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int size() {
        return size;
    }

    /** The script whose SHA1 is the hex text at {@code a[off..off+len)}, either case; else null. */
    Scripting.Script find(byte[] a, int off, int len) {
        if (len != 40) {
            return null;
        }
        long x0 = 0;
        long x1 = 0;
        int x2 = 0;
        for (int i = 0; i < 40; i++) {
            int d = HEX[a[off + i] & 0xff];
            if (d < 0) {
                return null;
            }
            if (i < 16) {
                x0 = x0 << 4 | d;
            } else if (i < 32) {
                x1 = x1 << 4 | d;
            } else {
                x2 = x2 << 4 | d;
            }
        }
        w0 = x0;
        w1 = x1;
        w2 = x2;
        return find();
    }

    /** The script with this body, if cached; either way, its digest is the last one computed. */
    Scripting.Script findBody(byte[] body, int off, int len) {
        sha1.update(body, off, len);
        byte[] d = sha1.digest();
        w0 = word(d, 0);
        w1 = word(d, 8);
        w2 = (int) (word(d, 12) & 0xffffffffL);
        return find();
    }

    /** Caches a script with the digest last computed by {@link #findBody}. */
    Scripting.Script add(byte[] body, int flags) {
        Scripting.Script s = new Scripting.Script(w0, w1, w2, body, flags);
        if ((size + 1) * 2 > table.length) {
            grow();
        }
        insert(table, s);
        size++;
        return s;
    }

    void clear() {
        table = new Scripting.Script[16];
        size = 0;
        java.util.Arrays.fill(clock, null);
        hand = 0;
        compiledSource = 0;
    }

    /** Keeps {@code f} as the compiled form of {@code s}, dropping older ones past the bounds. */
    void keepCompiled(Scripting.Script s, LuaClosure f) {
        compiledSource += s.body().length;
        while (clock[hand] != null && (clock[hand].ranLately || compiledSource > COMPILED_SOURCE_MAX)) {
            Scripting.Script old = clock[hand];
            if (old.ranLately) {
                old.ranLately = false;
            } else {
                drop(old);
            }
            hand = (hand + 1) % COMPILED_MAX;
        }
        if (clock[hand] != null) {
            drop(clock[hand]);
        }
        clock[hand] = s;
        hand = (hand + 1) % COMPILED_MAX;
        s.compiled = f;
    }

    private void drop(Scripting.Script old) {
        old.compiled = null;
        compiledSource -= old.body().length;
        clock[hand] = null;
    }

    private static long word(byte[] d, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (d[at + i] & 0xff);
        }
        return v;
    }

    private Scripting.Script find() {
        Scripting.Script[] t = table;
        int mask = t.length - 1;
        for (int i = slot(w0, mask); ; i = (i + 1) & mask) {
            Scripting.Script s = t[i];
            if (s == null || s.d0 == w0 && s.d1 == w1 && s.d2 == w2) {
                return s;
            }
        }
    }

    private static int slot(long d0, int mask) {
        // The digest's bits are uniform already.
        return (int) (d0 ^ d0 >>> 32) & mask;
    }

    private static void insert(Scripting.Script[] t, Scripting.Script s) {
        int mask = t.length - 1;
        int i = slot(s.d0, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = s;
    }

    private void grow() {
        Scripting.Script[] bigger = new Scripting.Script[table.length * 2];
        for (Scripting.Script s : table) {
            if (s != null) {
                insert(bigger, s);
            }
        }
        table = bigger;
    }
}
