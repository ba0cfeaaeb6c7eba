package dev.cinnabar.server.command;

import java.util.List;

/** ACL categories with Redis's names and order, as a bit set. */
public final class AclCategories {
    static final String[] NAMES = {
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
        "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
        "dangerous", "connection", "transaction", "scripting",
    };

    public static final long KEYSPACE = 1L;
    public static final long READ = 1L << 1;
    public static final long WRITE = 1L << 2;
    public static final long ADMIN = 1L << 13;
    public static final long FAST = 1L << 14;
    public static final long SLOW = 1L << 15;
    public static final long DANGEROUS = 1L << 17;
    public static final long CONNECTION = 1L << 18;

    private AclCategories() {
    }

    /** Parses names written with or without the leading '@'. */
    public static long parse(List<?> names) {
        long bits = 0;
        for (Object o : names) {
            String n = (String) o;
            bits |= CommandFlags.bit(NAMES, n.startsWith("@") ? n.substring(1) : n, "ACL category");
        }
        return bits;
    }

    public static long bit(String name) {
        return CommandFlags.bit(NAMES, name, "ACL category");
    }

    /** The bit of a category named in any letter case, or 0 when there is no such category. */
    public static long find(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(name)) {
                return 1L << i;
            }
        }
        return 0;
    }

    /** Writes the categories as a set of {@code +@name} status strings, as COMMAND INFO does. */
    static void write(dev.cinnabar.protocol.ReplyWriter w, long bits) {
        w.set(Long.bitCount(bits));
        for (int i = 0; i < NAMES.length; i++) {
            if ((bits & (1L << i)) != 0) {
                w.simple("@" + NAMES[i]);
            }
        }
    }

    public static List<String> names(long bits) {
        return CommandFlags.namesOf(NAMES, bits);
    }

    public static List<String> all() {
        return List.of(NAMES);
    }
}
