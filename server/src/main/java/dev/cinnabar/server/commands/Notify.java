package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.KeyspaceEvents;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.server.db.KeyspaceNotifications;

/**
 * The keyspace events handlers fire, in the client's database (see
 * {@link dev.cinnabar.server.db.KeyspaceNotifications}). Class constants are
 * {@link KeyspaceEvents}'s; the event names and their order are Redis's.
 */
final class Notify {
    static final int GENERIC = KeyspaceEvents.GENERIC;
    static final int STRING = KeyspaceEvents.STRING;
    static final int LIST = KeyspaceEvents.LIST;
    static final int SET = KeyspaceEvents.SET;
    static final int HASH = KeyspaceEvents.HASH;
    static final int ZSET = KeyspaceEvents.ZSET;

    private Notify() {
    }

    /** Event {@code event} of class {@code type} for key argument {@code keyArg}. */
    static void arg(Client c, int type, String event, int keyArg) {
        c.server.keyspace().notifications().notify(type, event, c.argv, keyArg, c.db().id);
    }

    /** Event {@code event} of class {@code type} for {@code key}. */
    static void key(Client c, int type, String event, byte[] key) {
        c.server.keyspace().notifications().notify(type, event, key, c.db().id);
    }

    /**
     * {@link #key} for a handle's key, copied out of the keyspace only when the class is
     * published: every LPOP copied its key for events nobody had asked for.
     */
    static void key(Client c, int type, String event, KeyEntry e) {
        KeyspaceNotifications n = c.server.keyspace().notifications();
        if (n.enabled(type)) {
            n.notify(type, event, e.key(), c.db().id);
        }
    }
}
