package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.engine.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One connection's state, owned by the engine thread: the request decoder, the reply writer and
 * its output buffer, the selected database, protocol version, authentication and names.
 *
 * <p>Command handlers receive the client and find everything through it: the arguments
 * ({@link #argv}), the reply ({@link #reply}), the database ({@link #db}) and the server
 * ({@link #engine}).
 */
public final class Client {
    /** The user every connection starts as, and the only one until ACL users exist. */
    public static final String DEFAULT_USER = "default";

    public final long id;
    public final Engine engine;
    /** Null for clients without a connection (scripts, tests). */
    public final Channel channel;
    public final String remoteAddress;
    public final String localAddress;
    public final long createdMillis;

    public final RequestDecoder decoder = new RequestDecoder();
    public final ReplyWriter reply = new ReplyWriter();
    /** The command being executed. */
    public Argv argv;
    public CommandSpec command;
    public CommandSpec lastCommand;

    private Db db;
    public boolean authenticated;
    public String user = DEFAULT_USER;
    /** Set by CLIENT SETNAME / HELLO SETNAME; null when unnamed. */
    public String name;
    /** Set by CLIENT SETINFO; null when unset. RESET keeps them: the library has not changed. */
    public String libName;
    public String libVersion;
    public long lastInteractionMillis;

    /** The connection closes once the replies written so far have been sent. */
    public boolean closeAfterReply;
    /** The connection is gone; nothing more is read or written. */
    public boolean closed;
    /** Queued for the end-of-batch flush. */
    public boolean pendingFlush;

    public Client(long id, Engine engine, Channel channel, String remoteAddress, String localAddress) {
        this.id = id;
        this.engine = engine;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.createdMillis = engine.clock().millis();
        this.lastInteractionMillis = createdMillis;
        this.db = engine.keyspace().db(0);
        this.authenticated = !engine.config().authRequired();
    }

    /**
     * Returns the connection to the state of a new one, as RESET does: database 0, RESP2, the
     * default user (authenticated only when it needs no password) and no name. State that
     * other features keep per connection (MULTI, subscriptions, tracking, CLIENT REPLY) must be
     * cleared here as well when it is added.
     */
    public void clearConnectionState() {
        db = engine.keyspace().db(0);
        reply.protocol(2);
        user = DEFAULT_USER;
        authenticated = !engine.config().authRequired();
        name = null;
    }

    public Db db() {
        return db;
    }

    public void select(Db db) {
        this.db = db;
    }

    public int protocol() {
        return reply.protocol();
    }

    /** Takes the replies written so far, leaving the writer without a buffer. */
    public ByteBuf takeOutput() {
        ByteBuf out = reply.buffer();
        reply.buffer(null);
        return out;
    }

    /**
     * The start of the client's CLIENT LIST line, which is how Redis names a client in its log
     * ("Client closed connection id=7 addr=...").
     */
    @Override
    public String toString() {
        return "id=" + id + " addr=" + remoteAddress + " laddr=" + localAddress;
    }
}
