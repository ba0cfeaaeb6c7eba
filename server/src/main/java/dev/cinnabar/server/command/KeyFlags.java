package dev.cinnabar.server.command;

import java.util.List;

/**
 * How a command uses a key, as key specs declare it, with Redis's names. The order of
 * {@link #NAMES} is the order in which Redis prints them in COMMAND INFO and
 * COMMAND GETKEYSANDFLAGS.
 */
public final class KeyFlags {
    /** Read only: the value is read, not changed. */
    public static final long RO = 1L;
    /** Read and write. */
    public static final long RW = 1L << 1;
    /** Overwrite: the value is replaced without being read. */
    public static final long OW = 1L << 2;
    /** Remove: the key is deleted. */
    public static final long RM = 1L << 3;
    public static final long ACCESS = 1L << 4;
    public static final long UPDATE = 1L << 5;
    public static final long INSERT = 1L << 6;
    public static final long DELETE = 1L << 7;
    /** The argument is not a key (a shard channel), though it hashes to a slot like one. */
    public static final long NOT_KEY = 1L << 8;
    /** The spec may miss keys; the command's own key finder knows better. */
    public static final long INCOMPLETE = 1L << 9;
    /** The flags depend on other arguments; the command's own key finder tells them. */
    public static final long VARIABLE_FLAGS = 1L << 10;

    static final String[] NAMES = {
        "RO", "RW", "OW", "RM", "access", "update", "insert", "delete", "not_key", "incomplete",
        "variable_flags",
    };

    private static final byte[][] ENCODED = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            ENCODED[i] = NAMES[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private KeyFlags() {
    }

    /** Parses names in any letter case; an unknown name is an error in the metadata. */
    public static long parse(List<?> names) {
        long bits = 0;
        for (Object o : names) {
            bits |= CommandFlags.bit(NAMES, (String) o, "key spec flag");
        }
        return bits;
    }

    public static List<String> names(long bits) {
        return CommandFlags.namesOf(NAMES, bits);
    }

    /** Writes the flags as a set of status strings, as Redis does. */
    public static void write(dev.cinnabar.protocol.ReplyWriter w, long bits) {
        w.set(Long.bitCount(bits));
        for (int i = 0; i < ENCODED.length; i++) {
            if ((bits & (1L << i)) != 0) {
                w.simple(ENCODED[i]);
            }
        }
    }
}
