package dev.cinnabar.server.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS on one of MIGRATE's connections ({@code tls-cluster}): the JDK's engine driven by hand over
 * the link's non-blocking socket, each step within the command's timeout as Redis's syncWrite and
 * syncReadLine are. Only loaded when a TLS cluster migrates keys.
 */
final class MigrateTls {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final MigrateSockets.Link link;
    /** Bytes from the socket not yet decrypted; in write mode. */
    private final ByteBuffer netIn;
    /** Records to send; in read mode once wrapped. */
    private final ByteBuffer netOut;
    /** Decrypted bytes the link has not taken yet; in read mode. */
    private final ByteBuffer plain;

    MigrateTls(SSLEngine engine, MigrateSockets.Link link) {
        this.engine = engine;
        this.link = link;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    /** The handshake, done by {@code timeoutMillis} after {@code start}; false when it failed or ran out of time. */
    boolean handshake(long start, long timeoutMillis) {
        try {
            engine.beginHandshake();
            return advance(start, timeoutMillis);
        } catch (IOException e) {
            return false;
        }
    }

    /** Encrypts and sends all of {@code src}; false as {@link MigrateSockets.Link#write} is. */
    boolean write(ByteBuffer src, long start, long timeoutMillis) {
        try {
            while (src.hasRemaining()) {
                netOut.clear();
                SSLEngineResult r = engine.wrap(src, netOut);
                netOut.flip();
                if (r.getStatus() != SSLEngineResult.Status.OK || !link.send(netOut, start, timeoutMillis)) {
                    return false;
                }
            }
            return true;
        } catch (SSLException e) {
            return false;
        }
    }

    /**
     * Puts decrypted bytes into {@code dst}, reading and decrypting records until there are
     * some; false at the end of the stream, on an error or at the deadline.
     */
    boolean read(ByteBuffer dst, long start, long timeoutMillis) throws IOException {
        while (!plain.hasRemaining()) {
            plain.clear();
            netIn.flip();
            SSLEngineResult r = engine.unwrap(netIn, plain);
            netIn.compact();
            plain.flip();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return false;
            }
            // TLSv1.3 sends tickets and key updates after the handshake: answered in passing.
            if (!advance(start, timeoutMillis)) {
                return false;
            }
            if (!plain.hasRemaining() && (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0)
                    && link.fill(netIn, start, timeoutMillis) < 0) {
                return false;
            }
        }
        int n = Math.min(dst.remaining(), plain.remaining());
        ByteBuffer part = plain.slice();
        part.limit(n);
        dst.put(part);
        plain.position(plain.position() + n);
        return true;
    }

    /** Runs the engine's handshake steps until it needs nothing more than records to read or write. */
    private boolean advance(long start, long timeoutMillis) throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                }
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(NOTHING, netOut);
                    netOut.flip();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED || !link.send(netOut, start, timeoutMillis)) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    ByteBuffer room = plain.compact();
                    SSLEngineResult r = engine.unwrap(netIn, room);
                    room.flip();
                    netIn.compact();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return false;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && link.fill(netIn, start, timeoutMillis) < 0) {
                        return false;
                    }
                }
                default -> {
                    return true;
                }
            }
        }
    }
}
