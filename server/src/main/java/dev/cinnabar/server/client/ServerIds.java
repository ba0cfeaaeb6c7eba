package dev.cinnabar.server.client;

import dev.cinnabar.datatypes.RandomBytes;

/**
 * The random identities a server shows: the run id, new at every start so tools can tell a
 * restart apart, and the replication ids of Redis's PSYNC (the current history and the previous
 * one), which belong to this server, not to the JVM it runs in.
 */
public final class ServerIds {
    /** Redis's replication id of no history: forty zeros. */
    public static final String NO_ID = "0".repeat(40);

    private final String runId = randomHex(40);
    private String replicationId = randomHex(40);
    private String replicationId2 = NO_ID;

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

    /**
     * A new replication history, as DEBUG CHANGE-REPL-ID and a promotion start: a new id, and
     * no previous one to continue from.
     */
    public void changeReplicationId() {
        replicationId = randomHex(40);
        replicationId2 = NO_ID;
    }

    /** {@code digits} random lowercase hex digits. */
    static String randomHex(int digits) {
        byte[] bytes = RandomBytes.of(digits);
        char[] hex = new char[digits];
        for (int i = 0; i < digits; i++) {
            hex[i] = Character.forDigit(bytes[i] & 15, 16);
        }
        return new String(hex);
    }
}
