package dev.cinnabar.protocol.cluster;

import java.util.List;

/**
 * One message of the cluster bus (Redis 7.0.15's {@code clusterMsg}), as the engine builds it
 * and reads it; {@link BusCodec} turns it into bytes and back.
 *
 * <p>Every message carries the sender's view of itself (the header fields); the fields after
 * them belong to one type each and are ignored for the others. Strings on the wire are bytes:
 * node names, addresses and hostnames are ASCII in practice, and here they are held one byte per
 * char (ISO-8859-1). A plain mutable class with public fields, so that the engine can reuse one
 * for its sends.
 */
public final class BusMessage {
    public static final int PING = 0;
    public static final int PONG = 1;
    /** A PING that makes the receiver add the sender to its nodes. */
    public static final int MEET = 2;
    public static final int FAIL = 3;
    public static final int PUBLISH = 4;
    public static final int FAILOVER_AUTH_REQUEST = 5;
    public static final int FAILOVER_AUTH_ACK = 6;
    public static final int UPDATE = 7;
    /** A replica asks its master to pause its clients for a manual failover. */
    public static final int MFSTART = 8;
    public static final int MODULE = 9;
    public static final int PUBLISHSHARD = 10;
    /** Types at or above this are unknown: a receiver takes their header only. */
    public static final int TYPE_COUNT = 11;

    public static final int PROTOCOL_VERSION = 1;

    /** Node flags, in the header's {@link #flags} and in gossip entries. */
    public static final int NODE_MASTER = 1;
    public static final int NODE_SLAVE = 2;
    public static final int NODE_PFAIL = 4;
    public static final int NODE_FAIL = 8;
    public static final int NODE_MYSELF = 16;
    public static final int NODE_HANDSHAKE = 32;
    public static final int NODE_NOADDR = 64;
    public static final int NODE_MEET = 128;
    public static final int NODE_MIGRATE_TO = 256;
    public static final int NODE_NOFAILOVER = 512;

    /** Bits of {@link #mflags0}. */
    public static final int MFLAG_PAUSED = 1;
    /** On a FAILOVER_AUTH_REQUEST: vote even though the master is up (manual failover). */
    public static final int MFLAG_FORCEACK = 2;
    /** PING/PONG/MEET: extensions follow the gossip. {@link BusCodec#encode} sets it itself. */
    public static final int MFLAG_EXT_DATA = 4;

    public static final int SLOTS = 16384;
    public static final int SLOT_BITMAP_LEN = SLOTS / 8;
    /** Node names are 40 hex digits, sent without a terminator. */
    public static final int NAME_LEN = 40;
    /** Address fields hold an IPv6 text and its NUL. */
    public static final int IP_FIELD_LEN = 46;

    public int type;
    public int ver = PROTOCOL_VERSION;
    /** The sender's client port (its TLS port when the bus runs TLS). */
    public int port;
    /** The sender's plaintext client port when {@link #port} is its TLS port, else 0. */
    public int pport;
    /** The sender's bus port. */
    public int cport;
    /** The sender's NODE_* flags. */
    public int flags;
    public long currentEpoch;
    /** The sender's config epoch, or its master's when it is a replica. */
    public long configEpoch;
    /** The sender's replication offset. */
    public long offset;
    public String sender;
    /** The sender's slots, or its master's when it is a replica; null sends none. */
    public byte[] myslots;
    /** The sender's master, null when it has none (the field is all zero bytes). */
    public String slaveof;
    /**
     * The address the sender announces (cluster-announce-ip); null (or empty) leaves the
     * receiver to take the address its socket sees.
     */
    public String myip;
    /** The cluster's state as the sender sees it: 0 ok, 1 fail. */
    public int state;
    /** The first byte of the message flags (MFLAG_*); the other two are always zero. */
    public int mflags0;

    /** PING, PONG, MEET: what the sender knows of some other nodes; null sends none. */
    public List<Gossip> gossip;
    /**
     * PING, PONG, MEET: the sender's cluster-announce-hostname, sent as the hostname extension
     * when not empty. Decoded as null when the message had no such extension, which the
     * receiver takes as the hostname being cleared.
     */
    public String hostname;

    /** FAIL: the node the sender saw fail. */
    public String failNode;

    /** PUBLISH, PUBLISHSHARD. */
    public byte[] channel;
    public byte[] message;

    /** UPDATE: another node's slots, sent to a node whose view of them is stale. */
    public long updateConfigEpoch;
    public String updateNode;
    public byte[] updateSlots;

    /**
     * MODULE: an opaque message from a module to the same module on other nodes, which knows
     * it by this id (sent in the sender's byte order: see {@link BusCodec}).
     */
    public long moduleId;
    /** 0 to 255. */
    public int moduleType;
    public byte[] modulePayload;

    public BusMessage() {
    }

    public BusMessage(int type) {
        this.type = type;
    }

    /** True for the types that carry gossip and extensions. */
    public static boolean isPingType(int type) {
        return type == PING || type == PONG || type == MEET;
    }

    /** Slot s is bit (s &amp; 7) of byte s &gt;&gt; 3, as in Redis's bitmaps. */
    public static boolean slotSet(byte[] bitmap, int slot) {
        return (bitmap[slot >> 3] & (1 << (slot & 7))) != 0;
    }

    public static void setSlot(byte[] bitmap, int slot) {
        bitmap[slot >> 3] |= (byte) (1 << (slot & 7));
    }

    public static void clearSlot(byte[] bitmap, int slot) {
        bitmap[slot >> 3] &= (byte) ~(1 << (slot & 7));
    }

    /** One entry of a ping's gossip section: the sender's view of another node. */
    public static final class Gossip {
        public String nodename;
        /** Seconds (Unix time) the sender last pinged that node, 0 if no ping is pending. */
        public long pingSent;
        /** Seconds (Unix time) the sender last had a pong from that node. */
        public long pongReceived;
        public String ip;
        public int port;
        public int cport;
        public int flags;
        public int pport;

        public Gossip() {
        }

        public Gossip(String nodename, long pingSent, long pongReceived, String ip, int port, int cport,
                int flags, int pport) {
            this.nodename = nodename;
            this.pingSent = pingSent;
            this.pongReceived = pongReceived;
            this.ip = ip;
            this.port = port;
            this.cport = cport;
            this.flags = flags;
            this.pport = pport;
        }
    }
}
