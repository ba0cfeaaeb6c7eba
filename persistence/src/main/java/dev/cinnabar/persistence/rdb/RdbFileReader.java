package dev.cinnabar.persistence.rdb;

import java.nio.charset.StandardCharsets;

/**
 * Reads an RDB file of versions 1 to 10 as Redis 7.0.15's rdbLoadRio does: the magic and
 * version, then opcodes (aux fields, SELECTDB, RESIZEDB, expiry times in seconds or
 * milliseconds, IDLE, FREQ, function libraries, module aux data refused) and keys until EOF,
 * then, from version 5 on, the CRC-64 trailer (zero: saved without a checksum). What it reads
 * goes to a {@link Handler}; a failure is an {@link RdbFileException} saying which of Redis's
 * log lines applies.
 */
public final class RdbFileReader {
    /** Where the file's contents go. */
    public interface Handler {
        /** An aux field (redis-ver, ctime, used-mem, repl-*, and any other: skipped by contract). */
        default void aux(byte[] key, byte[] value) {
        }

        /** SELECTDB: later keys go to database {@code db}. Throws to stop loading (too many databases). */
        void selectDb(long db) throws RdbFileException;

        /** RESIZEDB: a hint of the database's size. */
        default void resizeDb(long size, long expiresSize) {
        }

        /** A function library's code (FUNCTION2), or the older pre-GA form turned into it. */
        void function(byte[] code) throws RdbFileException;

        /**
         * A key of the selected database: its value, its expiry time in ms or -1, its LRU idle
         * time in seconds or -1, its LFU counter or -1.
         */
        void key(byte[] key, Object value, long expireAt, long idleSeconds, int lfuFreq) throws RdbFileException;

        /**
         * A key whose value is an empty collection (old Redis versions could save one): not
         * loaded; Redis logs "rdbLoadObject skipping empty key: KEY" for the first 10.
         */
        default void emptyKey(byte[] key) {
        }

        /** Called as bytes are consumed, every {@code progressInterval} bytes at most. */
        default void progress(long bytesRead) {
        }
    }

    private final RdbInput in;
    private final RdbLoadSettings settings;
    private final Handler handler;
    private final boolean verifyChecksum;
    private final long progressInterval;
    private long nextProgress;
    private int version;
    private boolean checksumDisabledInFile;

    /**
     * {@code verifyChecksum}: Redis's {@code rdbchecksum} (false skips the trailer's check);
     * {@code progressInterval}: {@code loading-process-events-interval-bytes}.
     */
    public RdbFileReader(RdbInput in, RdbLoadSettings settings, Handler handler, boolean verifyChecksum,
            long progressInterval) {
        this.in = in;
        this.settings = settings;
        this.handler = handler;
        this.verifyChecksum = verifyChecksum;
        this.progressInterval = progressInterval <= 0 ? Long.MAX_VALUE : progressInterval;
        this.nextProgress = this.progressInterval;
    }

    /** The version in the header, once read. */
    public int version() {
        return version;
    }

    /** True when the file's trailer was zero: saved with {@code rdbchecksum no}, nothing checked. */
    public boolean checksumDisabledInFile() {
        return checksumDisabledInFile;
    }

    /** Bytes read so far, as Redis's loading_loaded_bytes after its last progress report. */
    public long reportedBytes() {
        return nextProgress - progressInterval;
    }

    public void read() throws RdbFileException {
        try {
            readAll();
        } catch (RdbFormatException e) {
            throw RdbFileException.corrupt(e.getMessage(), reportedBytes());
        }
    }

    private void readAll() throws RdbFormatException, RdbFileException {
        byte[] magic = new byte[9];
        try {
            in.readFully(magic, 0, 9);
        } catch (RdbFormatException e) {
            throw RdbFileException.shortRead(reportedBytes());
        }
        if (!new String(magic, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            throw new RdbFileException(RdbFileException.Kind.SIGNATURE, "Wrong signature trying to load DB from file", 0);
        }
        version = atoi(magic, 5);
        if (version < 1 || version > Rdb.VERSION) {
            throw new RdbFileException(RdbFileException.Kind.VERSION, "Can't handle RDB format version " + version, 0);
        }
        long expireAt = -1;
        long idle = -1;
        int freq = -1;
        while (true) {
            int type = next(() -> in.readType());
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME:
                    expireAt = next(() -> in.readSeconds()) * 1000;
                    continue;
                case Rdb.OPCODE_EXPIRETIME_MS:
                    expireAt = next(() -> in.readMillis());
                    continue;
                case Rdb.OPCODE_FREQ:
                    freq = (int) next(() -> in.readByte());
                    continue;
                case Rdb.OPCODE_IDLE:
                    idle = next(() -> in.readLength());
                    continue;
                case Rdb.OPCODE_EOF:
                    break;
                case Rdb.OPCODE_SELECTDB:
                    handler.selectDb(next(() -> in.readLength()));
                    continue;
                case Rdb.OPCODE_RESIZEDB: {
                    long size = next(() -> in.readLength());
                    long expires = next(() -> in.readLength());
                    handler.resizeDb(size, expires);
                    continue;
                }
                case Rdb.OPCODE_AUX: {
                    byte[] k = next(() -> in.readString());
                    byte[] v = next(() -> in.readString());
                    handler.aux(k, v);
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX:
                    throw new RdbFileException(RdbFileException.Kind.MODULE,
                            "The RDB file contains AUX module data I can't load: no matching module '"
                                    + moduleName(next(() -> in.readLength())) + "'", reportedBytes());
                case Rdb.OPCODE_FUNCTION2:
                    handler.function(next(() -> in.readString()));
                    continue;
                case Rdb.OPCODE_FUNCTION:
                    handler.function(preGaFunction());
                    continue;
                default:
                    if (!Rdb.isObjectType(type)) {
                        throw RdbFileException.corrupt("Unknown RDB encoding type " + type, reportedBytes());
                    }
                    byte[] key = next(() -> in.readString());
                    Object value;
                    try {
                        value = RdbValues.read(in, type, settings);
                    } catch (RdbFormatException e) {
                        // A value cut short is a short read to Redis; anything else, corrupt contents.
                        if (in.atEnd() || "unexpected end of input".equals(e.getMessage())) {
                            throw RdbFileException.shortRead(reportedBytes());
                        }
                        throw RdbFileException.corrupt(e.getMessage(), reportedBytes());
                    }
                    progress();
                    if (value == null) {
                        handler.emptyKey(key); // an empty collection: Redis skips it and loads on
                    } else {
                        handler.key(key, value, expireAt, idle, freq);
                    }
                    expireAt = -1;
                    idle = -1;
                    freq = -1;
                    continue;
            }
            break;
        }
        if (version >= 5) {
            long expected = in.crc();
            long got = next(() -> in.readLittleEndian(8));
            if (verifyChecksum) {
                if (got == 0) {
                    checksumDisabledInFile = true;
                } else if (got != expected) {
                    throw new RdbFileException(RdbFileException.Kind.CHECKSUM, String.format(
                            "Wrong RDB checksum expected: (%x) but got (%x). Aborting now.", expected, got),
                            reportedBytes());
                }
            }
        }
    }

    /** The pre-GA FUNCTION opcode (7.0 rc1 and rc2): name, engine, optional description, code. */
    private byte[] preGaFunction() throws RdbFileException {
        byte[] name = next(() -> in.readString());
        byte[] engine = next(() -> in.readString());
        long hasDesc = next(() -> in.readLength());
        if (hasDesc != 0) {
            next(() -> in.readString());
        }
        byte[] blob = next(() -> in.readString());
        byte[] head = ("#!" + new String(engine, StandardCharsets.ISO_8859_1) + " name="
                + new String(name, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] code = new byte[head.length + blob.length];
        System.arraycopy(head, 0, code, 0, head.length);
        System.arraycopy(blob, 0, code, head.length, blob.length);
        return code;
    }

    /** Redis's moduleTypeNameByID: nine characters from the top 54 bits of the id. */
    static String moduleName(long id) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char[] name = new char[9];
        id >>>= 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = chars.charAt((int) (id & 63));
            id >>>= 6;
        }
        return new String(name);
    }

    private void progress() {
        long pos = in.position();
        if (pos >= nextProgress) {
            nextProgress = (pos / progressInterval + 1) * progressInterval;
            handler.progress(pos);
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T get() throws RdbFormatException;
    }

    /** A read where Redis's failure is a short read: "Unexpected EOF reading RDB file". */
    private <T> T next(Read<T> r) throws RdbFileException {
        try {
            return r.get();
        } catch (RdbFormatException e) {
            throw RdbFileException.shortRead(reportedBytes());
        }
    }

    private static int atoi(byte[] b, int off) {
        int v = 0;
        for (int i = off; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }
}
