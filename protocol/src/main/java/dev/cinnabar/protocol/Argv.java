package dev.cinnabar.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The arguments of one command, as slices of byte arrays.
 *
 * <p>A command decoded from the network points straight into its client's query buffer, so
 * decoding copies nothing and a lookup by key allocates nothing. Such slices live only until the
 * decoder is fed again; anything kept longer (a stored value, a queued MULTI command) must be
 * copied with {@link #copy(int)} or {@link #detach()}.
 */
public final class Argv {
    private byte[][] arrays;
    private int[] offsets;
    private int[] lengths;
    /** Argument i is the whole of an array nobody else holds, so {@link #take} may hand it over. */
    private boolean[] owned;
    private int count;
    /** Bytes of the arrays the arguments own (see {@link #heldBytes}). */
    private long ownedBytes;

    public Argv() {
        this(8);
    }

    public Argv(int capacity) {
        int n = Math.max(1, capacity);
        arrays = new byte[n][];
        offsets = new int[n];
        lengths = new int[n];
        owned = new boolean[n];
    }

    /** An argv owning the given arrays; convenient for tests, scripts and internal commands. */
    public static Argv of(byte[]... args) {
        Argv a = new Argv(args.length);
        for (byte[] arg : args) {
            a.add(arg, 0, arg.length);
        }
        return a;
    }

    public static Argv of(String... args) {
        Argv a = new Argv(args.length);
        for (String arg : args) {
            byte[] b = arg.getBytes(StandardCharsets.UTF_8);
            a.add(b, 0, b.length);
        }
        return a;
    }

    public int count() {
        return count;
    }

    public byte[] array(int i) {
        return arrays[i];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public byte byteAt(int i, int pos) {
        return arrays[i][offsets[i] + pos];
    }

    /** A fresh array holding argument {@code i}; the caller owns it. */
    public byte[] copy(int i) {
        int off = offsets[i];
        return Arrays.copyOfRange(arrays[i], off, off + lengths[i]);
    }

    /**
     * Argument {@code i} as an array the caller may keep: the decoder's own array for a big
     * argument, handed over without a copy (a 100 MB SET stores the bytes that arrived), or else
     * a fresh copy. Argument {@code i} stays readable afterwards.
     */
    public byte[] take(int i) {
        if (owned[i]) {
            owned[i] = false;
            return arrays[i];
        }
        return copy(i);
    }

    /** True when argument {@code i} equals {@code lowerAscii} ignoring ASCII case. */
    public boolean is(int i, byte[] lowerAscii) {
        int len = lengths[i];
        if (len != lowerAscii.length) {
            return false;
        }
        byte[] a = arrays[i];
        int off = offsets[i];
        for (int k = 0; k < len; k++) {
            if (foldCase(a[off + k]) != lowerAscii[k]) {
                return false;
            }
        }
        return true;
    }

    /** Like {@link #is(int, byte[])} for a lowercase ASCII literal; for option parsing off the hot path. */
    public boolean is(int i, String lowerAscii) {
        int len = lengths[i];
        if (len != lowerAscii.length()) {
            return false;
        }
        byte[] a = arrays[i];
        int off = offsets[i];
        for (int k = 0; k < len; k++) {
            if (foldCase(a[off + k]) != lowerAscii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code c} with A-Z folded to a-z, without a branch: command and option names are compared
     * inline in the dispatcher, and a branch that had only ever seen upper case there made the
     * JIT throw away the whole compiled dispatcher the first time a lower-case name arrived.
     */
    private static int foldCase(int c) {
        return c + ((~((c - 'A') | ('Z' - c)) >>> 31) << 5);
    }

    /** True when arguments {@code i} and {@code j} hold the same bytes. */
    public boolean sameBytes(int i, int j) {
        return Arrays.equals(arrays[i], offsets[i], offsets[i] + lengths[i],
                arrays[j], offsets[j], offsets[j] + lengths[j]);
    }

    /** Argument {@code i} as text, for error messages and logs only. */
    public String string(int i) {
        return new String(arrays[i], offsets[i], lengths[i], StandardCharsets.UTF_8);
    }

    /** Argument {@code i} decoded byte-per-char (Latin-1), so that no byte is lost in messages. */
    public String latin1(int i) {
        return new String(arrays[i], offsets[i], lengths[i], StandardCharsets.ISO_8859_1);
    }

    /**
     * Argument {@code i} as C's {@code "%.*s"} prints it in Redis's messages: up to its first
     * NUL byte and at most {@code max} bytes, byte per char.
     */
    public String cString(int i, int max) {
        int off = offsets[i];
        int len = Math.min(lengths[i], max);
        byte[] a = arrays[i];
        for (int k = 0; k < len; k++) {
            if (a[off + k] == 0) {
                len = k;
                break;
            }
        }
        return new String(a, off, len, StandardCharsets.ISO_8859_1);
    }

    /** {@link #cString(int, int)} without a length limit: C's {@code "%s"}. */
    public String cString(int i) {
        return cString(i, Integer.MAX_VALUE);
    }

    /** {@link #cString(int)} with a-z in capitals, as C's toupper makes them: a command's name in messages. */
    public String cStringUpper(int i) {
        String s = cString(i);
        StringBuilder sb = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            sb.append(ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch);
        }
        return sb.toString();
    }

    /** A copy whose arguments own their bytes, safe to keep after the decoder moves on. */
    public Argv detach() {
        Argv d = new Argv(count);
        for (int i = 0; i < count; i++) {
            byte[] c = copy(i);
            d.add(c, 0, c.length);
        }
        return d;
    }

    public void clear() {
        // Drop references so a large query buffer is not kept alive through an idle argv.
        Arrays.fill(arrays, 0, count, null);
        count = 0;
        ownedBytes = 0;
    }

    /**
     * About the heap this argv keeps alive beyond the decoder's buffer: the arrays its arguments
     * own (a big argument, or the parsed part of a request of very many arguments) and its own
     * tables. What a half-read request costs, for the server's bound on query buffers.
     */
    public long heldBytes() {
        return ownedBytes + arrays.length * 25L;
    }

    public void add(byte[] array, int offset, int length) {
        if (count == arrays.length) {
            grow(count * 2);
        }
        arrays[count] = array;
        offsets[count] = offset;
        lengths[count] = length;
        owned[count] = false;
        count++;
    }

    /** Adds an argument that is the whole of {@code array}, which nothing else refers to. */
    void addOwned(byte[] array) {
        add(array, 0, array.length);
        owned[count - 1] = true;
        ownedBytes += 16 + array.length;
    }

    private void grow(int n) {
        arrays = Arrays.copyOf(arrays, n);
        offsets = Arrays.copyOf(offsets, n);
        lengths = Arrays.copyOf(lengths, n);
        owned = Arrays.copyOf(owned, n);
    }

    public void add(byte[] whole) {
        add(whole, 0, whole.length);
    }

    /** Replaces argument {@code i}; used when a command is rewritten before it runs. */
    public void set(int i, byte[] whole) {
        arrays[i] = whole;
        offsets[i] = 0;
        lengths[i] = whole.length;
        owned[i] = false;
    }

    /** Makes room for {@code n} arguments at once, as a multibulk header announces them. */
    void ensureCapacity(int n) {
        if (n > arrays.length) {
            grow(n);
        }
    }

    /** The query buffer moved: slices into {@code from} now live in {@code to}, shifted by {@code delta}. */
    void relocate(byte[] from, byte[] to, int delta) {
        for (int i = 0; i < count; i++) {
            if (arrays[i] == from) {
                arrays[i] = to;
                offsets[i] += delta;
            }
        }
    }

    /** Gives every slice of {@code from} an array of its own, so {@code from} can be reused. */
    void own(byte[] from) {
        for (int i = 0; i < count; i++) {
            if (arrays[i] == from) {
                int off = offsets[i];
                arrays[i] = Arrays.copyOfRange(from, off, off + lengths[i]);
                offsets[i] = 0;
                owned[i] = true;
                ownedBytes += 16 + lengths[i];
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"').append(latin1(i)).append('"');
        }
        return sb.append(']').toString();
    }
}
