package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.RandomBytes;

/**
 * The random identities a server shows: the run id, new at every start so tools can tell a
 * restart apart, and the replication ids of Redis's PSYNC (the current history and the previous
 * one), which belong to this server, not to the JVM it runs in, with the offset of each: how
 * many bytes of replication stream this server produced in the current history.
 */
public final class ServerIds {
    /** Redis's replication id of no history: forty zeros. */
    public static final String NO_ID = "0".repeat(40);

    private final String runId = randomHex(40);
    private String replicationId = randomHex(40);
    private String replicationId2 = NO_ID;
    private long replicationOffset;
    private long secondReplicationOffset = -1;

    public String runId() {
        return runId;
    }

    /** INFO's {@code master_replid}. */
    public String replicationId() {
        return replicationId;
    }

    /** INFO's {@code master_replid2}. */
    public String replicationId2() {
        return replicationId2;
    }

    /** INFO's {@code master_repl_offset}: the stream's bytes so far, the last one's offset. */
    public long replicationOffset() {
        return replicationOffset;
    }

    /** The stream grew by {@code bytes}. */
    public void advanceReplicationOffset(long bytes) {
        replicationOffset += bytes;
    }

    /** INFO's {@code second_repl_offset}: up to where the previous id's history is shared, or -1. */
    public long secondReplicationOffset() {
        return secondReplicationOffset;
    }

    /**
     * A new replication history, as DEBUG CHANGE-REPL-ID and a promotion start: a new id, and
     * no previous one to continue from.
     */
    public void changeReplicationId() {
        replicationId = randomHex(40);
        replicationId2 = NO_ID;
        secondReplicationOffset = -1;
    }

    /** A full sync from a master: its history is ours now, with no previous one. */
    public void adoptHistory(String id, long offset) {
        replicationId = id;
        replicationId2 = NO_ID;
        secondReplicationOffset = -1;
        replicationOffset = offset;
    }

    /**
     * A replica becomes a master (Redis's shiftReplicationId): a new history, the old one kept
     * as the second id up to here, so that the other replicas of the old master continue.
     */
    public void shiftReplicationId() {
        replicationId2 = replicationId;
        secondReplicationOffset = replicationOffset + 1;
        replicationId = randomHex(40);
    }

    /** The master continued us under a new id from {@code secondOffset} on (its own shift). */
    public void continueAs(String id, long secondOffset) {
        replicationId2 = replicationId;
        secondReplicationOffset = secondOffset;
        replicationId = id;
    }

    /**
     * A master restarted from a dump that recorded its history ({@code id} up to {@code offset}):
     * that history stays the second one, so that its replicas continue, and this run's new id
     * goes on from there (Redis's loadDataFromDisk).
     */
    public void restartedFrom(String id, long offset) {
        replicationId2 = id;
        secondReplicationOffset = offset + 1;
        replicationOffset = offset;
    }

    /** The offset a replica applied of its master's stream, which its own offset follows. */
    public void replicationOffset(long offset) {
        replicationOffset = offset;
    }

    /** {@code digits} random lowercase hex digits. */
    public static String randomHex(int digits) {
        byte[] bytes = RandomBytes.of(digits);
        char[] hex = new char[digits];
        for (int i = 0; i < digits; i++) {
            hex[i] = Character.forDigit(bytes[i] & 15, 16);
        }
        return new String(hex);
    }
}
