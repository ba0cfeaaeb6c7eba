package dev.cinnabar.datatypes;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Random bytes for seeds and ids, read from the kernel's source as Redis reads them. A
 * {@link SecureRandom} would load and initialise the security providers during the start for a
 * handful of bytes; it serves only where /dev/urandom cannot be read.
 */
public final class RandomBytes {
    private RandomBytes() {
    }

    public static byte[] of(int n) {
        byte[] bytes = new byte[n];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(bytes, 0, n) == n) {
                return bytes;
            }
        } catch (IOException | SecurityException e) {
            // fall through to the JDK's generator
        }
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    public static long nextLong() {
        long v = 0;
        for (byte b : of(8)) {
            v = v << 8 | (b & 0xff);
        }
        return v;
    }
}
