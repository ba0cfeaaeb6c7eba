package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.protocol.RequestDecoder;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.engine.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.BitSet;

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

    /** The socket's file descriptor where the transport exposes it (native epoll); -1 otherwise. */
    public int fd = -1;
    /** Connected through the Unix socket (CLIENT LIST flag {@code U}, MONITOR's {@code unix:} origin). */
    public boolean unixSocket;
    /** The connection of the scripting engine (MONITOR shows its commands as {@code lua}). */
    public boolean scriptClient;
    /** In MONITOR mode (flag {@code O}). */
    public boolean monitor;
    /** Subscribed to channels or patterns (flag {@code P}); pub/sub sets it. */
    public boolean pubsub;
    /** CLIENT NO-EVICT ON (flag {@code e}). */
    public boolean noEvict;
    /** CLIENT NO-TOUCH ON (flag {@code T}): its commands leave the keys' access data alone. */
    public boolean noTouch;
    /** CLIENT REPLY OFF: nothing is sent to this client until REPLY ON. */
    public boolean replyOff;
    /** CLIENT REPLY SKIP was the last command: the next command's reply is dropped. */
    public boolean replySkipNext;
    /** The reply of the command being run is dropped (the one after CLIENT REPLY SKIP). */
    public boolean replySkip;
    /**
     * The command held back by CLIENT PAUSE (flag {@code b}), with arguments of its own, run
     * when the pause ends; null when the client is not held.
     */
    public Argv postponed;
    /** Replies not sent yet, and the state of the output-buffer limits and back-pressure. */
    public final ClientOutput output;
    /**
     * Arguments of the running command that the slow log and MONITOR show as
     * {@code (redacted)}, such as passwords; null or empty when there are none.
     */
    private BitSet redacted;

    /** The connection closes once the replies written so far have been sent. */
    public boolean closeAfterReply;
    /** The client shut its sending side while its commands waited for output to drain. */
    public boolean inputEnded;
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
        this.output = new ClientOutput(createdMillis);
        this.db = engine.keyspace().db(0);
        this.authenticated = !engine.config().authRequired();
        this.reply.errorObserver(engine.stats().errors);
    }

    /**
     * Returns the connection to the state of a new one, as RESET does: database 0, RESP2, the
     * default user (authenticated only when it needs no password), no name, not monitoring,
     * replies on (a SKIP of the RESET itself still applies) and NO-TOUCH off; NO-EVICT stays,
     * as in Redis 7.0. State that other features keep per connection (MULTI, subscriptions,
     * tracking) must be cleared here as well when it is added.
     */
    public void clearConnectionState() {
        db = engine.keyspace().db(0);
        reply.protocol(2);
        user = DEFAULT_USER;
        authenticated = !engine.config().authRequired();
        name = null;
        if (monitor) {
            engine.clients().monitors().remove(this);
            monitor = false;
        }
        replyOff = false;
        replySkipNext = false;
        // Redis 7.2 resets NO-TOUCH with the connection; NO-EVICT stays, as in 7.0.
        noTouch = false;
    }

    /** True while whatever is written to this client must be dropped (CLIENT REPLY OFF / SKIP). */
    public boolean repliesSuppressed() {
        return replyOff || replySkip;
    }

    /**
     * Marks argument {@code i} of the running command as secret, as AUTH and HELLO do with
     * passwords: the slow log and MONITOR show it as {@code (redacted)}.
     */
    public void redactArgument(int i) {
        if (redacted == null) {
            redacted = new BitSet();
        }
        redacted.set(i);
    }

    public boolean isRedacted(int i) {
        return redacted != null && redacted.get(i);
    }

    /** The redacted arguments of the running command, or null; for the slow log. */
    public BitSet redactedArguments() {
        return redacted;
    }

    /** A new command starts: the previous one's redactions no longer apply. */
    public void clearRedactions() {
        if (redacted != null) {
            redacted.clear();
        }
    }

    /** Held by CLIENT PAUSE. */
    public boolean isPostponed() {
        return postponed != null;
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
