package dev.cinnabar.datatypes.value;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A 20-byte running digest built from SHA-1, with the two ways of adding data that Redis's DEBUG
 * DIGEST uses, so that two servers holding the same data print the same signature:
 * <ul>
 *   <li>{@link #xor}: XOR in the SHA-1 of the data. The order does not matter, which suits the
 *       elements of an unordered collection and the keys of a database.</li>
 *   <li>{@link #mix}: XOR in the SHA-1 of the data, then replace the state with the SHA-1 of
 *       itself. The order matters, and so do the boundaries: "ab" then "c" differs from "a"
 *       then "bc". For a value's parts in sequence.</li>
 * </ul>
 * A fresh digest is all zeros.
 */
public final class ValueDigest {
    public static final int LENGTH = 20;
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(ValueDigest::sha1);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] state = new byte[LENGTH];

    /** Back to all zeros, to reuse the object for the next key or element. */
    public void reset() {
        Arrays.fill(state, (byte) 0);
    }

    /** XORs the SHA-1 of {@code len} bytes at {@code off} into the state. */
    public void xor(byte[] data, int off, int len) {
        MessageDigest sha = SHA1.get();
        sha.update(data, off, len);
        byte[] hash = sha.digest();
        for (int i = 0; i < LENGTH; i++) {
            state[i] ^= hash[i];
        }
    }

    public void xor(byte[] data) {
        xor(data, 0, data.length);
    }

    /** XORs in another digest (its SHA-1, as for any data): how an element's digest joins its collection's. */
    public void xor(ValueDigest other) {
        xor(other.state, 0, LENGTH);
    }

    /** {@link #xor}, then the state becomes the SHA-1 of itself. */
    public void mix(byte[] data, int off, int len) {
        xor(data, off, len);
        MessageDigest sha = SHA1.get();
        sha.update(state);
        System.arraycopy(sha.digest(), 0, state, 0, LENGTH);
    }

    public void mix(byte[] data) {
        mix(data, 0, data.length);
    }

    /** Mixes in a 32-bit number as four big-endian bytes (type codes, database numbers). */
    public void mixInt(int v) {
        mix(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** The state in lowercase hex, 40 characters, as DEBUG DIGEST prints it. */
    public String hex() {
        char[] out = new char[LENGTH * 2];
        for (int i = 0; i < LENGTH; i++) {
            out[2 * i] = HEX[(state[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[state[i] & 0xf];
        }
        return new String(out);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
