package dev.cinnabar.server.db;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keyspace notifications (Redis's notifyKeyspaceEvent): an event of a class enabled in
 * {@code notify-keyspace-events} is published as {@code __keyspace@<db>__:<key>} carrying the
 * event name (class K) and as {@code __keyevent@<db>__:<event>} carrying the key (class E),
 * in that order. With the class off, which is the default for every class, or with nobody
 * subscribed, a call reads a field or two and builds nothing.
 */
public final class KeyspaceNotifications {
    /** Where the messages go: pub/sub's publish. Both arrays are fresh and owned by the sink. */
    public interface Sink {
        Sink NONE = (channel, message) -> { };

        void publish(byte[] channel, byte[] message);

        /** False when nobody would receive a message: the channel names are then not built. */
        default boolean listening() {
            return true;
        }
    }

    private static final byte[] KEYSPACE_PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT_PREFIX = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = "__:".getBytes(StandardCharsets.US_ASCII);

    private ServerConfig config;
    private int fixedFlags;
    private Sink sink = Sink.NONE;

    /** Reads the classes from {@code config} on every event, so that CONFIG SET takes effect at once. */
    public void config(ServerConfig config) {
        this.config = config;
    }

    /** For tests without a config: these classes, always. */
    public void flags(int flags) {
        this.config = null;
        this.fixedFlags = flags;
    }

    public void sink(Sink sink) {
        this.sink = sink == null ? Sink.NONE : sink;
    }

    public Sink sink() {
        return sink;
    }

    private int flags() {
        ServerConfig c = config;
        return c != null ? c.notifyKeyspaceEvents : fixedFlags;
    }

    /** True when an event of class {@code type} would be published. */
    public boolean enabled(int type) {
        return (flags() & type) != 0;
    }

    public void notify(int type, String event, byte[] key, int db) {
        if ((flags() & type) != 0) {
            publish(flags(), event, key, 0, key.length, db);
        }
    }

    public void notify(int type, String event, byte[] key, int off, int len, int db) {
        if ((flags() & type) != 0) {
            publish(flags(), event, key, off, len, db);
        }
    }

    /** The event for key argument {@code i} of {@code argv}. */
    public void notify(int type, String event, Argv argv, int i, int db) {
        if ((flags() & type) != 0) {
            publish(flags(), event, argv.array(i), argv.offset(i), argv.length(i), db);
        }
    }

    private void publish(int flags, String event, byte[] key, int off, int len, int db) {
        if (!sink.listening()) {
            return;
        }
        byte[] eventBytes = event.getBytes(StandardCharsets.ISO_8859_1);
        byte[] dbBytes = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
        if ((flags & KeyspaceEvents.KEYSPACE) != 0) {
            sink.publish(channel(KEYSPACE_PREFIX, dbBytes, key, off, len), eventBytes);
        }
        if ((flags & KeyspaceEvents.KEYEVENT) != 0) {
            sink.publish(channel(KEYEVENT_PREFIX, dbBytes, eventBytes, 0, eventBytes.length),
                    Arrays.copyOfRange(key, off, off + len));
        }
    }

    private static byte[] channel(byte[] prefix, byte[] db, byte[] tail, int off, int len) {
        byte[] out = new byte[prefix.length + db.length + SEPARATOR.length + len];
        int p = 0;
        System.arraycopy(prefix, 0, out, p, prefix.length);
        p += prefix.length;
        System.arraycopy(db, 0, out, p, db.length);
        p += db.length;
        System.arraycopy(SEPARATOR, 0, out, p, SEPARATOR.length);
        p += SEPARATOR.length;
        System.arraycopy(tail, off, out, p, len);
        return out;
    }
}
