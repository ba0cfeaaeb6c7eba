package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.server.client.Client;
import java.util.SplittableRandom;

/**
 * DEBUG STRINGMATCH-TEST: Redis's fuzz test of its glob matcher, run against ours. Ten million
 * random patterns and strings of up to 31 bytes below 128 are matched; the test passes when the
 * server survives it, which takes a few seconds during which every client waits, as in Redis.
 * Redis 7.0 has no other stringmatch subcommand (STRINGMATCH-LEN came later).
 */
final class DebugStringmatch {
    /** Redis's cycle count and its buffer size, which bounds the lengths. */
    static final int CYCLES = 10_000_000;
    private static final int BUFFER = 32;

    private DebugStringmatch() {
    }

    // DEBUG STRINGMATCH-TEST
    static void test(Client c) {
        fuzz(CYCLES, new SplittableRandom());
        c.reply.simple("Apparently Redis did not crash: test passed");
    }

    /** Matches {@code cycles} random pairs; returns how many matched, so the work is not optimised away. */
    static int fuzz(int cycles, SplittableRandom random) {
        byte[] str = new byte[BUFFER];
        byte[] pat = new byte[BUFFER];
        int matches = 0;
        for (int n = 0; n < cycles; n++) {
            int strLen = random.nextInt(BUFFER);
            int patLen = random.nextInt(BUFFER);
            for (int j = 0; j < strLen; j++) {
                str[j] = (byte) random.nextInt(128);
            }
            for (int j = 0; j < patLen; j++) {
                pat[j] = (byte) random.nextInt(128);
            }
            if (Glob.matches(pat, 0, patLen, str, 0, strLen, false)) {
                matches++;
            }
        }
        return matches;
    }
}
