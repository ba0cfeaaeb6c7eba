package dev.cinnabar.server.replication;

import dev.cinnabar.server.log.ServerLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A replica's connection to its master until the stream begins, on the connection's event loop
 * (Redis's syncWithMaster and readSyncBulkPayload): PING, then the handshake commands pipelined
 * (AUTH, REPLCONF listening-port, ip-address, capa), then PSYNC; after +FULLRESYNC the RDB,
 * {@code $<length>} or {@code $EOF:<mark>} (diskless), into a temporary file. What comes of it
 * goes to the engine ({@link MasterLink}); bytes that arrive after the RDB or +CONTINUE wait
 * here, unread further, until the connection becomes the master's client.
 */
final class MasterHandshake extends ChannelInboundHandlerAdapter {
    /** How a handshake command's error reply is taken. */
    enum Step {
        AUTH("Unable to AUTH to MASTER: ", true),
        PORT("(Non critical) Master does not understand REPLCONF listening-port: ", false),
        IP("(Non critical) Master does not understand REPLCONF ip-address: ", false),
        CAPA("(Non critical) Master does not understand REPLCONF capa: ", false);

        final String error;
        final boolean fatal;

        Step(String error, boolean fatal) {
            this.error = error;
            this.fatal = fatal;
        }
    }

    private static final int PING_REPLY = 0;
    private static final int HANDSHAKE_REPLIES = 1;
    private static final int PSYNC_REPLY = 2;
    private static final int PAYLOAD_HEADER = 3;
    private static final int PAYLOAD = 4;
    private static final int DONE = 5;
    /** Redis's CONFIG_RUN_ID_SIZE: the length of a diskless transfer's end mark. */
    private static final int MARK_LENGTH = 40;

    private final MasterLink link;
    private final List<String[]> handshake;
    private final List<Step> steps;
    private final String psyncId;
    private final long psyncOffset;
    /** PSYNC carries FAILOVER: this master hands over to the server it connects to. */
    private final boolean failover;
    private final Path dir;
    private ChannelHandlerContext ctx;
    private ByteBuf in = Unpooled.EMPTY_BUFFER;
    private int phase = PING_REPLY;
    private int replies;
    private FileChannel file;
    private Path temp;
    private long size = -1;
    private long read;
    private byte[] mark;
    private final byte[] tail = new byte[MARK_LENGTH];
    private volatile boolean cancelled;
    /** A diskless load's stream to the loader, instead of the temporary file; null when loading from disk. */
    private PayloadStream stream;
    /**
     * With an end mark, what arrived but is not in {@link #stream} yet: the last
     * {@link #MARK_LENGTH} bytes, which may be the mark, so that the loader gets the RDB alone.
     */
    private ByteBuf lag;
    /** The whole payload arrived (the loader may still be reading it). */
    private volatile boolean payloadDone;

    MasterHandshake(MasterLink link, List<String[]> handshake, List<Step> steps, String psyncId, long psyncOffset,
            boolean failover, Path dir) {
        this.link = link;
        this.handshake = handshake;
        this.steps = steps;
        this.psyncId = psyncId;
        this.psyncOffset = psyncOffset;
        this.failover = failover;
        this.dir = dir;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ServerLog.notice("Non blocking connect for SYNC fired the event.");
        link.io(this);
        send("PING");
        ctx.flush();
    }

    private void send(String... args) {
        ctx.write(Unpooled.wrappedBuffer(MasterLink.encode(args)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        link.io(this);
        if (cancelled) {
            data.release();
            return;
        }
        if (!in.isReadable()) {
            in.release();
            in = data;
        } else {
            ByteBuf joined = ctx.alloc().buffer(in.readableBytes() + data.readableBytes());
            joined.writeBytes(in).writeBytes(data);
            in.release();
            data.release();
            in = joined;
        }
        try {
            process();
        } catch (IOException e) {
            fail("I/O error writing the RDB from the MASTER to disk: " + e.getMessage());
        }
    }

    private void process() throws IOException {
        while (phase != DONE && !cancelled) {
            if (phase == PAYLOAD) {
                if (!payload()) {
                    return;
                }
                continue;
            }
            String line = line();
            if (line == null) {
                return;
            }
            switch (phase) {
                case PING_REPLY -> pingReply(line);
                case HANDSHAKE_REPLIES -> handshakeReply(line);
                case PSYNC_REPLY -> psyncReply(line);
                case PAYLOAD_HEADER -> payloadHeader(line);
                default -> throw new IllegalStateException("phase " + phase);
            }
        }
    }

    /** A line without its CRLF (a bare newline, the master's keep-alive, is an empty one), or null. */
    private String line() {
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            return null;
        }
        int end = nl > in.readerIndex() && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
        String s = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(nl + 1);
        return s;
    }

    private void pingReply(String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                && !line.startsWith("-ERR operation not permitted")) {
            fail("Error reply to PING from master: '" + line + "'");
            return;
        }
        ServerLog.notice("Master replied to PING, replication can continue...");
        for (String[] command : handshake) {
            send(command);
        }
        ctx.flush();
        phase = HANDSHAKE_REPLIES;
        replies = 0;
        if (handshake.isEmpty()) {
            psync();
        }
    }

    private void handshakeReply(String line) {
        if (line.isEmpty()) {
            return;
        }
        Step step = steps.get(replies++);
        if (line.startsWith("-")) {
            if (step.fatal) {
                fail(step.error + line);
                return;
            }
            ServerLog.notice(step.error + line);
        }
        if (replies == steps.size()) {
            psync();
        }
    }

    private void psync() {
        if (psyncId.equals("?")) {
            ServerLog.notice("Partial resynchronization not possible (no cached master)");
        } else {
            ServerLog.notice("Trying a partial resynchronization (request " + psyncId + ":" + psyncOffset + ").");
        }
        if (failover) {
            send("PSYNC", psyncId, Long.toString(psyncOffset), "FAILOVER");
        } else {
            send("PSYNC", psyncId, Long.toString(psyncOffset));
        }
        ctx.flush();
        phase = PSYNC_REPLY;
    }

    private void psyncReply(String line) {
        if (line.isEmpty()) {
            return; // newlines while the master prepares: it is alive
        }
        if (line.startsWith("+FULLRESYNC")) {
            String[] parts = line.split(" ");
            if (parts.length != 3 || parts[1].length() != MARK_LENGTH) {
                fail("Master replied with wrong +FULLRESYNC syntax.");
                return;
            }
            long offset;
            try {
                offset = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                fail("Master replied with wrong +FULLRESYNC syntax.");
                return;
            }
            ServerLog.notice("Full resync from master: " + parts[1] + ":" + offset);
            link.fullResync(this, parts[1], offset);
            phase = PAYLOAD_HEADER;
        } else if (line.startsWith("+CONTINUE")) {
            String id = line.length() > "+CONTINUE ".length() ? line.substring("+CONTINUE ".length()).strip() : "";
            ServerLog.notice("Successful partial resynchronization with master.");
            phase = DONE;
            ctx.channel().config().setAutoRead(false);
            link.continued(this, id.length() == MARK_LENGTH ? id : null);
        } else if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            link.psyncRefused(this);
            fail("Master is currently unable to PSYNC but should be in the future: " + line, false);
        } else {
            link.psyncRefused(this);
            fail("Unexpected reply to PSYNC from master: " + line);
        }
    }

    private void payloadHeader(String line) throws IOException {
        if (line.isEmpty()) {
            return; // a newline: the master is alive, preparing the RDB
        }
        if (line.startsWith("-")) {
            fail("MASTER aborted replication with an error: " + line.substring(1));
            return;
        }
        if (!line.startsWith("$")) {
            fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
            return;
        }
        boolean diskless = link.loadsWithoutDisk();
        String to = diskless ? "to parser" : "to disk";
        if (line.startsWith("$EOF:") && line.length() == 5 + MARK_LENGTH) {
            mark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            ServerLog.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF " + to);
        } else {
            try {
                size = Long.parseLong(line.substring(1));
            } catch (NumberFormatException e) {
                fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                        + "'), are you sure the host and port are right?");
                return;
            }
            ServerLog.notice("MASTER <-> REPLICA sync: receiving " + size + " bytes from master " + to);
        }
        if (diskless) {
            Channel ch = ctx.channel();
            stream = new PayloadStream(() -> ch.eventLoop().execute(() -> {
                if (!cancelled && phase == PAYLOAD) {
                    ch.config().setAutoRead(true);
                }
            }), link.transferTimeoutMillis());
            if (mark != null) {
                lag = ctx.alloc().buffer(2 * MARK_LENGTH);
            }
            link.transferStarted(this, mark != null ? 0 : size);
            link.streamStarted(this, stream);
            phase = PAYLOAD;
            return;
        }
        temp = dir.resolve("temp-" + System.currentTimeMillis() / 1000 + "." + ServerLog.pid() + ".rdb");
        file = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        link.transferStarted(this, mark != null ? 0 : size); // Redis shows 0 for a diskless transfer
        phase = PAYLOAD;
    }

    /** Writes what arrived of the RDB; true once it is all there. */
    private boolean payload() throws IOException {
        int n = in.readableBytes();
        if (size >= 0) {
            n = (int) Math.min(n, size - read);
        }
        if (n > 0) {
            if (mark != null) {
                keepTail(in, in.readerIndex(), n);
            }
            if (stream != null) {
                toStream(n);
            } else {
                ByteBuffer chunk = in.nioBuffer(in.readerIndex(), n);
                while (chunk.hasRemaining()) {
                    file.write(chunk);
                }
            }
            in.skipBytes(n);
            read += n;
            link.transferProgress(this, read);
        }
        boolean complete = size >= 0 ? read == size : read >= MARK_LENGTH && Arrays.equals(tail, mark);
        if (!complete) {
            return false;
        }
        if (stream != null) {
            // The mark stays out of the stream: the loader reads the RDB alone, to its end.
            phase = DONE;
            payloadDone = true;
            ctx.channel().config().setAutoRead(false);
            if (lag != null) {
                lag.release();
                lag = null;
            }
            stream.end();
            return true;
        }
        if (mark != null) {
            file.truncate(read - MARK_LENGTH);
        }
        file.force(false);
        file.close();
        file = null;
        phase = DONE;
        // What follows is the stream: it waits here for the master's client.
        ctx.channel().config().setAutoRead(false);
        link.transferDone(this, temp, read);
        return true;
    }

    /** Hands {@code n} bytes of {@link #in} to the loader, keeping back the last ones that may be the mark. */
    private void toStream(int n) {
        boolean full;
        if (lag == null) {
            full = stream.offer(in, in.readerIndex(), n);
        } else {
            lag.writeBytes(in, in.readerIndex(), n);
            int ready = lag.readableBytes() - MARK_LENGTH;
            full = false;
            if (ready > 0) {
                full = stream.offer(lag, lag.readerIndex(), ready);
                lag.skipBytes(ready);
                lag.discardReadBytes();
            }
        }
        if (full) {
            ctx.channel().config().setAutoRead(false); // until the loader catches up
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** True once the whole payload arrived; the loader may still be reading it. Any thread. */
    boolean payloadDone() {
        return payloadDone;
    }

    /** Keeps the last {@link #MARK_LENGTH} bytes received, to see the diskless transfer's end mark. */
    private void keepTail(ByteBuf b, int from, int n) {
        if (n >= MARK_LENGTH) {
            b.getBytes(from + n - MARK_LENGTH, tail);
        } else {
            System.arraycopy(tail, n, tail, 0, MARK_LENGTH - n);
            b.getBytes(from, tail, MARK_LENGTH - n, n);
        }
    }

    /** The bytes after the RDB or +CONTINUE: the start of the stream. On the event loop. */
    ByteBuf takeLeftover() {
        ByteBuf left = in;
        in = Unpooled.EMPTY_BUFFER;
        return left;
    }

    private void fail(String why) {
        fail(why, true);
    }

    private void fail(String why, boolean warning) {
        if (warning) {
            ServerLog.warning(why);
        } else {
            ServerLog.notice(why);
        }
        link.handshakeFailed(this);
        cancel();
    }

    /** Ends the attempt: the connection closes and a partial temporary file goes. Any thread. */
    void cancel() {
        cancelled = true;
        if (stream != null && !payloadDone) {
            stream.fail(new IOException("Transfer cancelled"));
        }
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null && !payloadDone) {
            stream.fail(new IOException("Connection lost with the MASTER during the transfer"));
        }
        if (phase != DONE) {
            link.handshakeFailed(this);
        }
        cleanUp();
        ctx.fireChannelInactive();
    }

    /**
     * The master closed its side (the connection allows half-closure for the stream that
     * follows): before the payload is whole, that is a lost transfer, as Redis's read of 0 bytes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && phase != DONE && !cancelled) {
            fail("I/O error trying to sync with MASTER: connection lost");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ServerLog.warning("Error condition on socket for SYNC: " + cause.getMessage());
        cancel();
    }

    private void cleanUp() {
        in.release();
        in = Unpooled.EMPTY_BUFFER;
        if (lag != null) {
            lag.release();
            lag = null;
        }
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // the file goes anyway
            }
            file = null;
        }
        if (temp != null && phase != DONE) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a temp- file left behind; Redis leaves them too when it cannot remove them
            }
        }
    }
}
