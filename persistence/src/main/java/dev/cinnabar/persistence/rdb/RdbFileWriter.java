package dev.cinnabar.persistence.rdb;

import java.nio.charset.StandardCharsets;

/**
 * The framing of an RDB file as Redis 7.0.15's rdbSaveRio writes it: the {@code REDIS0010}
 * magic, the aux fields, the function libraries, per database a SELECTDB and a RESIZEDB followed
 * by its keys (each with its expiry time and its LRU idle time or LFU counter before the value),
 * then EOF and the CRC-64 trailer.
 *
 * <p>Every piece is a static method on an {@link RdbOutput}, so that a snapshot can encode keys
 * into small in-memory buffers on the engine thread and copy them, in order, into the file's
 * output on another thread: the CRC-64 is that of the file's output.
 */
public final class RdbFileWriter {
    private RdbFileWriter() {
    }

    /** No expiry time, no access data. */
    public static final long NONE = -1;

    /** The fields Redis writes after the magic, in its order; {@code repl*} only with replication info. */
    public static final class Aux {
        public String redisVersion = "7.0.15";
        public long ctimeSeconds;
        public long usedMemory;
        /** -1: no replication fields (a master without a backlog, as Redis's rdbPopulateSaveInfo). */
        public int replStreamDb = -1;
        public String replId;
        public long replOffset;
        public boolean aofBase;
    }

    /** The magic and the aux fields. */
    public static void header(RdbOutput out, Aux aux) {
        // Not String.format: its first use loads the locale machinery, 17 ms on the engine thread
        // at a server's first BGSAVE.
        String version = Integer.toString(Rdb.VERSION);
        out.writeBytes(("REDIS" + "0000".substring(version.length()) + version).getBytes(StandardCharsets.US_ASCII));
        aux(out, "redis-ver", aux.redisVersion);
        aux(out, "redis-bits", 64);
        aux(out, "ctime", aux.ctimeSeconds);
        aux(out, "used-mem", aux.usedMemory);
        if (aux.replStreamDb >= 0) {
            aux(out, "repl-stream-db", aux.replStreamDb);
            aux(out, "repl-id", aux.replId);
            aux(out, "repl-offset", aux.replOffset);
        }
        aux(out, "aof-base", aux.aofBase ? 1 : 0);
    }

    /** Redis's rdbSaveAuxFieldStrStr. */
    public static void aux(RdbOutput out, String key, String value) {
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.UTF_8));
        out.writeString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Redis's rdbSaveAuxFieldStrInt: the number's digits, saved as a string (so int-encoded when it fits). */
    public static void aux(RdbOutput out, String key, long value) {
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.UTF_8));
        out.writeString(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    /** One function library: its code, as FUNCTION DUMP and rdbSaveFunctions write it. */
    public static void function(RdbOutput out, byte[] code) {
        out.writeByte(Rdb.OPCODE_FUNCTION2);
        out.writeString(code);
    }

    /** The start of a database's keys: SELECTDB, then RESIZEDB with its sizes. */
    public static void selectDb(RdbOutput out, int db, long size, long expiresSize) {
        out.writeByte(Rdb.OPCODE_SELECTDB);
        out.writeLength(db);
        out.writeByte(Rdb.OPCODE_RESIZEDB);
        out.writeLength(size);
        out.writeLength(expiresSize);
    }

    /**
     * Redis's rdbSaveKeyValuePair: the expiry time ({@link #NONE} for none), the idle seconds under
     * an LRU policy or the LFU counter under an LFU one ({@link #NONE} when the policy asks for
     * neither), the value's type, the key, the value.
     */
    public static void keyValue(RdbOutput out, byte[] key, int keyOff, int keyLen, Object value, long expireAt,
            long idleSeconds, int lfuFreq) {
        keyPrefix(out, key, keyOff, keyLen, expireAt, idleSeconds, lfuFreq);
        RdbValues.write(out, value);
        if (out.keyPending()) {
            throw new IllegalStateException("value written without a type byte first");
        }
    }

    /**
     * {@link #keyValue} of a big collection written a part at a time: the key's prefix, the
     * value's type and count now; {@code parts} ({@link RdbValueParts#of}) write the rest after.
     */
    public static void keyValueInParts(RdbOutput out, byte[] key, int keyOff, int keyLen, RdbValueParts parts,
            long expireAt, long idleSeconds, int lfuFreq) {
        keyPrefix(out, key, keyOff, keyLen, expireAt, idleSeconds, lfuFreq);
        parts.start(out);
    }

    /**
     * {@link #keyValue} of a string value given as bytes where they lie (a string kept inside the
     * keyspace's table), so that a snapshot makes no copy of it.
     */
    public static void keyString(RdbOutput out, byte[] key, int keyOff, int keyLen, byte[] value, int valueOff,
            int valueLen, long expireAt, long idleSeconds, int lfuFreq) {
        keyPrefix(out, key, keyOff, keyLen, expireAt, idleSeconds, lfuFreq);
        out.writeByte(Rdb.TYPE_STRING);
        out.writeString(value, valueOff, valueLen);
    }

    private static void keyPrefix(RdbOutput out, byte[] key, int keyOff, int keyLen, long expireAt, long idleSeconds,
            int lfuFreq) {
        if (expireAt != NONE) {
            out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
            out.writeMillis(expireAt);
        }
        if (idleSeconds != NONE) {
            out.writeByte(Rdb.OPCODE_IDLE);
            out.writeLength(idleSeconds);
        }
        if (lfuFreq != NONE) {
            out.writeByte(Rdb.OPCODE_FREQ);
            out.writeByte(lfuFreq);
        }
        out.keyAfterNextByte(key, keyOff, keyLen);
    }

    /** EOF, then the CRC-64 of everything before it (with EOF), or 8 zero bytes without {@code rdbchecksum}. */
    public static void end(RdbOutput out, boolean checksum) {
        out.writeByte(Rdb.OPCODE_EOF);
        long crc = checksum ? out.crc() : 0;
        out.writeLittleEndian(crc, 8);
        out.flush();
    }
}
