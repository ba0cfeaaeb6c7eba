package dev.cinnabar.datatypes;

/**
 * The shape of a chained hash table with incremental rehashing, as DEBUG HTSTATS-KEY prints it
 * (Redis's dictGetStats): the main table (0) and, while rehashing, the table being filled (1).
 */
public interface HashTableStats {
    boolean isRehashing();

    /** Buckets of table {@code which}; 0 when it is absent. */
    int tableLength(int which);

    /** Entries in table {@code which}. */
    int used(int which);

    /** How many entries chain from {@code bucket} of table {@code which}. */
    int chainLength(int which, int bucket);
}
