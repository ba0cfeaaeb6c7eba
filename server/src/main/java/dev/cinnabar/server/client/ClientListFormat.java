package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import io.netty.buffer.ByteBuf;

/**
 * One client as a CLIENT LIST / CLIENT INFO line, with Redis 7.0's fields in Redis's order:
 * {@code id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem
 * multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp}. Tools split the line on
 * spaces and then on the first '=', so no value may contain a space.
 */
public final class ClientListFormat {
    /** What Redis's client structure itself costs, counted in {@code tot-mem}. */
    static final long CLIENT_OVERHEAD = 768;

    private ClientListFormat() {
    }

    /**
     * Appends the line for {@code c} without a line end. {@code nowMillis} is the server time,
     * {@code pending} every byte answered to the client and not sent yet, and {@code running}
     * says that {@code c} is the client whose command is running (the only one whose arguments
     * are held, apart from clients held by a pause or blocked on keys).
     */
    public static void append(StringBuilder sb, Client c, long nowMillis, long pending, boolean running) {
        long nowSeconds = nowMillis / 1000;
        // The query buffer as Redis holds and sizes it (see RedisQueryBuffer): while a command
        // runs Redis still holds it with the rest of its read; between commands, only bytes not
        // parsed yet, the arguments parsed so far being in argv-mem. Sizes are jemalloc's.
        long qbuf = running && c.argv != null ? c.decoder.redisQueryBufferLength() : c.decoder.unparsedBytes();
        long qbufFree = Math.max(0, c.decoder.redisQueryBufferAlloc() - qbuf);
        long argvMem = 0;
        int argc = 0;
        Argv a = heldArguments(c, running);
        if (a != null) {
            argc = a.count();
            for (int i = 0; i < argc; i++) {
                argvMem += a.length(i);
            }
        }
        long obl = Math.min(pending, c.output.bufferSize());
        long beyond = c.output.beyondBuffer(pending);
        long oll = ClientOutput.replyListNodes(beyond);
        long omem = ClientOutput.replyListBytes(beyond);
        Transaction t = c.transaction();
        long multiMem = t == null ? 0 : t.argvBytes();
        long totMem = totalMemory(c, omem, argvMem, argc, multiMem);
        sb.append("id=").append(c.id)
                .append(" addr=").append(c.remoteAddress)
                .append(" laddr=").append(c.localAddress)
                .append(" fd=").append(c.fd)
                .append(" name=").append(c.name == null ? "" : c.name)
                .append(" age=").append(nowSeconds - c.createdMillis / 1000)
                .append(" idle=").append(nowSeconds - c.lastInteractionMillis / 1000)
                .append(" flags=");
        appendFlags(sb, c);
        sb.append(" db=").append(c.db().id)
                .append(" sub=").append(PubSub.channelCount(c))
                .append(" psub=").append(PubSub.patternCount(c))
                .append(" ssub=").append(PubSub.shardCount(c))
                .append(" multi=").append(c.transaction() == null ? -1 : c.transaction().size())
                .append(" qbuf=").append(qbuf)
                .append(" qbuf-free=").append(qbufFree)
                .append(" argv-mem=").append(argvMem)
                .append(" multi-mem=").append(multiMem)
                .append(" rbs=").append(c.output.bufferSize())
                .append(" rbp=").append(c.output.bufferPeak())
                .append(" obl=").append(obl)
                .append(" oll=").append(oll)
                .append(" omem=").append(omem)
                .append(" tot-mem=").append(totMem)
                .append(" events=");
        if (c.channel != null) {
            if (c.channel.isActive() && c.channel.config().isAutoRead()) {
                sb.append('r');
            }
            if (c.output.transportPending(c.channel) > 0) {
                sb.append('w');
            }
        }
        sb.append(" cmd=").append(c.lastCommand == null ? "NULL" : c.lastCommand.fullName)
                .append(" user=").append(c.master ? "(superuser)" : c.user.name)
                .append(" redir=").append((c.tracking & Tracking.ON) != 0 ? c.trackingRedirect : -1)
                .append(" resp=").append(c.protocol());
    }

    /**
     * CLIENT LIST's {@code tot-mem}, Redis's getClientMemoryUsage: what {@code maxmemory-clients}
     * counts. {@code pending} and {@code running} as for {@link #append}.
     */
    public static long totalMemory(Client c, long pending, boolean running) {
        long argvMem = 0;
        int argc = 0;
        Argv a = heldArguments(c, running);
        if (a != null) {
            argc = a.count();
            for (int i = 0; i < argc; i++) {
                argvMem += a.length(i);
            }
        }
        long omem = ClientOutput.replyListBytes(c.output.beyondBuffer(pending));
        Transaction t = c.transaction();
        return totalMemory(c, omem, argvMem, argc, t == null ? 0 : t.argvBytes());
    }

    private static long totalMemory(Client c, long omem, long argvMem, int argc, long multiMem) {
        return omem + c.decoder.redisQueryBufferAllocation() + CLIENT_OVERHEAD + c.output.bufferSize()
                + argvMem + 8L * argc + multiStateOverhead(c, multiMem) + PubSub.memoryOverhead(c)
                + (long) PrefixTreeSize.BYTES_PER_NODE * c.trackingPrefixNodes;
    }

    /** The arguments a client holds: a client held by a pause or blocked on keys still holds its command's. */
    private static Argv heldArguments(Client c, boolean running) {
        BlockedClients.Blocking blocking = c.blocking;
        return c.isPostponed() ? c.postponed() : blocking != null ? blocking.argv() : running ? c.argv
                : c.decoder.partialArgv();
    }

    /**
     * Redis's multiStateMemOverhead: the queued arguments, a list node and a watchedKey (24 + 32
     * bytes) per watched key, and the queue's array of 24-byte entries, grown by doubling from 2.
     */
    private static long multiStateOverhead(Client c, long multiMem) {
        Transaction t = c.transaction();
        int queued = t == null ? 0 : t.size();
        long slots = queued == 0 ? 0 : queued <= 2 ? 2 : Integer.highestOneBit(queued - 1) << 1;
        return multiMem + 56L * WatchedKeys.count(c) + 24L * slots;
    }

    /** Redis's flag letters, in its order; {@code N} when none applies. */
    static void appendFlags(StringBuilder sb, Client c) {
        int start = sb.length();
        if (c.monitor) {
            sb.append('O');
        } else if (ReplicaLink.isReplica(c)) {
            sb.append('S');
        }
        if (c.master) {
            sb.append('M');
        }
        if (c.pubsub) {
            sb.append('P');
        }
        if (c.has(Client.MULTI)) {
            sb.append('x');
        }
        if (c.has(Client.PAUSED | Client.BLOCKED)) {
            sb.append('b');
        }
        if ((c.tracking & Tracking.ON) != 0) {
            sb.append('t');
        }
        if ((c.tracking & Tracking.BROKEN_REDIRECT) != 0) {
            sb.append('R');
        }
        if ((c.tracking & Tracking.BCAST) != 0) {
            sb.append('B');
        }
        if (c.dirtyCas) {
            sb.append('d');
        }
        if (c.has(Client.CLOSE_AFTER_REPLY)) {
            sb.append('c');
        }
        if (c.unixSocket) {
            sb.append('U');
        }
        if (c.has(Client.CLUSTER_READONLY)) {
            sb.append('r');
        }
        if (c.noEvict) {
            sb.append('e');
        }
        if (c.noTouch) {
            sb.append('T');
        }
        if (sb.length() == start) {
            sb.append('N');
        }
    }

    /** Every unsent byte of {@code c}: its reply buffer plus what the transport still holds. */
    public static long pendingOutput(Client c) {
        ByteBuf out = c.reply.buffer();
        long n = out == null ? 0 : out.readableBytes();
        return n + c.output.transportPending(c.channel);
    }
}
