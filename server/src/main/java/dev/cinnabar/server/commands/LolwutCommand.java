package dev.cinnabar.server.commands;

import dev.cinnabar.server.Version;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.exec.CommandHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * LOLWUT, as Redis 7.0.15 answers it: a version of 5 draws {@link LolwutArt#schotter}, 6 draws
 * {@link LolwutArt#skyline}, anything else (the default, which is the server's own version)
 * only names the Redis version. The art is random, so only its size, its characters and the
 * caption under it are Redis's.
 */
public final class LolwutCommand {
    private static final String SCHOTTER_CAPTION =
            "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + Version.REDIS + "\n";
    private static final String SKYLINE_CAPTION =
            "\nDedicated to the 8 bit game developers of past and present.\n"
            + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + Version.REDIS + "\n";

    /** Redis's rand(): uniform over 0..RAND_MAX (2^31 - 1). */
    private static final IntSupplier RAND = () -> ThreadLocalRandom.current().nextInt() >>> 1;

    private LolwutCommand() {
    }

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("lolwut", this, 0);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> LolwutCommand.lolwut(c);
                default -> throw new IllegalArgumentException("LolwutCommand has no handler " + handler);
            }
        }
    }

    /** Which piece a version text asks for: 5, 6, or 0 for none (just the version line). */
    static int pieceFor(String version) {
        if (version.length() < 3 || version.charAt(1) != '.') {
            return 0;
        }
        char major = version.charAt(0);
        char minor = version.charAt(2);
        // A x.9 release previews the next major's piece: 4.9 draws 5's, 5.9 draws 6's.
        if ((major == '5' && minor != '9') || (major == '4' && minor == '9')) {
            return 5;
        }
        if ((major == '6' && minor != '9') || (major == '5' && minor == '9')) {
            return 6;
        }
        return 0;
    }

    // LOLWUT [VERSION version] [piece-specific numbers ...]
    static void lolwut(Client c) {
        String version = Version.REDIS;
        int first = 1;
        if (c.argv.count() >= 3 && c.argv.is(1, "version")) {
            // Redis prints the number as a C unsigned int: only its low 32 bits count.
            version = Integer.toUnsignedString((int) Args.longArg(c, 2)) + ".0.0";
            first = 3;
        }
        switch (pieceFor(version)) {
            case 5 -> schotter(c, first);
            case 6 -> skyline(c, first);
            default -> reply(c, "Redis ver. " + Version.REDIS + "\n");
        }
    }

    /** The numbers after the version: each parsed if given (any error first), else its default. */
    private static long[] numbers(Client c, int first, long... defaults) {
        long[] out = defaults.clone();
        for (int i = 0; i < out.length && first + i < c.argv.count(); i++) {
            out[i] = Args.longArg(c, first + i);
        }
        return out;
    }

    private static int clamp(long v, int max) {
        return (int) Math.max(1, Math.min(max, v));
    }

    // LOLWUT VERSION 5 [columns [squares-per-row [squares-per-column]]]
    private static void schotter(Client c, int first) {
        long[] n = numbers(c, first, 66, 8, 12);
        c.reply.verbatim("txt",
                LolwutArt.schotter(clamp(n[0], 1000), clamp(n[1], 200), clamp(n[2], 200), SCHOTTER_CAPTION, RAND));
    }

    // LOLWUT VERSION 6 [columns [rows]]
    private static void skyline(Client c, int first) {
        long[] n = numbers(c, first, 80, 20);
        c.reply.verbatim("txt", LolwutArt.skyline(clamp(n[0], 1000), clamp(n[1], 1000), SKYLINE_CAPTION, RAND));
    }

    private static void reply(Client c, String text) {
        c.reply.verbatim("txt", text.getBytes(StandardCharsets.US_ASCII));
    }
}
