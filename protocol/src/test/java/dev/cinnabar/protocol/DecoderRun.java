package dev.cinnabar.protocol;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link RequestDecoder} the way the engine does (feed, then take every complete
 * command) and records what came out, so tests can compare runs fed in different pieces.
 */
final class DecoderRun {
    final RequestDecoder decoder = new RequestDecoder();
    /** Each command's arguments, decoded as Latin-1 so every byte survives. */
    final List<List<String>> commands = new ArrayList<>();
    String error;
    boolean authRequired;
    long maxBulk = 512L * 1024 * 1024;
    /** Peek ahead before every {@link RequestDecoder#next}, checking what the peek promised. */
    boolean peek;
    /** Second arguments the last peek saw, still to be matched by decoded commands. */
    private final java.util.ArrayDeque<String> peeked = new java.util.ArrayDeque<>();
    /** Requests the last peek looked at that have not been decoded yet. */
    private int peekedRequests;
    /** Bound on {@link RequestDecoder#next} calls per feed; a decoder that loops trips it. */
    private static final int MAX_STEPS_PER_FEED = 10_000_000;

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A RESP multibulk request of the given arguments. */
    static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    DecoderRun auth(boolean required) {
        this.authRequired = required;
        return this;
    }

    DecoderRun peek(boolean on) {
        this.peek = on;
        return this;
    }

    DecoderRun maxBulk(long max) {
        this.maxBulk = max;
        return this;
    }

    DecoderRun feed(String latin1) {
        return feed(bytes(latin1));
    }

    /** Feeds the bytes at once, alternating the byte[] and ByteBuf entry points. */
    DecoderRun feed(byte[] data) {
        if ((commands.size() & 1) == 0) {
            decoder.feed(data, 0, data.length);
        } else {
            decoder.feed(Unpooled.wrappedBuffer(data));
        }
        drain();
        return this;
    }

    /** Feeds the bytes in pieces of {@code size}. */
    DecoderRun feedInPieces(byte[] data, int size) {
        for (int off = 0; off < data.length; off += size) {
            int n = Math.min(size, data.length - off);
            decoder.feed(data, off, n);
            drain();
        }
        return this;
    }

    DecoderRun feedInPieces(String latin1, int size) {
        return feedInPieces(bytes(latin1), size);
    }

    /** Long texts as their start, length and hash; tests compare summaries of expected commands the same way. */
    static String shorten(String s) {
        if (s.length() <= 200) {
            return s;
        }
        return s.substring(0, 60) + "...(" + s.length() + " chars, hash " + Integer.toHexString(s.hashCode()) + ")";
    }

    private void drain() {
        for (int steps = 0; steps < MAX_STEPS_PER_FEED; steps++) {
            if (peek && peekedRequests == 0) {
                peekAhead();
            }
            int r = decoder.next(authRequired, maxBulk);
            if (r == RequestDecoder.NEED_MORE) {
                return;
            }
            if (r == RequestDecoder.ERROR) {
                if (error == null) {
                    error = decoder.error();
                }
                return;
            }
            if (r != RequestDecoder.COMMAND) {
                throw new AssertionError("unknown result " + r);
            }
            Argv a = decoder.argv();
            List<String> cmd = new ArrayList<>(a.count());
            for (int i = 0; i < a.count(); i++) {
                cmd.add(a.latin1(i));
            }
            commands.add(cmd);
            if (peekedRequests > 0) {
                peekedRequests--;
                if (a.count() >= 2 && !cmd.get(1).equals(peeked.poll())) {
                    throw new AssertionError("the peek promised another second argument for " + shorten(String.join("|", cmd)));
                }
                if (peekedRequests == 0 && !peeked.isEmpty()) {
                    throw new AssertionError("the peek saw more second arguments than its requests had: " + peeked.size());
                }
            }
        }
        throw new AssertionError("decoder did not stop within " + MAX_STEPS_PER_FEED + " steps");
    }

    /** Peeks, checking that every argument handed over lies within its array. */
    private void peekAhead() {
        peeked.clear();
        peekedRequests = decoder.peekSecondArguments(64, (b, off, len) -> {
            if (off < 0 || len < 0 || off + len > b.length) {
                throw new AssertionError("peeked argument out of bounds: " + off + "+" + len + " of " + b.length);
            }
            peeked.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
        });
    }

    /**
     * The commands as one string per command, arguments joined by '|', plus the error if any.
     * Long commands are shortened to their start, length and hash, so a failure stays readable.
     */
    List<String> summary() {
        List<String> out = new ArrayList<>();
        for (List<String> c : commands) {
            out.add(shorten(String.join("|", c)));
        }
        if (error != null) {
            out.add("ERROR " + error);
        }
        return out;
    }
}
