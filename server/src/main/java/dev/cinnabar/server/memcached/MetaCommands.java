package dev.cinnabar.server.memcached;

import dev.cinnabar.server.memcached.MemcachedItems.Item;
import dev.cinnabar.server.memcached.MemcachedItems.Outcome;
import dev.cinnabar.server.memcached.MemcachedItems.StoreMode;
import dev.cinnabar.server.stats.MemcachedStats;
import java.nio.charset.StandardCharsets;

/**
 * The meta protocol's commands (mg, ms, md, ma, mn, me), which {@link TextProtocol} hands over
 * by their command token, answered as memcached 1.6.18 answers them: the same flags, the same
 * order of checks, the same error lines, the return flags in the order the request gave them.
 * A reply line is built in a per-connection scratch buffer and written once (or dropped whole
 * under {@code q}); nothing is allocated per command.
 */
public final class MetaCommands {
    private static final int SCRATCH = 8192;

    private static final byte[] EN = ascii("EN");
    private static final byte[] MN = ascii("MN");
    private static final byte[] ERROR = ascii("ERROR");
    private static final byte[] DUP_OR_INVALID = ascii("CLIENT_ERROR invalid or duplicate flag");
    private static final byte[] BAD_FORMAT = ascii(MetaRequest.BAD_FORMAT);

    /** Per-connection state: the parsed request and the reply scratch. */
    static final class State {
        final MetaRequest req = new MetaRequest();
        final byte[] out = new byte[SCRATCH];
        final byte[] digits = new byte[24];
        final byte[] keyScratch = new byte[MetaRequest.KEY_MAX_LENGTH];
        int p;
    }

    private MetaCommands() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The meta state of a session, kept beside the text protocol's own. */
    static State state(MemcachedSession s) {
        if (s.metaState == null) {
            s.metaState = new State();
        }
        return (State) s.metaState;
    }

    /**
     * Runs the meta command on {@code line} (already split; token 0 is the command). Returns
     * {@link MemcachedSession#NEED_MORE} without consuming anything when a data block (ms) has
     * not fully arrived; otherwise consumes the line and any data block, writes the reply, and
     * returns {@link MemcachedSession#DONE}.
     */
    public static int execute(MemcachedSession s, TextLine line) {
        byte[] b = line.buffer();
        byte which = b[line.offset(0) + 1];
        if (which == 's') {
            return ms(s, line);
        }
        s.consume(line.next() - s.readIndex());
        // one operation for the store, however many calls the command makes: one time, one
        // propagation unit (mg N's stub and its expiry, ma N's item and its T)
        MemcachedItems items = s.items();
        items.begin(s.client);
        try {
            switch (which) {
                case 'g' -> mg(s, line);
                case 'd' -> md(s, line);
                case 'a' -> ma(s, line);
                case 'n' -> s.writeLine(MN);
                case 'e' -> me(s, line);
                default -> s.writeLine(ERROR);
            }
        } finally {
            items.end(s.client);
        }
        return MemcachedSession.DONE;
    }

    /**
     * Whether the meta line {@code in[from, to)} only reads (for CLIENT PAUSE WRITE): mn, me, and
     * mg without N (vivify) or T (touch). ms, md and ma write.
     */
    public static boolean readOnly(byte[] in, int from, int to) {
        int p = from;
        if (to - p < 2 || in[p] != 'm') {
            return false;
        }
        byte c = in[p + 1];
        if (to - p > 2 && in[p + 2] != ' ' && in[p + 2] != '\r' && in[p + 2] != '\n') {
            return false;
        }
        if (c == 'n' || c == 'e') {
            return true;
        }
        if (c != 'g') {
            return false;
        }
        // flags start after the key: any token beginning with N or T makes it a write
        int tokens = 0;
        boolean inToken = false;
        for (int i = p; i < to && in[i] != '\r' && in[i] != '\n'; i++) {
            if (in[i] == ' ') {
                inToken = false;
            } else if (!inToken) {
                inToken = true;
                tokens++;
                if (tokens >= 3 && (in[i] == 'N' || in[i] == 'T')) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ reply building

    private static void put(State st, byte[] b) {
        System.arraycopy(b, 0, st.out, st.p, b.length);
        st.p += b.length;
    }

    private static void put(State st, byte[] b, int off, int len) {
        System.arraycopy(b, off, st.out, st.p, len);
        st.p += len;
    }

    private static void putByte(State st, int c) {
        st.out[st.p++] = (byte) c;
    }

    /** " X": a flag letter after a space. */
    private static void flag(State st, char c) {
        st.out[st.p++] = ' ';
        st.out[st.p++] = (byte) c;
    }

    /** Writes v as an unsigned 64-bit decimal. */
    private static void putUnsigned(State st, long v) {
        byte[] o = st.out;
        int start = st.p;
        if (v < 0) {
            long q = (v >>> 1) / 5;
            int r = (int) (v - q * 10);
            o[st.p++] = (byte) ('0' + r);
            v = q;
        }
        do {
            o[st.p++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        // reverse
        for (int i = start, j = st.p - 1; i < j; i++, j--) {
            byte t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
    }

    private static void putSigned(State st, long v) {
        if (v < 0) {
            putByte(st, '-');
            putUnsigned(st, -v);
        } else {
            putUnsigned(st, v);
        }
    }

    /** " k<key>", base64 with a trailing " b" for a binary key (memcached's META_KEY). */
    private static void putKey(State st, byte[] key, int off, int len, boolean binary) {
        flag(st, 'k');
        if (!binary) {
            put(st, key, off, len);
        } else {
            st.p += Base64Keys.encode(key, off, len, st.out, st.p);
            flag(st, 'b');
        }
    }

    /** " O..." copied back; false (nothing written) when the token is too long. */
    private static boolean putOpaque(State st, MetaRequest r, int i) {
        if (r.len[i] > MetaRequest.MAX_OPAQUE_LENGTH) {
            return false;
        }
        putByte(st, ' ');
        put(st, r.line, r.start[i], r.len[i]);
        return true;
    }

    private static void crlf(State st) {
        st.out[st.p++] = '\r';
        st.out[st.p++] = '\n';
    }

    /** Sends the built reply unless {@code skip}. */
    private static void send(MemcachedSession s, State st, boolean skip) {
        if (!skip) {
            boolean q = s.quiet;
            s.quiet = false;
            s.write(st.out, 0, st.p);
            s.quiet = q;
        }
        st.p = 0;
    }

    private static void error(MemcachedSession s, String text) {
        s.writeLineAlways(ascii(text));
    }

    private static void error(MemcachedSession s, byte[] text) {
        s.writeLineAlways(text);
    }

    /**
     * A script or a load holds the server: the command is answered with Redis's BUSY or
     * LOADING text as a SERVER_ERROR (as the text protocol's reads and every write are).
     */
    private static boolean busy(MemcachedSession s) {
        if (!s.client.server.busy().holdsClients()) {
            return false;
        }
        error(s, "SERVER_ERROR " + s.client.server.busy().rejection());
        return true;
    }

    /** Remaining TTL in whole seconds as memcached shows it (-1: none). */
    static long ttlSeconds(long expireAtMillis, long now) {
        if (expireAtMillis < 0) {
            return -1;
        }
        long left = expireAtMillis - now;
        return left <= 0 ? 0 : (left + 999) / 1000;
    }

    /** memcached's relative-or-absolute exptime (EXPTIME_TO_POSITIVE_TIME then realtime). */
    static long expireAt(long exptime, long now) {
        return MemcachedItems.expireAtMillis(exptime, now);
    }

    /** The store's time: frozen for the operation, as for a Redis command. */
    private static long now(MemcachedSession s) {
        return s.items().now();
    }

    // ------------------------------------------------------------------ mg

    // mg <key> <flags>*
    private static void mg(MemcachedSession s, TextLine line) {
        State st = state(s);
        MetaRequest r = st.req;
        r.load(line);
        if (r.ntokens < 3) {
            s.writeLine(ERROR);
            return;
        }
        if (r.len[1] > MetaRequest.KEY_MAX_LENGTH) {
            error(s, BAD_FORMAT);
            return;
        }
        if (r.ntokens > MetaRequest.MAX_OPT_TOKENS) {
            error(s, "CLIENT_ERROR options flags are too long");
            return;
        }
        if (!r.preparse(2)) {
            error(s, r.errstr);
            return;
        }
        if (busy(s)) {
            return;
        }
        MemcachedItems items = s.items();
        long now = now(s);
        byte[] key = r.key;
        int koff = r.keyOff;
        int klen = r.keyLen;

        // memcached applies T (and N on a created stub) where they stand among the flags, so a
        // t before them shows the TTL as it was: note it first when the request is so ordered.
        long before = MemcachedItems.KEEP;
        if (r.newTtl && tBeforeT(r)) {
            Item old = items.peek(s.client, key, koff, klen);
            before = old == null ? MemcachedItems.KEEP : old.expireAtMillis();
        }
        Item it = r.noUpdate ? peekCounted(s, items, key, koff, klen)
                : r.newTtl ? items.getAndTouch(s.client, key, koff, klen, expireAt(r.exptime, now))
                : items.get(s.client, key, koff, klen);
        boolean created = false;
        boolean expireStubAfter = false;
        if (it == null && r.vivify) {
            // The stub's expiry: whichever of N and T comes last in the request.
            long exp = MemcachedItems.NO_EXPIRY;
            for (int i = 2; i < r.ntokens - 1; i++) {
                byte f = r.flagAt(i);
                if (f == 'N') {
                    exp = expireAt(r.autovivExptime, now);
                } else if (f == 'T') {
                    exp = expireAt(r.exptime, now);
                }
            }
            // a stub due already expired is still handed out once (memcached sets its time after
            // linking it): stored without expiry, expired once answered
            expireStubAfter = exp == MemcachedItems.EXPIRED;
            Outcome o = items.store(s.client, StoreMode.ADD, key, koff, klen, key, 0, 0, 0,
                    expireStubAfter ? MemcachedItems.NO_EXPIRY : exp, 0);
            if (o == Outcome.STORED) {
                created = true;
                it = items.peek(s.client, key, koff, klen);
                before = MemcachedItems.NO_EXPIRY;
                // memcached links the stub without a store: a hit, no set
                MemcachedStats m = s.client.server.stats().memcached;
                m.setCmds--;
                if (r.newTtl) {
                    m.touchMisses--;
                    m.touchHits++;
                } else {
                    m.getMisses--;
                    m.getHits++;
                }
            }
        }
        if (it == null) {
            if (r.newTtl && !r.noUpdate) {
                // memcached counts a miss as a get even with T (the touch counters are for hits)
                MemcachedStats m = s.client.server.stats().memcached;
                m.touchCmds--;
                m.touchMisses--;
                m.getCmds++;
                m.getMisses++;
            }
            st.p = 0;
            put(st, EN);
            for (int i = 2; i < r.ntokens - 1; i++) {
                byte f = r.flagAt(i);
                if (f == 'O') {
                    if (!putOpaque(st, r, i)) {
                        st.p = 0;
                        error(s, "CLIENT_ERROR opaque token too long");
                        return;
                    }
                } else if (f == 'k') {
                    putKey(st, key, koff, klen, r.keyBinary);
                }
            }
            crlf(st);
            send(s, st, r.noReply);
            return;
        }
        st.p = 0;
        int vlen = it.valueLength();
        if (r.value) {
            put(st, VA);
            putUnsigned(st, vlen);
        } else {
            put(st, HD);
        }
        boolean won = false;
        boolean tokenSent = it.winTokenSent();
        boolean stale = it.stale();
        long expire = before != MemcachedItems.KEEP ? before : it.expireAtMillis();
        for (int i = 2; i < r.ntokens - 1; i++) {
            switch (r.flagAt(i)) {
                case 'T' -> expire = expireAt(r.exptime, now);
                case 'N' -> {
                    if (created) {
                        won = true;
                        expire = expireAt(r.autovivExptime, now);
                    }
                }
                case 'R' -> {
                    if (!tokenSent && !created && expire >= 0 && r.recacheTime > 0
                            && expire < expireAt(r.recacheTime, now)) {
                        won = true;
                    }
                }
                case 's' -> {
                    flag(st, 's');
                    putUnsigned(st, vlen);
                }
                case 't' -> {
                    flag(st, 't');
                    putSigned(st, ttlSeconds(expire, now));
                }
                case 'c' -> {
                    flag(st, 'c');
                    putUnsigned(st, it.cas());
                }
                case 'f' -> {
                    flag(st, 'f');
                    putUnsigned(st, it.flags() & 0xffffffffL);
                }
                case 'l' -> {
                    flag(st, 'l');
                    long la = it.lastAccessMillis();
                    putUnsigned(st, la <= 0 || la > now ? 0 : (now - la) / 1000);
                }
                case 'h' -> {
                    flag(st, 'h');
                    putByte(st, it.fetchedBefore() ? '1' : '0');
                }
                case 'O' -> {
                    if (!putOpaque(st, r, i)) {
                        st.p = 0;
                        error(s, "CLIENT_ERROR opaque token too long");
                        return;
                    }
                }
                case 'k' -> putKey(st, key, koff, klen, items.keyBinary(key, koff, klen));
                default -> {
                }
            }
        }
        if (tokenSent) {
            flag(st, 'Z');
        }
        if (stale) {
            flag(st, 'X');
            if (!tokenSent) {
                won = true;
            }
        }
        if (won) {
            flag(st, 'W');
        }
        crlf(st);
        if (r.value) {
            // header and data in one go when they fit, else in two writes
            if (st.p + vlen + 2 <= st.out.length) {
                put(st, it.valueArray(), it.valueOffset(), vlen);
                crlf(st);
                send(s, st, false);
            } else {
                send(s, st, false);
                boolean q = s.quiet;
                s.quiet = false;
                s.write(it.valueArray(), it.valueOffset(), vlen);
                s.crlf();
                s.quiet = q;
            }
        } else {
            send(s, st, false);
        }
        if (won) {
            items.markWinTokenSent(key, koff, klen);
        }
        if (expireStubAfter) {
            items.setExpiry(s.client, key, koff, klen, MemcachedItems.EXPIRED);
        }
    }

    /** mg with u: the item without recording an access, counted as a get as memcached counts it. */
    private static Item peekCounted(MemcachedSession s, MemcachedItems items, byte[] key, int koff, int klen) {
        Item it = items.peek(s.client, key, koff, klen);
        MemcachedStats m = s.client.server.stats().memcached;
        m.getCmds++;
        if (it == null) {
            m.getMisses++;
        } else {
            m.getHits++;
        }
        return it;
    }

    /** A t flag stands before a T or N flag (then it shows the TTL from before them). */
    private static boolean tBeforeT(MetaRequest r) {
        boolean t = false;
        for (int i = 2; i < r.ntokens - 1; i++) {
            byte f = r.flagAt(i);
            if (f == 't') {
                t = true;
            } else if ((f == 'T' || f == 'N') && t) {
                return true;
            }
        }
        return false;
    }

    private static final byte[] VA = ascii("VA ");
    private static final byte[] HD = ascii("HD");

    // ------------------------------------------------------------------ ms

    // ms <key> <datalen> <flags>*\r\n<data>\r\n
    private static int ms(MemcachedSession s, TextLine line) {
        State st = state(s);
        MetaRequest r = st.req;
        r.load(line);
        int lineBytes = line.next() - s.readIndex();
        if (r.ntokens < 3) {
            return finishLine(s, lineBytes, ERROR, false);
        }
        if (r.len[1] > MetaRequest.KEY_MAX_LENGTH || r.ntokens == 3) {
            return finishLine(s, lineBytes, BAD_FORMAT, true);
        }
        if (r.ntokens > MetaRequest.MAX_OPT_TOKENS) {
            return finishLine(s, lineBytes, ascii("CLIENT_ERROR options flags too long"), true);
        }
        long vl = r.strtol32(r.line, r.start[2], r.start[2] + r.len[2]);
        if (vl == MetaRequest.BAD || vl < 0 || vl > Integer.MAX_VALUE - 2) {
            return finishLine(s, lineBytes, BAD_FORMAT, true);
        }
        int vlen = (int) vl;
        String err = null;
        if (!r.preparse(3)) {
            err = r.errstr;
        }
        boolean tooLarge = false;
        StoreMode mode = StoreMode.SET;
        if (err == null) {
            boolean opaqueTooLong = false;
            for (int i = 3; i < r.ntokens - 1; i++) {
                if (r.flagAt(i) == 'O' && r.len[i] > MetaRequest.MAX_OPAQUE_LENGTH) {
                    opaqueTooLong = true;
                }
            }
            switch (r.mode) {
                case 0, 'S' -> mode = StoreMode.SET;
                case 'E' -> mode = StoreMode.ADD;
                case 'A' -> mode = StoreMode.APPEND;
                case 'P' -> mode = StoreMode.PREPEND;
                case 'R' -> mode = StoreMode.REPLACE;
                default -> err = "CLIENT_ERROR invalid mode for ms M token";
            }
            if (err == null && r.hasCas && (mode == StoreMode.SET || mode == StoreMode.REPLACE)) {
                mode = StoreMode.CAS;
            }
            if (err == null && opaqueTooLong) {
                err = "CLIENT_ERROR opaque token too long";
            }
            if (err == null && s.items().tooLarge(r.keyLen, (int) r.clientFlags, vlen)) {
                err = "SERVER_ERROR object too large for cache";
                tooLarge = true;
            }
        }
        if (err != null) {
            s.consume(lineBytes);
                if (tooLarge) {
                s.client.server.stats().memcached.storeTooLarge++;
                // memcached drops the old item so no stale value outlives a failed set
                s.items().deleteQuietly(s.client, r.key, r.keyOff, r.keyLen);
            }
            error(s, err);
            s.swallow((long) vlen + 2);
            return MemcachedSession.DONE;
        }
        // wait for the whole data block
        if (s.available() < lineBytes + vlen + 2) {
            return MemcachedSession.NEED_MORE;
        }
        byte[] in = s.input();
        int data = line.next();
        if (in[data + vlen] != '\r' || in[data + vlen + 1] != '\n') {
            // memcached counts the set before it looks at the chunk's end
            s.client.server.stats().memcached.setCmds++;
            s.consume(lineBytes + vlen + 2);
            error(s, "CLIENT_ERROR bad data chunk");
            return MemcachedSession.DONE;
        }
        MemcachedItems items = s.items();
        items.begin(s.client);
        try {
            return msStore(s, st, r, items, mode, lineBytes, data, vlen);
        } finally {
            items.end(s.client);
        }
    }

    private static int msStore(MemcachedSession s, State st, MetaRequest r, MemcachedItems items, StoreMode mode,
            int lineBytes, int data, int vlen) {
        byte[] in = s.input();
        long now = now(s);
        Outcome o;
        if (r.setStale && mode == StoreMode.CAS) {
            o = items.storeInvalidating(s.client, r.key, r.keyOff, r.keyLen, in, data, vlen,
                    (int) r.clientFlags, expireAt(r.exptime, now), r.reqCas);
        } else {
            o = items.store(s.client, mode, r.key, r.keyOff, r.keyLen, in, data, vlen,
                    (int) r.clientFlags, expireAt(r.exptime, now), r.hasCas ? r.reqCas : 0);
        }
        st.p = 0;
        boolean skip = false;
        switch (o) {
            case STORED -> {
                put(st, HD);
                skip = r.noReply;
            }
            case EXISTS -> put(st, EX);
            case NOT_FOUND -> put(st, NF);
            case NOT_STORED -> put(st, NS);
            case TOO_LARGE -> {
                s.consume(lineBytes + vlen + 2);
                error(s, "SERVER_ERROR object too large for cache");
                return MemcachedSession.DONE;
            }
            case DENIED -> {
                s.consume(lineBytes + vlen + 2);
                error(s, "SERVER_ERROR " + items.deniedReason());
                return MemcachedSession.DONE;
            }
            default -> {
                s.consume(lineBytes + vlen + 2);
                error(s, "SERVER_ERROR out of memory storing object");
                return MemcachedSession.DONE;
            }
        }
        long cas = o == Outcome.STORED ? items.lastCas() : 0;
        if (o == Outcome.STORED && r.keyBinary) {
            items.markKeyBinary(r.key, r.keyOff, r.keyLen);
        }
        for (int i = 3; i < r.ntokens - 1; i++) {
            switch (r.flagAt(i)) {
                case 'O' -> putOpaque(st, r, i);
                case 'k' -> putKey(st, r.key, r.keyOff, r.keyLen, r.keyBinary);
                case 'c' -> {
                    flag(st, 'c');
                    putUnsigned(st, cas);
                }
                default -> {
                }
            }
        }
        crlf(st);
        s.consume(lineBytes + vlen + 2);
        send(s, st, skip);
        return MemcachedSession.DONE;
    }

    private static final byte[] EX = ascii("EX");
    private static final byte[] NF = ascii("NF");
    private static final byte[] NS = ascii("NS");

    private static int finishLine(MemcachedSession s, int lineBytes, byte[] reply, boolean always) {
        s.consume(lineBytes);
        if (always) {
            error(s, reply);
        } else {
            s.writeLine(reply);
        }
        return MemcachedSession.DONE;
    }

    // ------------------------------------------------------------------ md

    // md <key> <flags>*
    private static void md(MemcachedSession s, TextLine line) {
        State st = state(s);
        MetaRequest r = st.req;
        r.load(line);
        if (r.ntokens < 3) {
            s.writeLine(ERROR);
            return;
        }
        if (r.len[1] > MetaRequest.KEY_MAX_LENGTH) {
            error(s, BAD_FORMAT);
            return;
        }
        if (r.ntokens > MetaRequest.MAX_OPT_TOKENS) {
            error(s, "CLIENT_ERROR options flags too long");
            return;
        }
        if (!r.preparse(2)) {
            error(s, DUP_OR_INVALID);
            return;
        }
        if (busy(s)) {
            return;
        }
        st.p = 2;
        for (int i = 2; i < r.ntokens - 1; i++) {
            byte f = r.flagAt(i);
            if (f == 'O') {
                if (!putOpaque(st, r, i)) {
                    st.p = 0;
                    error(s, "CLIENT_ERROR opaque token too long");
                    return;
                }
            } else if (f == 'k') {
                putKey(st, r.key, r.keyOff, r.keyLen, r.keyBinary);
            }
        }
        MemcachedItems items = s.items();
        Item it = items.peek(s.client, r.key, r.keyOff, r.keyLen);
        boolean skip = false;
        byte[] code;
        if (it == null) {
            s.client.server.stats().memcached.deleteMisses++;
            code = NF;
        } else if (r.hasCas && it.cas() != r.reqCas) {
            s.client.server.stats().memcached.deleteMisses++;
            code = EX;
        } else if (r.setStale) {
            items.invalidate(s.client, r.key, r.keyOff, r.keyLen,
                    r.newTtl ? expireAt(r.exptime, now(s)) : MemcachedItems.KEEP);
            code = HD;
            skip = r.noReply;
        } else {
            if (items.delete(s.client, r.key, r.keyOff, r.keyLen, 0) == Outcome.DENIED) {
                st.p = 0;
                error(s, "SERVER_ERROR " + items.deniedReason());
                return;
            }
            code = HD;
            skip = r.noReply;
        }
        st.out[0] = code[0];
        st.out[1] = code[1];
        crlf(st);
        send(s, st, skip);
    }

    // ------------------------------------------------------------------ ma

    private static final byte[] NON_NUMERIC = ascii("CLIENT_ERROR cannot increment or decrement non-numeric value");

    // ma <key> <flags>*
    private static void ma(MemcachedSession s, TextLine line) {
        State st = state(s);
        MetaRequest r = st.req;
        r.load(line);
        if (r.ntokens < 3) {
            s.writeLine(ERROR);
            return;
        }
        if (r.len[1] > MetaRequest.KEY_MAX_LENGTH) {
            error(s, BAD_FORMAT);
            return;
        }
        if (r.ntokens > MetaRequest.MAX_OPT_TOKENS) {
            error(s, "CLIENT_ERROR options flags too long");
            return;
        }
        if (!r.preparse(2)) {
            error(s, DUP_OR_INVALID);
            return;
        }
        if (busy(s)) {
            return;
        }
        boolean incr;
        switch (r.mode) {
            case 0, 'I', '+' -> incr = true;
            case 'D', '-' -> incr = false;
            default -> {
                error(s, "CLIENT_ERROR invalid mode for ma M token");
                return;
            }
        }
        MemcachedItems items = s.items();
        long now = now(s);
        byte[] key = r.key;
        int koff = r.keyOff;
        int klen = r.keyLen;
        Outcome o = items.arith(s.client, key, koff, klen, incr, r.delta, r.hasCas ? r.reqCas : 0);
        st.p = 0;
        boolean haveItem = false;
        boolean created = false;
        boolean skip = false;
        long value = 0;
        switch (o) {
            case STORED, DELETED, TOUCHED -> {
                haveItem = true;
                value = items.lastArithValue();
                skip = r.noReply;
            }
            case NON_NUMERIC -> {
                error(s, NON_NUMERIC);
                return;
            }
            case OUT_OF_MEMORY, TOO_LARGE -> {
                error(s, "SERVER_ERROR out of memory");
                return;
            }
            case DENIED -> {
                error(s, "SERVER_ERROR " + items.deniedReason());
                return;
            }
            case NOT_FOUND -> {
                if (r.vivify) {
                    int n = formatUnsigned(st, r.initial);
                    Outcome a = items.store(s.client, StoreMode.ADD, key, koff, klen, st.digits, 0, n, 0,
                            MemcachedItems.NO_EXPIRY, 0);
                    if (a == Outcome.STORED) {
                        // memcached counts neither a miss nor a set for the created item
                        MemcachedStats m = s.client.server.stats().memcached;
                        m.setCmds--;
                        if (incr) {
                            m.incrMisses--;
                        } else {
                            m.decrMisses--;
                        }
                        created = true;
                        haveItem = true;
                        value = r.initial;
                    } else if (a == Outcome.DENIED) {
                        error(s, "SERVER_ERROR " + items.deniedReason());
                        return;
                    } else if (a == Outcome.OUT_OF_MEMORY) {
                        error(s, "SERVER_ERROR Out of memory allocating new item");
                        return;
                    } else {
                        put(st, NS);
                    }
                } else {
                    put(st, NF);
                }
            }
            case EXISTS -> put(st, EX);
            default -> put(st, NS);
        }
        if (haveItem) {
            long cas = items.lastCas();
            int n = formatUnsigned(st, value);
            if (r.value) {
                put(st, VA);
                putUnsigned(st, n);
            } else {
                put(st, HD);
            }
            Item it = items.peek(s.client, key, koff, klen);
            long expire = it == null ? MemcachedItems.NO_EXPIRY : it.expireAtMillis();
            for (int i = 2; i < r.ntokens - 1; i++) {
                switch (r.flagAt(i)) {
                    case 'c' -> {
                        flag(st, 'c');
                        putUnsigned(st, cas);
                    }
                    case 't' -> {
                        flag(st, 't');
                        putSigned(st, ttlSeconds(expire, now));
                    }
                    case 'T' -> {
                        expire = expireAt(r.exptime, now);
                        items.setExpiry(s.client, key, koff, klen, expire);
                    }
                    case 'N' -> {
                        if (created) {
                            expire = expireAt(r.autovivExptime, now);
                            items.setExpiry(s.client, key, koff, klen, expire);
                        }
                    }
                    case 'O' -> {
                        if (!putOpaque(st, r, i)) {
                            st.p = 0;
                            error(s, "CLIENT_ERROR opaque token too long");
                            return;
                        }
                    }
                    case 'k' -> putKey(st, key, koff, klen, r.keyBinary);
                    default -> {
                    }
                }
            }
            if (r.value) {
                crlf(st);
                put(st, st.digits, 0, n);
            }
        } else {
            for (int i = 2; i < r.ntokens - 1; i++) {
                byte f = r.flagAt(i);
                if (f == 'O') {
                    if (!putOpaque(st, r, i)) {
                        st.p = 0;
                        error(s, "CLIENT_ERROR opaque token too long");
                        return;
                    }
                } else if (f == 'k') {
                    putKey(st, key, koff, klen, r.keyBinary);
                }
            }
        }
        crlf(st);
        send(s, st, skip);
    }

    /** Writes v (unsigned) into the state's digit scratch; returns its length. */
    private static int formatUnsigned(State st, long v) {
        int save = st.p;
        int start = st.p;
        putUnsigned(st, v);
        int n = st.p - start;
        System.arraycopy(st.out, start, st.digits, 0, n);
        st.p = save;
        return n;
    }

    // ------------------------------------------------------------------ me

    // me <key> [b]
    private static void me(MemcachedSession s, TextLine line) {
        State st = state(s);
        MetaRequest r = st.req;
        r.load(line);
        if (r.ntokens < 3 || r.len[1] > MetaRequest.KEY_MAX_LENGTH) {
            error(s, BAD_FORMAT);
            return;
        }
        byte[] key = r.key;
        int koff = r.keyOff;
        int klen = r.keyLen;
        boolean binary = false;
        if (r.ntokens >= 4 && r.tokenIs(2, 'b')) {
            int n = Base64Keys.decode(key, koff, klen, st.keyScratch, 0);
            if (n == 0) {
                error(s, BAD_FORMAT);
                return;
            }
            key = st.keyScratch;
            koff = 0;
            klen = n;
            binary = true;
        }
        if (busy(s)) {
            return;
        }
        MemcachedItems items = s.items();
        // memcached 1.6.18 counts cmd_meta here only, for me
        s.client.server.stats().memcached.metaCmds++;
        Item it = items.peek(s.client, key, koff, klen);
        if (it == null) {
            s.writeLine(EN);
            return;
        }
        binary = items.keyBinary(key, koff, klen);
        long now = now(s);
        st.p = 0;
        put(st, ME);
        if (binary) {
            st.p += Base64Keys.encode(key, koff, klen, st.out, st.p);
        } else {
            put(st, key, koff, klen);
        }
        put(st, EXP);
        long exp = it.expireAtMillis();
        // memcached prints now - exptime: the remaining TTL, negated
        putSigned(st, exp < 0 ? -1 : -ttlSeconds(exp, now));
        put(st, LA);
        long la = it.lastAccessMillis();
        putUnsigned(st, la <= 0 || la > now ? 0 : (now - la) / 1000);
        put(st, CAS);
        putUnsigned(st, it.cas());
        put(st, FETCH);
        put(st, it.fetchedBefore() ? YES : NO);
        put(st, CLS);
        long total = SlabSizes.itemTotal(klen, it.flags(), it.valueLength());
        putUnsigned(st, SlabSizes.classOf(total));
        put(st, SIZE);
        putUnsigned(st, total);
        crlf(st);
        send(s, st, false);
    }

    private static final byte[] ME = ascii("ME ");
    private static final byte[] EXP = ascii(" exp=");
    private static final byte[] LA = ascii(" la=");
    private static final byte[] CAS = ascii(" cas=");
    private static final byte[] FETCH = ascii(" fetch=");
    private static final byte[] YES = ascii("yes");
    private static final byte[] NO = ascii("no");
    private static final byte[] CLS = ascii(" cls=");
    private static final byte[] SIZE = ascii(" size=");
}
