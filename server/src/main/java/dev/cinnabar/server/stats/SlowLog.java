package dev.cinnabar.server.stats;

import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Iterator;

/**
 * The commands that ran longer than {@code slowlog-log-slower-than} microseconds, newest first,
 * at most {@code slowlog-max-len} of them. An entry keeps a shortened copy of the arguments, so
 * a huge command costs the log little: at most 32 arguments, each at most 128 bytes.
 */
public final class SlowLog {
    static final int MAX_ARGS = 32;
    static final int MAX_ARG_BYTES = 128;
    /** What the log shows in place of a password or other secret argument. */
    static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    /** One logged command. */
    public static final class Entry {
        public final long id;
        public final long unixSeconds;
        public final long micros;
        public final byte[][] args;
        public final String peer;
        public final String clientName;

        Entry(long id, long unixSeconds, long micros, byte[][] args, String peer, String clientName) {
            this.id = id;
            this.unixSeconds = unixSeconds;
            this.micros = micros;
            this.args = args;
            this.peer = peer;
            this.clientName = clientName;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Ids keep counting across SLOWLOG RESET, as in Redis. */
    private long nextId;

    /**
     * Logs a command when the threshold asks for it: a negative threshold logs nothing, zero
     * logs everything. The log is trimmed to {@code maxLen} here, so a lowered
     * {@code slowlog-max-len} takes effect at the next entry, as in Redis.
     */
    public void maybeLog(long thresholdMicros, long maxLen, long micros, long unixSeconds, Argv argv,
                         BitSet redacted, String peer, String clientName) {
        if (thresholdMicros < 0 || micros < thresholdMicros) {
            return;
        }
        entries.addFirst(new Entry(nextId++, unixSeconds, micros, copyArgs(argv, redacted), peer,
                clientName == null ? "" : clientName));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    /** The arguments as the log keeps them: the 32nd says how many more there were. */
    static byte[][] copyArgs(Argv argv, BitSet redacted) {
        int argc = argv.count();
        int kept = Math.min(argc, MAX_ARGS);
        byte[][] out = new byte[kept][];
        for (int i = 0; i < kept; i++) {
            if (kept != argc && i == kept - 1) {
                out[i] = ascii("... (" + (argc - kept + 1) + " more arguments)");
            } else if (redacted != null && redacted.get(i)) {
                out[i] = REDACTED;
            } else {
                int len = argv.length(i);
                if (len > MAX_ARG_BYTES) {
                    byte[] tail = ascii("... (" + (len - MAX_ARG_BYTES) + " more bytes)");
                    byte[] b = new byte[MAX_ARG_BYTES + tail.length];
                    System.arraycopy(argv.array(i), argv.offset(i), b, 0, MAX_ARG_BYTES);
                    System.arraycopy(tail, 0, b, MAX_ARG_BYTES, tail.length);
                    out[i] = b;
                } else {
                    out[i] = argv.copy(i);
                }
            }
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public int size() {
        return entries.size();
    }

    /** Newest first. */
    public Iterator<Entry> iterator() {
        return entries.iterator();
    }

    public void reset() {
        entries.clear();
    }
}
