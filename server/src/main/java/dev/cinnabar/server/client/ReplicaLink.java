package dev.cinnabar.server.client;

import io.netty.buffer.ByteBuf;

/**
 * A replica's side of its connection as the master sees it: what it announced with REPLCONF
 * before its PSYNC, then where its synchronization stands and what it acknowledged. The
 * replication itself (the stream, the backlog, the full sync) lives in the replication package;
 * this is the client's share, which CLIENT LIST, the output limits and the idle timeout look at.
 */
public final class ReplicaLink {
    /** Announced, not synchronizing: an ordinary client still. */
    public static final int HANDSHAKE = 0;
    /** Waits for a BGSAVE it can use to start (Redis's SLAVE_STATE_WAIT_BGSAVE_START). */
    public static final int WAIT_BGSAVE_START = 1;
    /** Its BGSAVE runs; the stream since it began is held for it. */
    public static final int WAIT_BGSAVE_END = 2;
    /** Its RDB is on the way. */
    public static final int SEND_BULK = 3;
    /** It has the RDB and gets the stream as it is made. */
    public static final int ONLINE = 4;

    /** REPLCONF listening-port: where the replica itself listens (INFO, ROLE). */
    public int listeningPort;
    /** REPLCONF ip-address, or null: the peer's address then stands for it. */
    public String announcedIp;
    /** REPLCONF capa eof: it reads an RDB of unknown length, ended by a mark. */
    public boolean capaEof;
    /** REPLCONF capa psync2: it understands +CONTINUE with the replication id. */
    public boolean capaPsync2;

    public int state = HANDSHAKE;
    /** It came with SYNC, not PSYNC (Redis's CLIENT_PRE_PSYNC): it never acknowledges. */
    public boolean preSync;
    /** The offset its full sync starts after: its RDB holds the data up to there. */
    public long initialOffset;
    /** REPLCONF ACK: the last offset it processed. */
    public long ackOffset;
    /** Unix seconds of its last ACK (or of going online). */
    public long ackSeconds;
    /** The stream made since {@link #initialOffset}, held until its RDB is sent; null when none. */
    public ByteBuf held;
    /**
     * Online after a diskless sync, the stream still {@link #held} until its first ACK: the RDB
     * it read ends with a mark, which it finds only if nothing follows before it answers.
     */
    public boolean streamOnAck;

    /** True once it synchronizes: a replica (flag S, type replica), no longer a client. */
    public boolean attached() {
        return state != HANDSHAKE;
    }

    /** Redis's replstateToString, as INFO shows it. */
    public String stateName() {
        return switch (state) {
            case WAIT_BGSAVE_START, WAIT_BGSAVE_END -> "wait_bgsave";
            case SEND_BULK -> "send_bulk";
            case ONLINE -> "online";
            default -> "";
        };
    }

    /** Whether {@code c} is a synchronizing or synchronized replica. */
    public static boolean isReplica(Client c) {
        return c.replica != null && c.replica.attached();
    }

    /** Gives back what is held; the connection is going. */
    public void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
