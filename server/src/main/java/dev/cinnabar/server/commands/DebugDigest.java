package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.KeyTable;
import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.value.ValueDigest;
import dev.cinnabar.datatypes.value.ValueType;
import dev.cinnabar.datatypes.value.ValueTypes;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's signature of the data, so that a test can tell
 * whether two servers (or one server before and after a reload) hold the same keys, values and
 * TTLs. The algorithm is Redis's, step for step, so the signatures are equal on both:
 * <ul>
 *   <li>a value: its type number, then its content as its {@link ValueType#digest} adds it, then,
 *       for a key with a TTL, the text {@code !!expire!!} (that it has one, not when);</li>
 *   <li>a key: its name mixed into a fresh digest, followed by its value's part;</li>
 *   <li>a database: its number, then the XOR of its keys' digests, so key order is irrelevant;
 *       empty databases are skipped, so an empty server answers forty zeros.</li>
 * </ul>
 * Both read the table as it is, as Redis does: keys past their TTL and not yet removed count,
 * nothing expires, and no hit, miss or access is recorded.
 */
final class DebugDigest {
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private DebugDigest() {
    }

    // DEBUG DIGEST
    static void digest(Client c) {
        c.reply.simple(dataset(c.server.keyspace()).hex());
    }

    // DEBUG DIGEST-VALUE [key ...]
    static void digestValue(Client c) {
        Argv a = c.argv;
        Db db = c.db();
        c.reply.array(a.count() - 2);
        ValueDigest d = new ValueDigest();
        for (int i = 2; i < a.count(); i++) {
            d.reset();
            KeyEntry e = db.find(a.array(i), a.offset(i), a.length(i));
            if (e != null) {
                value(db, e, d);
            }
            c.reply.simple(d.hex());
        }
    }

    /** The signature of every database. */
    static ValueDigest dataset(Keyspace keyspace) {
        ValueDigest all = new ValueDigest();
        ValueDigest key = new ValueDigest();
        for (int j = 0; j < keyspace.count(); j++) {
            Db db = keyspace.db(j);
            if (db.size() == 0) {
                continue;
            }
            all.mixInt(j);
            KeyTable keys = db.keys();
            for (int id = keys.nextId(0); id != KeyTable.NONE; id = keys.nextId(id + 1)) {
                KeyEntry e = db.entryOf(id);
                key.reset();
                key.mix(e.key());
                value(db, e, key);
                all.xor(key);
            }
        }
        return all;
    }

    /** Adds the entry's value, and whether it has a TTL, to {@code d}. */
    private static void value(Db db, KeyEntry e, ValueDigest d) {
        Object v = e.readValue();
        ValueType type = ValueTypes.of(v);
        d.mixInt(type.objectType());
        type.digest(v, d);
        if (db.expireAt(e.key()) != -1) {
            d.xor(EXPIRE_MARK);
        }
    }
}
