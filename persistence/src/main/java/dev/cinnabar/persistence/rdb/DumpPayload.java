package dev.cinnabar.persistence.rdb;

/**
 * DUMP's serialized value and RESTORE's reading of it, as Redis 7.0.15's createDumpPayload and
 * verifyDumpPayload: the type byte and the value's RDB payload, then the RDB version (2 bytes)
 * and the CRC-64 of everything before it (8 bytes), both little-endian.
 */
public final class DumpPayload {
    /** RESTORE's reply when the trailer is missing, names a later version or has a wrong CRC. */
    public static final String BAD_TRAILER = "DUMP payload version or checksum are wrong";
    /** RESTORE's reply when the value itself cannot be read. */
    public static final String BAD_DATA = "Bad data format";

    private DumpPayload() {
    }

    /** The payload of {@code value}, strings LZF-compressed when {@code compression} (rdbcompression). */
    public static byte[] create(Object value, boolean compression) {
        RdbOutput out = new RdbOutput(compression);
        RdbValues.write(out, value);
        out.writeLittleEndian(Rdb.VERSION, 2);
        out.writeLittleEndian(out.crc(), 8);
        return out.toByteArray();
    }

    /** {@link #create(Object, boolean)} with compression on, Redis's default. */
    public static byte[] create(Object value) {
        return create(value, true);
    }

    /** Why a payload was refused: {@link #getMessage()} is RESTORE's error text. */
    public static final class Invalid extends Exception {
        private final boolean trailer;

        Invalid(String message, boolean trailer, Throwable cause) {
            super(message, cause, false, false);
            this.trailer = trailer;
        }

        /** True for a bad version or checksum, false for a bad value. */
        public boolean trailer() {
            return trailer;
        }
    }

    /** Checks the trailer only (verifyDumpPayload): long enough, a known version, the right CRC. */
    public static boolean verify(byte[] payload, boolean checkCrc) {
        int len = payload.length;
        if (len < 10) {
            return false;
        }
        int version = (payload[len - 10] & 0xff) | (payload[len - 9] & 0xff) << 8;
        if (version > Rdb.VERSION) {
            return false;
        }
        if (!checkCrc) {
            return true;
        }
        long crc = Crc64.update(0, payload, 0, len - 8);
        for (int i = 0; i < 8; i++) {
            if ((byte) (crc >>> (8 * i)) != payload[len - 8 + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value in a payload, in the encoding Redis holds after loading it. As in Redis the value
     * is read from the start of the whole payload (trailer included), and bytes between its end
     * and the trailer are ignored.
     */
    public static Object parse(byte[] payload, RdbLoadSettings s) throws Invalid {
        return parse(payload, s, true);
    }

    /** {@link #parse(byte[], RdbLoadSettings)}, the CRC checked unless {@code checkCrc} is false (DEBUG SET-SKIP-CHECKSUM-VALIDATION). */
    public static Object parse(byte[] payload, RdbLoadSettings s, boolean checkCrc) throws Invalid {
        if (!verify(payload, checkCrc)) {
            throw new Invalid(BAD_TRAILER, true, null);
        }
        RdbInput in = new RdbInput(payload);
        try {
            int type = in.readType();
            if (!Rdb.isObjectType(type)) {
                throw new RdbFormatException("not a value type: " + type);
            }
            Object value = RdbValues.read(in, type, s);
            if (value == null) {
                throw new RdbFormatException("empty value");
            }
            return value;
        } catch (RdbFormatException | RuntimeException e) {
            // a runtime exception here is a payload that passed the checks but was still bad
            throw new Invalid(BAD_DATA, false, e);
        }
    }
}
