package dev.cinnabar.server.db;

import dev.cinnabar.datatypes.KeyTable;

/**
 * A command's handle on one key of a database: what {@link Db}'s write lookups return, so that a
 * handler can read and replace the value and the access data without looking the key up again.
 * The key itself lives in the database's {@link KeyTable}, which has no object per key; a handle
 * is made per lookup and lives no longer than the command. After the key is deleted the handle
 * still reads what the key held until the command ends (the table recycles ids only between
 * commands), as a deleted entry could be read before.
 */
public final class KeyEntry {
    private final Db db;
    private final KeyTable table;
    private final int id;
    /** The key's bytes, copied out of the table on first use. */
    private byte[] key;

    KeyEntry(Db db, KeyTable table, int id) {
        this.db = db;
        this.table = table;
        this.id = id;
    }

    /** The key's id in its database's table. */
    public int id() {
        return id;
    }

    /**
     * The value, for a handler that may change it: a string kept inline in the table moves out
     * into an array of its own first (see {@link Db#INLINE_LIMIT}), which this returns.
     */
    public Object value() {
        return db.valueForWrite(table, id);
    }

    /**
     * The value, for a reader: a string kept inline comes back as a copy and stays inline. What
     * reports on a key (OBJECT, DEBUG, MEMORY, DIGEST) reads through this.
     */
    public Object readValue() {
        return table.valueOrCopy(id);
    }

    /** True when the value is a string kept in the key's record, not an object. */
    public boolean isInline() {
        return table.value(id) == KeyTable.INLINE;
    }

    /**
     * Puts another value object in the key, bypassing the write path's accounting: for {@link
     * Db} and for handlers between {@link Db#beforeChange} and {@link Db#changed}.
     */
    public void value(Object v) {
        table.value(id, v);
    }

    public int meta() {
        return table.meta(id);
    }

    public void meta(int m) {
        table.meta(id, m);
    }

    /** The key's bytes: a copy owned by this handle, the same array on every call. */
    public byte[] key() {
        if (key == null) {
            key = table.copyKey(id);
        }
        return key;
    }

    /** The key's bytes where the table keeps them: read only, valid until the next write. */
    public byte[] keyArray() {
        return table.keyArray(id);
    }

    public int keyOffset() {
        return table.keyOffset(id);
    }

    public int keyLength() {
        return table.keyLength(id);
    }

    /** True when both handles are on the same key of the same database. */
    public boolean sameKey(KeyEntry other) {
        return other != null && other.table == table && other.id == id;
    }

    KeyTable table() {
        return table;
    }
}
