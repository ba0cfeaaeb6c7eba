package dev.cinnabar.server.command;

import java.util.Arrays;

/**
 * The keys found in one command line: argument positions (0 is the command name) and the
 * {@link KeyFlags} of each. One instance is reused call after call, so finding keys allocates
 * nothing once it has grown to the largest command seen.
 */
public final class KeyResult {
    private int[] positions = new int[8];
    private long[] flags = new long[8];
    private int count;

    public int count() {
        return count;
    }

    public int position(int i) {
        return positions[i];
    }

    public long flags(int i) {
        return flags[i];
    }

    public void clear() {
        count = 0;
    }

    void add(int position, long keyFlags) {
        if (count == positions.length) {
            int n = count * 2;
            positions = Arrays.copyOf(positions, n);
            flags = Arrays.copyOf(flags, n);
        }
        positions[count] = position;
        flags[count] = keyFlags;
        count++;
    }

    /** Keeps the first {@code n} keys; used when a later spec turns out invalid. */
    void truncate(int n) {
        count = n;
    }
}
