package dev.cinnabar.server.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Command flags with Redis's names, as a bit set. The order of {@link #NAMES} is the order in
 * which Redis lists them in COMMAND INFO.
 */
public final class CommandFlags {
    public static final long WRITE = 1L;
    public static final long READONLY = 1L << 1;
    public static final long DENYOOM = 1L << 2;
    public static final long MODULE = 1L << 3;
    public static final long ADMIN = 1L << 4;
    public static final long PUBSUB = 1L << 5;
    public static final long NOSCRIPT = 1L << 6;
    public static final long BLOCKING = 1L << 7;
    public static final long LOADING = 1L << 8;
    public static final long STALE = 1L << 9;
    public static final long SKIP_MONITOR = 1L << 10;
    public static final long SKIP_SLOWLOG = 1L << 11;
    public static final long ASKING = 1L << 12;
    public static final long FAST = 1L << 13;
    public static final long NO_AUTH = 1L << 14;
    public static final long MAY_REPLICATE = 1L << 15;
    public static final long SENTINEL = 1L << 16;
    public static final long ONLY_SENTINEL = 1L << 17;
    public static final long NO_MANDATORY_KEYS = 1L << 18;
    public static final long PROTECTED = 1L << 19;
    public static final long NO_ASYNC_LOADING = 1L << 20;
    public static final long NO_MULTI = 1L << 21;
    public static final long MOVABLE_KEYS = 1L << 22;
    public static final long ALLOW_BUSY = 1L << 23;
    /**
     * The command may touch any key (SCAN, RANDOMKEY): the deletions its lazy expiry propagates
     * are not wrapped in MULTI/EXEC, as active expiry's are not (Redis's CMD_TOUCHES_ARBITRARY_KEYS).
     */
    public static final long TOUCHES_ARBITRARY_KEYS = 1L << 24;

    /**
     * Flags Redis keeps to itself: COMMAND INFO never lists them, so metadata read from a real
     * server never has them either; they are set by hand where a command needs them.
     */
    public static final long HIDDEN = MAY_REPLICATE | SENTINEL | ONLY_SENTINEL | PROTECTED | TOUCHES_ARBITRARY_KEYS;

    /** Names indexed by bit position. */
    static final String[] NAMES = {
        "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking",
        "loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth",
        "may_replicate", "sentinel", "only_sentinel", "no_mandatory_keys", "protected",
        "no_async_loading", "no_multi", "movablekeys", "allow_busy", "touches_arbitrary_keys",
    };

    private CommandFlags() {
    }

    public static long parse(List<?> names) {
        long bits = 0;
        for (Object o : names) {
            bits |= bit(NAMES, (String) o, "command flag");
        }
        return bits;
    }

    public static List<String> names(long bits) {
        return namesOf(NAMES, bits);
    }

    /** Writes the flags COMMAND INFO shows, as a set of status strings in Redis's order. */
    static void write(dev.cinnabar.protocol.ReplyWriter w, long bits) {
        long visible = bits & ~HIDDEN;
        w.set(Long.bitCount(visible));
        for (int i = 0; i < NAMES.length; i++) {
            if ((visible & (1L << i)) != 0) {
                w.simple(NAMES[i]);
            }
        }
    }

    static long bit(String[] names, String name, String what) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return 1L << i;
            }
        }
        throw new IllegalArgumentException("unknown " + what + ": " + name);
    }

    static List<String> namesOf(String[] names, long bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1L << i)) != 0) {
                out.add(names[i]);
            }
        }
        return out;
    }
}
