package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.memcached.MemcachedItems.Item;
import dev.cinnabar.server.memcached.MemcachedItems.Outcome;
import dev.cinnabar.server.memcached.MemcachedItems.StoreMode;
import dev.cinnabar.server.stats.MemcachedStats;
import java.nio.charset.StandardCharsets;

/**
 * memcached's binary protocol, for connections whose first byte is {@code 0x80}, answered as
 * memcached 1.6.18 answers it: every opcode it serves (the quiet variants, GETK/GETKQ,
 * GAT/GATQ/GATK/GATKQ, TOUCH, incr/decr with initial value and expiry, FLUSH with a delay,
 * STAT, VERSION, NOOP, QUIT, SASL PLAIN), the same frame checks in the same order, the same
 * status codes and error texts, and the same framing quirks (an unknown opcode swallows its
 * whole body length after its key and extras were read; a malformed frame is answered with
 * "Invalid arguments" and the connection closed; a frame with a bad magic byte closes it).
 *
 * <p>SASL: when {@code requirepass} is set, every command but VERSION and the SASL ones needs
 * an authenticated connection (else "Auth failure." and the connection closes, as memcached
 * -S). The mechanism is PLAIN ({@code authzid NUL user NUL password}); any user name is taken
 * (Cinnabar has the one default user), the password must be {@code requirepass}. Without
 * {@code requirepass} the SASL opcodes are unknown commands, as in a memcached without -S.
 */
public final class BinaryProtocol {
    static final int HEADER = 24;
    static final int REQ_MAGIC = 0x80;
    static final int RES_MAGIC = 0x81;

    // opcodes
    static final int GET = 0x00;
    static final int SET = 0x01;
    static final int ADD = 0x02;
    static final int REPLACE = 0x03;
    static final int DELETE = 0x04;
    static final int INCREMENT = 0x05;
    static final int DECREMENT = 0x06;
    static final int QUIT = 0x07;
    static final int FLUSH = 0x08;
    static final int GETQ = 0x09;
    static final int NOOP = 0x0a;
    static final int VERSION = 0x0b;
    static final int GETK = 0x0c;
    static final int GETKQ = 0x0d;
    static final int APPEND = 0x0e;
    static final int PREPEND = 0x0f;
    static final int STAT = 0x10;
    static final int SETQ = 0x11;
    static final int ADDQ = 0x12;
    static final int REPLACEQ = 0x13;
    static final int DELETEQ = 0x14;
    static final int INCREMENTQ = 0x15;
    static final int DECREMENTQ = 0x16;
    static final int QUITQ = 0x17;
    static final int FLUSHQ = 0x18;
    static final int APPENDQ = 0x19;
    static final int PREPENDQ = 0x1a;
    static final int TOUCH = 0x1c;
    static final int GAT = 0x1d;
    static final int GATQ = 0x1e;
    static final int SASL_LIST_MECHS = 0x20;
    static final int SASL_AUTH = 0x21;
    static final int SASL_STEP = 0x22;
    static final int GATK = 0x23;
    static final int GATKQ = 0x24;

    // statuses
    static final int SUCCESS = 0x00;
    static final int KEY_ENOENT = 0x01;
    static final int KEY_EEXISTS = 0x02;
    static final int E2BIG = 0x03;
    static final int EINVAL = 0x04;
    static final int NOT_STORED = 0x05;
    static final int DELTA_BADVAL = 0x06;
    static final int AUTH_ERROR = 0x20;
    static final int AUTH_CONTINUE = 0x21;
    static final int UNKNOWN_COMMAND = 0x81;
    static final int ENOMEM = 0x82;

    static final int MAX_SASL_MECH_LEN = 32;
    static final byte[] VERSION_TEXT = ascii("1.6.18");
    private static final byte[] PLAIN = ascii("PLAIN");
    private static final byte[] AUTHENTICATED = ascii("Authenticated");

    /** Per-connection state: the request being handled and a reply scratch. */
    static final class State {
        int opcode;
        int cmd;
        int keylen;
        int extlen;
        long bodylen;
        int opaque;
        long cas;
        boolean noreply;
        /** The CAS the reply header carries (memcached's c->cas). */
        long replyCas;
        boolean saslStarted;
        final byte[] out = new byte[HEADER + 64];
        final byte[] digits = new byte[24];
    }

    private BinaryProtocol() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static State state(MemcachedSession s) {
        if (s.protocolState == null) {
            s.protocolState = new State();
        }
        return (State) s.protocolState;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void put64(byte[] b, int i, long v) {
        put32(b, i, v >>> 32);
        put32(b, i + 4, v);
    }

    /**
     * Runs at most one request frame from {@code s}'s input: {@link MemcachedSession#NEED_MORE}
     * (nothing consumed) until the frame's header, extras and key (and, for commands carrying a
     * value, the whole body) have arrived, then handles it and returns
     * {@link MemcachedSession#DONE}.
     */
    public static int next(MemcachedSession s) {
        if (s.available() < HEADER) {
            return MemcachedSession.NEED_MORE;
        }
        // one operation for the store per frame: one time, one propagation unit (incr's
        // created item included)
        MemcachedItems items = s.items();
        items.begin(s.client);
        try {
            return frame(s);
        } finally {
            items.end(s.client);
        }
    }

    private static int frame(MemcachedSession s) {
        int avail = s.available();
        byte[] b = s.input();
        int r = s.readIndex();
        if ((b[r] & 0xff) != REQ_MAGIC) {
            // memcached closes such a connection without a word
            s.consume(avail);
            s.close();
            return MemcachedSession.DONE;
        }
        State st = state(s);
        st.opcode = b[r + 1] & 0xff;
        st.keylen = u16(b, r + 2);
        st.extlen = b[r + 4] & 0xff;
        st.bodylen = u32(b, r + 8);
        st.opaque = (int) u32(b, r + 12);
        st.cas = u64(b, r + 16);
        int head = HEADER + st.extlen + st.keylen;
        if (avail < head) {
            return MemcachedSession.NEED_MORE;
        }
        st.replyCas = 0;
        st.noreply = false;
        s.quiet = false;
        Client c = s.client;
        if (st.keylen > st.bodylen || st.keylen + st.extlen > st.bodylen) {
            s.consume(head);
            error(s, st, UNKNOWN_COMMAND);
            s.close();
            return MemcachedSession.DONE;
        }
        if (saslEnabled(c) && MemcachedAuth.required(c) && !authFree(st.opcode)) {
            s.consume(head);
            error(s, st, AUTH_ERROR);
            s.close();
            return MemcachedSession.DONE;
        }
        st.noreply = true;
        st.cmd = switch (st.opcode) {
            case SETQ -> SET;
            case ADDQ -> ADD;
            case REPLACEQ -> REPLACE;
            case DELETEQ -> DELETE;
            case INCREMENTQ -> INCREMENT;
            case DECREMENTQ -> DECREMENT;
            case QUITQ -> QUIT;
            case FLUSHQ -> FLUSH;
            case APPENDQ -> APPEND;
            case PREPENDQ -> PREPEND;
            case GETQ -> GET;
            case GETKQ -> GETK;
            case GATQ -> GAT;
            case GATKQ -> GATK;
            default -> {
                st.noreply = false;
                yield st.opcode;
            }
        };
        if (st.keylen > MetaRequest.KEY_MAX_LENGTH) {
            s.consume(head);
            protocolError(s, st);
            return MemcachedSession.DONE;
        }
        int extlen = st.extlen;
        int keylen = st.keylen;
        long bodylen = st.bodylen;
        int ext = r + HEADER;
        int key = ext + extlen;
        long vlen = bodylen - keylen - extlen;
        switch (st.cmd) {
            case VERSION -> {
                if (extlen == 0 && keylen == 0 && bodylen == 0) {
                    s.consume(head);
                    response(s, st, VERSION_TEXT, 0, VERSION_TEXT.length);
                    return MemcachedSession.DONE;
                }
            }
            case FLUSH -> {
                if (keylen == 0 && bodylen == extlen && (extlen == 0 || extlen == 4)) {
                    long exptime = extlen == 4 ? u32(b, ext) : 0;
                    s.consume(head);
                    flush(s, st, exptime);
                    return MemcachedSession.DONE;
                }
            }
            case NOOP -> {
                if (extlen == 0 && keylen == 0 && bodylen == 0) {
                    s.consume(head);
                    response(s, st, null, 0, 0);
                    return MemcachedSession.DONE;
                }
            }
            case SET, ADD, REPLACE -> {
                if (extlen == 8 && keylen != 0 && bodylen >= keylen + 8) {
                    return update(s, st, b, r, head, vlen);
                }
            }
            case GET, GETK -> {
                if (extlen == 0 && bodylen == keylen && keylen > 0) {
                    s.consume(head);
                    getOrTouch(s, st, b, key, 0, false);
                    return MemcachedSession.DONE;
                }
            }
            case DELETE -> {
                if (keylen > 0 && extlen == 0 && bodylen == keylen) {
                    s.consume(head);
                    delete(s, st, b, key);
                    return MemcachedSession.DONE;
                }
            }
            case INCREMENT, DECREMENT -> {
                if (keylen > 0 && extlen == 20 && bodylen == keylen + extlen) {
                    s.consume(head);
                    incr(s, st, b, ext, key);
                    return MemcachedSession.DONE;
                }
            }
            case APPEND, PREPEND -> {
                if (keylen > 0 && extlen == 0) {
                    return update(s, st, b, r, head, vlen);
                }
            }
            case STAT -> {
                if (extlen == 0) {
                    s.consume(head);
                    stat(s, st, b, key);
                    return MemcachedSession.DONE;
                }
            }
            case QUIT -> {
                if (keylen == 0 && extlen == 0 && bodylen == 0) {
                    s.consume(head);
                    response(s, st, null, 0, 0);
                    s.close();
                    return MemcachedSession.DONE;
                }
            }
            case SASL_LIST_MECHS -> {
                if (extlen == 0 && keylen == 0 && bodylen == 0) {
                    s.consume(head);
                    if (!saslEnabled(c)) {
                        error(s, st, UNKNOWN_COMMAND);
                    } else {
                        response(s, st, PLAIN, 0, PLAIN.length);
                    }
                    return MemcachedSession.DONE;
                }
            }
            case SASL_AUTH, SASL_STEP -> {
                if (extlen == 0 && keylen != 0) {
                    return sasl(s, st, b, r, head, vlen);
                }
            }
            case TOUCH, GAT, GATK -> {
                if (extlen == 4 && keylen != 0) {
                    long exptime = u32(b, ext);
                    s.consume(head);
                    getOrTouch(s, st, b, key, exptime, true);
                    return MemcachedSession.DONE;
                }
            }
            default -> {
                s.consume(head);
                error(s, st, UNKNOWN_COMMAND);
                s.swallow(bodylen);
                return MemcachedSession.DONE;
            }
        }
        s.consume(head);
        protocolError(s, st);
        return MemcachedSession.DONE;
    }

    /**
     * Whether the frame starting at {@code p} only reads (for CLIENT PAUSE WRITE): the get forms,
     * NOOP, VERSION, STAT, QUIT and the SASL exchange. Touch and GAT change the expiry: writes.
     */
    public static boolean readOnly(byte[] in, int p, int available) {
        if (available < 2) {
            return false;
        }
        return switch (in[p + 1] & 0xff) {
            case GET, GETQ, GETK, GETKQ, NOOP, VERSION, STAT, QUIT, QUITQ, SASL_LIST_MECHS, SASL_AUTH, SASL_STEP -> true;
            default -> false;
        };
    }

    private static boolean authFree(int opcode) {
        return opcode == SASL_LIST_MECHS || opcode == SASL_AUTH || opcode == SASL_STEP || opcode == VERSION;
    }

    /**
     * SASL is on when the server wants a password (memcached -S), or when the default user
     * cannot have every permission (see {@link MemcachedAuth}).
     */
    static boolean saslEnabled(Client c) {
        return c.server.acl().authRequired() || !c.server.acl().defaultUser().unrestricted();
    }

    // ------------------------------------------------------------------ writing

    private static void header(MemcachedSession s, State st, int status, int extlen, int keylen, long bodylen, long cas) {
        byte[] o = st.out;
        o[0] = (byte) RES_MAGIC;
        o[1] = (byte) st.opcode;
        put16(o, 2, keylen);
        o[4] = (byte) extlen;
        o[5] = 0;
        put16(o, 6, status);
        put32(o, 8, bodylen);
        put32(o, 12, st.opaque);
        put64(o, 16, cas);
        s.write(o, 0, HEADER);
    }

    /** write_bin_response: a success, dropped for quiet commands other than the gets. */
    private static void response(MemcachedSession s, State st, byte[] body, int off, int len) {
        if (!st.noreply || st.cmd == GET || st.cmd == GETK) {
            header(s, st, SUCCESS, 0, 0, len, st.replyCas);
            if (len > 0) {
                s.write(body, off, len);
            }
        }
    }

    /** write_bin_error: always sent, with memcached's text for the status. */
    static void error(MemcachedSession s, State st, int status) {
        byte[] text = switch (status) {
            case ENOMEM -> OUT_OF_MEMORY;
            case UNKNOWN_COMMAND -> UNKNOWN;
            case KEY_ENOENT -> NOT_FOUND;
            case EINVAL -> INVALID;
            case KEY_EEXISTS -> EXISTS;
            case E2BIG -> TOO_LARGE;
            case DELTA_BADVAL -> NON_NUMERIC;
            case NOT_STORED -> NOT_STORED_TEXT;
            case AUTH_ERROR -> AUTH_FAILURE;
            default -> UNHANDLED;
        };
        header(s, st, status, 0, 0, text.length, st.replyCas);
        s.write(text, 0, text.length);
    }

    private static final byte[] OUT_OF_MEMORY = ascii("Out of memory");
    private static final byte[] UNKNOWN = ascii("Unknown command");
    private static final byte[] NOT_FOUND = ascii("Not found");
    private static final byte[] INVALID = ascii("Invalid arguments");
    private static final byte[] EXISTS = ascii("Data exists for key.");
    private static final byte[] TOO_LARGE = ascii("Too large.");
    private static final byte[] NON_NUMERIC = ascii("Non-numeric server-side value for incr or decr");
    private static final byte[] NOT_STORED_TEXT = ascii("Not stored.");
    private static final byte[] AUTH_FAILURE = ascii("Auth failure.");
    private static final byte[] UNHANDLED = ascii("UNHANDLED ERROR");

    /** A write Cinnabar refuses now (MISCONF, a busy script): "Out of memory"'s status with Redis's reason. */
    private static void denied(MemcachedSession s, State st) {
        busyReply(s, st, s.items().deniedReason());
    }

    private static void busyReply(MemcachedSession s, State st, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.US_ASCII);
        header(s, st, ENOMEM, 0, 0, text.length, 0);
        s.write(text, 0, text.length);
    }

    /** A malformed frame: "Invalid arguments", then the connection closes. */
    private static void protocolError(MemcachedSession s, State st) {
        error(s, st, EINVAL);
        s.close();
    }

    /** The store's time, frozen for the operation. */
    private static long now(MemcachedSession s) {
        return s.items().now();
    }

    // ------------------------------------------------------------------ commands

    /** set/add/replace (extras: flags, exptime) and append/prepend (no extras), plain and quiet. */
    private static int update(MemcachedSession s, State st, byte[] b, int r, int head, long vlen) {
        int ext = r + HEADER;
        int key = ext + st.extlen;
        boolean appendLike = st.cmd == APPEND || st.cmd == PREPEND;
        int flags = appendLike ? 0 : (int) u32(b, ext);
        long exptime = appendLike ? 0 : u32(b, ext + 4);
        MemcachedItems items = s.items();
        if (items.tooLarge(st.keylen, flags, vlen)) {
            if (!appendLike && st.cmd == SET) {
                // memcached unlinks the old item so a refused set leaves no stale value
                items.deleteQuietly(s.client, b, key, st.keylen);
            }
            s.client.server.stats().memcached.storeTooLarge++;
            s.consume(head);
            error(s, st, E2BIG);
            s.swallow(vlen);
            return MemcachedSession.DONE;
        }
        if (s.available() < head + vlen) {
            return MemcachedSession.NEED_MORE;
        }
        int data = r + head;
        int dlen = (int) vlen;
        StoreMode mode = switch (st.cmd) {
            case ADD -> StoreMode.ADD;
            case REPLACE -> StoreMode.REPLACE;
            case APPEND -> StoreMode.APPEND;
            case PREPEND -> StoreMode.PREPEND;
            default -> StoreMode.SET;
        };
        if (st.cas != 0 && !appendLike) {
            mode = StoreMode.CAS;
        }
        Outcome o;
        if (appendLike && st.cas != 0) {
            Item it = items.peek(s.client, b, key, st.keylen);
            o = it != null && it.cas() != st.cas ? Outcome.EXISTS
                    : items.store(s.client, mode, b, key, st.keylen, b, data, dlen, 0, MemcachedItems.NO_EXPIRY, 0);
        } else {
            o = items.store(s.client, mode, b, key, st.keylen, b, data, dlen, flags,
                    MemcachedItems.expireAtMillis(exptime, now(s)), st.cas);
        }
        s.consume(head + dlen);
        switch (o) {
            case DENIED -> denied(s, st);
            case STORED -> {
                st.replyCas = items.lastCas();
                response(s, st, null, 0, 0);
            }
            case EXISTS -> error(s, st, KEY_EEXISTS);
            case NOT_FOUND -> error(s, st, KEY_ENOENT);
            // over maxmemory: memcached's out_of_memory, "Out of memory" in the binary protocol
            case OUT_OF_MEMORY -> error(s, st, ENOMEM);
            default -> error(s, st, st.cmd == ADD ? KEY_EEXISTS : st.cmd == REPLACE ? KEY_ENOENT : NOT_STORED);
        }
        return MemcachedSession.DONE;
    }

    /** get/getk (and quiet) and touch/gat/gatk (and quiet). */
    private static void getOrTouch(MemcachedSession s, State st, byte[] b, int key, long exptime, boolean touch) {
        boolean returnKey = st.cmd == GETK || st.cmd == GATK;
        boolean returnValue = st.cmd != TOUCH;
        MemcachedItems items = s.items();
        if (s.client.server.busy().holdsClients()) {
            // a script or a load holds the server: Redis's BUSY/LOADING text, as for refused writes
            busyReply(s, st, s.client.server.busy().rejection());
            return;
        }
        int nkey = st.keylen;
        Item it = touch
                ? items.getAndTouch(s.client, b, key, nkey, MemcachedItems.expireAtMillis(exptime, now(s)))
                : items.get(s.client, b, key, nkey);
        if (it == null) {
            if (st.noreply) {
                return;
            }
            if (returnKey) {
                header(s, st, KEY_ENOENT, 0, nkey, nkey, 0);
                s.write(b, key, nkey);
            } else {
                error(s, st, KEY_ENOENT);
            }
            return;
        }
        int vlen = returnValue ? it.valueLength() : 0;
        int klen = returnKey ? nkey : 0;
        header(s, st, SUCCESS, 4, klen, 4L + klen + vlen, it.cas());
        byte[] o = st.digits;
        put32(o, 0, it.flags() & 0xffffffffL);
        s.write(o, 0, 4);
        if (returnKey) {
            s.write(b, key, nkey);
        }
        if (returnValue) {
            s.write(it.valueArray(), it.valueOffset(), vlen);
        }
    }

    private static void delete(MemcachedSession s, State st, byte[] b, int key) {
        Outcome o = s.items().delete(s.client, b, key, st.keylen, st.cas);
        switch (o) {
            case DENIED -> denied(s, st);
            case DELETED -> response(s, st, null, 0, 0);
            case EXISTS -> error(s, st, KEY_EEXISTS);
            default -> error(s, st, KEY_ENOENT);
        }
    }

    /** incr/decr: extras are delta (8), initial value (8), expiry (4; 0xffffffff: do not create). */
    private static void incr(MemcachedSession s, State st, byte[] b, int ext, int key) {
        long delta = u64(b, ext);
        long initial = u64(b, ext + 8);
        long expiration = u32(b, ext + 16);
        MemcachedItems items = s.items();
        Outcome o = items.arith(s.client, b, key, st.keylen, st.cmd == INCREMENT, delta, st.cas);
        byte[] v = st.digits;
        switch (o) {
            case DENIED -> denied(s, st);
            case NON_NUMERIC -> error(s, st, DELTA_BADVAL);
            case EXISTS -> error(s, st, KEY_EEXISTS);
            case OUT_OF_MEMORY, TOO_LARGE -> error(s, st, ENOMEM);
            case NOT_FOUND -> {
                if (expiration != 0xffffffffL) {
                    int n = MemcachedItems.unsignedDigits(initial, v);
                    int from = v.length - n;
                    Outcome a = items.store(s.client, StoreMode.ADD, b, key, st.keylen, v, from, n, 0,
                            MemcachedItems.expireAtMillis(expiration, now(s)), 0);
                    if (a == Outcome.STORED) {
                        // memcached counts neither a miss nor a set for the created item
                        MemcachedStats m = s.client.server.stats().memcached;
                        m.setCmds--;
                        if (st.cmd == INCREMENT) {
                            m.incrMisses--;
                        } else {
                            m.decrMisses--;
                        }
                        st.replyCas = items.lastCas();
                        put64(v, 0, initial);
                        response(s, st, v, 0, 8);
                    } else if (a == Outcome.OUT_OF_MEMORY) {
                        error(s, st, ENOMEM);
                    } else if (a == Outcome.DENIED) {
                        denied(s, st);
                    } else {
                        error(s, st, NOT_STORED);
                    }
                } else {
                    error(s, st, KEY_ENOENT);
                }
            }
            default -> {
                st.replyCas = items.lastCas();
                put64(v, 0, items.lastArithValue());
                response(s, st, v, 0, 8);
            }
        }
    }

    /** FLUSH [delay]: the same moment as the text flush_all (memcached's oldest_live, one second before the time given). */
    private static void flush(MemcachedSession s, State st, long exptime) {
        s.items().flushAllFor(s.client, exptime);
        response(s, st, null, 0, 0);
    }

    /** STAT [group]: one packet per statistic, then an empty one. */
    private static void stat(MemcachedSession s, State st, byte[] b, int key) {
        int nkey = st.keylen;
        boolean known = MemcachedStatsFrames.report(s, st, b, key, nkey);
        if (!known) {
            error(s, st, KEY_ENOENT);
            return;
        }
        statPacket(s, st, null, 0, 0, null, 0, 0);
    }

    /** One STAT reply packet: the name as its key, the value as its body. */
    static void statPacket(MemcachedSession s, State st, byte[] name, int noff, int nlen, byte[] value, int voff, int vlen) {
        header(s, st, SUCCESS, 0, nlen, (long) nlen + vlen, 0);
        if (nlen > 0) {
            s.write(name, noff, nlen);
        }
        if (vlen > 0) {
            s.write(value, voff, vlen);
        }
    }

    // ------------------------------------------------------------------ SASL

    private static int sasl(MemcachedSession s, State st, byte[] b, int r, int head, long vlen) {
        Client c = s.client;
        if (!saslEnabled(c)) {
            s.consume(head);
            error(s, st, UNKNOWN_COMMAND);
            s.swallow(vlen);
            return MemcachedSession.DONE;
        }
        if (st.keylen > MAX_SASL_MECH_LEN) {
            s.consume(head);
            error(s, st, EINVAL);
            s.swallow(vlen);
            return MemcachedSession.DONE;
        }
        if (vlen > s.client.server.config().memcachedMaxItemSize) {
            s.consume(head);
            error(s, st, ENOMEM);
            s.swallow(vlen);
            return MemcachedSession.DONE;
        }
        if (s.available() < head + vlen) {
            return MemcachedSession.NEED_MORE;
        }
        int mech = r + HEADER + st.extlen;
        int data = r + head;
        int dlen = (int) vlen;
        // a new exchange starts unauthenticated, as memcached's SASL connection does
        c.authenticated = false;
        int result; // 0 ok, 1 continue, -1 failure
        if (st.cmd == SASL_AUTH) {
            if (!isPlain(b, mech, st.keylen)) {
                result = -1;
            } else if (dlen == 0) {
                result = 1;
            } else {
                result = plain(c, b, data, dlen) ? 0 : -2;
            }
            st.saslStarted = result == 1;
        } else if (st.saslStarted && dlen > 0) {
            result = plain(c, b, data, dlen) ? 0 : -2;
            st.saslStarted = false;
        } else {
            result = -1;
        }
        if (result == -1) {
            // refused before the password was looked at: counted here (MemcachedAuth counts the rest)
            c.server.stats().memcached.authCmds++;
            c.server.stats().memcached.authErrors++;
        }
        s.consume(head + dlen);
        if (result == 0) {
            response(s, st, AUTHENTICATED, 0, AUTHENTICATED.length);
        } else if (result == 1) {
            header(s, st, AUTH_CONTINUE, 0, 0, 0, st.replyCas);
        } else {
            error(s, st, AUTH_ERROR);
        }
        return MemcachedSession.DONE;
    }

    private static boolean isPlain(byte[] b, int off, int len) {
        if (len != PLAIN.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != PLAIN[i]) {
                return false;
            }
        }
        return true;
    }

    /** PLAIN's message: [authzid] NUL authcid NUL passwd. Counts auth_cmds/auth_errors. */
    private static boolean plain(Client c, byte[] b, int off, int len) {
        int end = off + len;
        int first = -1;
        int second = -1;
        for (int i = off; i < end; i++) {
            if (b[i] == 0) {
                if (first < 0) {
                    first = i;
                } else {
                    second = i;
                    break;
                }
            }
        }
        if (second < 0) {
            c.server.stats().memcached.authCmds++;
            c.server.stats().memcached.authErrors++;
            return false;
        }
        return MemcachedAuth.check(c, b, first + 1, second - first - 1, b, second + 1, end - second - 1);
    }
}
