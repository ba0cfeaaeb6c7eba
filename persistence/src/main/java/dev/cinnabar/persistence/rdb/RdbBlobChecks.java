package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Integrity;

/**
 * The integrity checks a blob read from an RDB file or payload passes before it becomes part of
 * a value: Redis's lpValidateIntegrity, intsetValidateIntegrity, lpPairsValidateIntegrityAndDups
 * and streamValidateListpackIntegrity, from {@link Integrity}. Listpacks and stream nodes are
 * always walked entry by entry; {@code deep} (sanitize-dump-payload) adds Redis's checks for
 * repeated names in pairs and for order in intsets.
 */
final class RdbBlobChecks {
    private RdbBlobChecks() {
    }

    // Every listpack is walked entry by entry whatever sanitize-dump-payload says (Redis trusts
    // its header without it and may crash later; the value classes here trust the entries).

    /** Redis's lpValidateIntegrity, always deep. */
    static boolean listpack(byte[] lp, boolean deep) {
        return Integrity.listpack(lp, true);
    }

    /**
     * A listpack of field/value (member/score) pairs: an even count in every mode (Redis checks
     * it only deeply, and would then crash); deep: no name twice, as Redis.
     */
    static boolean pairsListpack(byte[] lp, boolean deep) {
        if (deep) {
            return Integrity.listpackPairs(lp, true);
        }
        long[] count = {0};
        return Integrity.listpack(lp, true, (e, n) -> {
            count[0]++;
            return true;
        }) && (count[0] & 1) == 0;
    }

    /** A stream node's listpack (streamValidateListpackIntegrity), always deep. */
    static boolean streamListpack(byte[] lp, boolean deep) {
        return Integrity.streamListpack(lp, true);
    }

    /** Encoding 2, 4 or 8, the size matching the count, not empty; deep: strictly increasing. */
    static boolean intset(byte[] is, boolean deep) {
        return Integrity.intset(is, deep);
    }
}
