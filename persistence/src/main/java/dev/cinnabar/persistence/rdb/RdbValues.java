package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.SkipList;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.stream.StreamNode;
import dev.cinnabar.datatypes.value.FieldExpiries;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ZSetValue;
import java.util.TreeMap;

/**
 * A value's RDB encoding: the type byte and payload exactly as Redis 7.0.15's rdbSaveObjectType
 * and rdbSaveObject write them for the value's current encoding, and the reverse, giving the
 * value in the encoding Redis 7.0 holds after rdbLoadObject (conversions by the thresholds of
 * {@link RdbLoadSettings}).
 *
 * <p>{@link #read} returns null for an empty value (a list, set, hash or sorted set of no
 * elements: Redis's RDB_LOAD_ERR_EMPTY_KEY), which a file loader skips and RESTORE refuses.
 */
public final class RdbValues {
    private RdbValues() {
    }

    /** The type byte, then the payload. */
    public static void write(RdbOutput out, Object value) {
        if (StringType.isString(value)) {
            out.writeByte(Rdb.TYPE_STRING);
            writeStringValue(out, value);
        } else if (value instanceof ListValue) {
            out.writeByte(Rdb.TYPE_LIST_QUICKLIST_2);
            writeList(out, (ListValue) value);
        } else if (value instanceof SetValue) {
            SetValue s = (SetValue) value;
            if (s.isIntset()) {
                out.writeByte(Rdb.TYPE_SET_INTSET);
                byte[] blob = s.intsetBlob();
                out.writeString(blob, 0, blob.length);
            } else {
                out.writeByte(Rdb.TYPE_SET);
                writeSetDict(out, s);
            }
        } else if (value instanceof ZSetValue) {
            ZSetValue z = (ZSetValue) value;
            if (z.isListpack()) {
                out.writeByte(Rdb.TYPE_ZSET_LISTPACK);
                writeListpack(out, z.listpack());
            } else {
                out.writeByte(Rdb.TYPE_ZSET_2);
                writeSkiplist(out, z.skipList());
            }
        } else if (value instanceof HashValue) {
            HashValue h = (HashValue) value;
            if (h.isListpack() && h.hasExpiries()) {
                out.writeByte(Rdb.TYPE_HASH_LISTPACK_EX);
                writeHashListpackEx(out, h);
            } else if (!h.isListpack() && h.expiringCount() > 0) {
                out.writeByte(Rdb.TYPE_HASH_METADATA);
                writeHashMetadata(out, h);
            } else if (h.isListpack()) {
                out.writeByte(Rdb.TYPE_HASH_LISTPACK);
                writeListpack(out, h.listpack());
            } else {
                out.writeByte(Rdb.TYPE_HASH);
                writeHashDict(out, h);
            }
        } else if (value instanceof StreamValue) {
            out.writeByte(Rdb.TYPE_STREAM_LISTPACKS_2);
            writeStream(out, (StreamValue) value);
        } else {
            throw new IllegalArgumentException("no RDB encoding for " + value.getClass().getName());
        }
    }

    /**
     * A value of RDB type {@code type} (already read), in the encoding Redis holds after loading;
     * null for an empty collection.
     */
    public static Object read(RdbInput in, int type, RdbLoadSettings s) throws RdbFormatException {
        switch (type) {
            case Rdb.TYPE_STRING:
                return StringType.fromBytes(in.readString());
            case Rdb.TYPE_LIST_QUICKLIST_2:
                return readList(in, s);
            case Rdb.TYPE_SET:
                return readSet(in, s);
            case Rdb.TYPE_SET_INTSET:
                return readIntset(in, s);
            case Rdb.TYPE_HASH:
                return readHash(in, s);
            case Rdb.TYPE_HASH_LISTPACK:
                return readHashListpack(in, s);
            case Rdb.TYPE_HASH_LISTPACK_EX:
                return readHashListpackEx(in, s);
            case Rdb.TYPE_HASH_METADATA:
                return readHashMetadata(in, s);
            case Rdb.TYPE_ZSET_2:
                return readZSet(in, s);
            case Rdb.TYPE_ZSET_LISTPACK:
                return readZSetListpack(in, s);
            case Rdb.TYPE_STREAM_LISTPACKS_2:
                return readStream(in, s);
            default:
                return LegacyRdbValues.read(in, type, s);
        }
    }

    // ------------------------------------------------------------------ strings

    private static void writeStringValue(RdbOutput out, Object v) {
        if (v instanceof Long) {
            out.writeString((Long) v);
        } else if (v instanceof byte[]) {
            out.writeString((byte[]) v);
        } else {
            RawString r = (RawString) v;
            out.writeString(r.array(), 0, r.length());
        }
    }

    private static void writeListpack(RdbOutput out, Listpack lp) {
        out.writeString(lp.array(), 0, lp.totalBytes());
    }

    // ------------------------------------------------------------------ lists

    private static void writeList(RdbOutput out, ListValue l) {
        out.writeLength(l.nodes());
        l.forEachNode((plain, compressed, data, length, size) -> writeListNode(out, plain, compressed, data, length, size));
    }

    /** One quicklist node, in the form the list holds it (see {@link dev.cinnabar.datatypes.Quicklist.NodeVisitor}). */
    static void writeListNode(RdbOutput out, boolean plain, boolean compressed, byte[] data, int length, int size) {
        out.writeLength(plain ? Rdb.QUICKLIST_NODE_PLAIN : Rdb.QUICKLIST_NODE_PACKED);
        if (compressed) {
            // Redis's rdbSaveLzfBlob: the node's LZF bytes as they are.
            out.writeByte(Rdb.LEN_ENCODED << 6 | Rdb.ENC_LZF);
            out.writeLength(length);
            out.writeLength(size);
            out.writeBytes(data, 0, length);
        } else {
            out.writeString(data, 0, length);
        }
    }

    private static ListValue readList(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long nodes = in.readLength();
        if (nodes == 0) {
            return null;
        }
        ListValue l = new ListValue(s.listMaxListpackSize, s.listCompressDepth);
        while (nodes-- > 0) {
            long container = in.readLength();
            if (container != Rdb.QUICKLIST_NODE_PACKED && container != Rdb.QUICKLIST_NODE_PLAIN) {
                throw new RdbFormatException("Quicklist integrity check failed.");
            }
            byte[] data = in.readString();
            if (data.length == 0) {
                throw new RdbFormatException("Quicklist node of no bytes");
            }
            if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                l.appendPlainNode(data);
                continue;
            }
            if (!RdbBlobChecks.listpack(data, s.sanitizeBlob())) {
                throw new RdbFormatException("Listpack integrity check failed.");
            }
            if (Listpack.wrap(data).isEmpty()) {
                continue; // Redis skips empty listpacks silently
            }
            l.appendListpackNode(data);
        }
        return l.size() == 0 ? null : l;
    }

    // ------------------------------------------------------------------ sets

    private static void writeSetDict(RdbOutput out, SetValue s) {
        out.writeLength(s.size());
        s.forEachBytes(out::writeString);
    }

    private static SetValue readIntset(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        byte[] blob = in.readString();
        if (!RdbBlobChecks.intset(blob, s.sanitizeBlob())) {
            throw new RdbFormatException("Intset integrity check failed.");
        }
        SetValue set = SetValue.ofIntset(blob);
        if (set.size() > s.setMaxIntsetEntries) {
            set.convertToHashtable();
        }
        return set;
    }

    /** Entries worth allocating a collection's table for before they are read. */
    private static final long PRESIZE_MAX = 1 << 16;

    /**
     * How big to make a collection's table for the {@code len} entries its header announces, as
     * Redis's dictTryExpand on load, so that a big set is not rehashed ten times as it fills. A
     * header can lie: only what a small table costs is allocated before the entries prove it.
     */
    private static long presize(long len) {
        return Math.min(len, PRESIZE_MAX);
    }

    private static SetValue readSet(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        long maxEntries = Math.min(s.setMaxIntsetEntries, 1L << 30);
        SetValue set = len > maxEntries ? SetValue.newHashtable() : SetValue.newIntset();
        set.expand(presize(len));
        boolean intset = set.isIntset();
        for (long i = 0; i < len; i++) {
            byte[] m = in.readString();
            // the intset is never made longer than len <= maxEntries here, so only a
            // non-integer member converts it, as in Redis
            if (!set.add(m, 0, m.length, Long.MAX_VALUE)) {
                throw new RdbFormatException("Duplicate set members detected");
            }
            if (intset && !set.isIntset()) {
                set.expand(presize(len)); // converted: room for all of them at once
                intset = false;
            }
        }
        return set;
    }

    // ------------------------------------------------------------------ hashes

    private static void writeHashDict(RdbOutput out, HashValue h) {
        out.writeLength(h.size());
        h.forEach((f, v) -> {
            out.writeString(f.bytes, f.offset, f.length);
            out.writeString(v.bytes, v.offset, v.length);
        });
    }

    private static HashValue readHashListpack(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        byte[] blob = in.readString();
        if (!RdbBlobChecks.pairsListpack(blob, s.sanitizeBlob())) {
            throw new RdbFormatException("Hash listpack integrity check failed.");
        }
        HashValue h = HashValue.ofListpack(Listpack.wrap(blob));
        if (h.size() == 0) {
            return null;
        }
        if (h.size() > s.hashMaxListpackEntries) {
            h.convertToDict();
        }
        return h;
    }

    private static HashValue readHash(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        HashValue h = new HashValue();
        if (len > s.hashMaxListpackEntries) {
            h.convertToDict();
            h.expand(presize(len));
        }
        while (len-- > 0) {
            byte[] f = in.readString();
            byte[] v = in.readString();
            if (h.isListpack()) {
                long bytes = h.listpack().totalBytes();
                if (bytes + f.length + v.length > HashValue.LISTPACK_MAX_SAFETY_SIZE) {
                    h.convertToDict();
                }
            }
            // Redis accepts a repeated field in the listpack part unless sanitizing deeply;
            // a repeated field is refused here in every case.
            if (h.set(f, v, Long.MAX_VALUE, s.hashMaxListpackValue)) {
                throw new RdbFormatException("Duplicate hash fields detected");
            }
        }
        return h;
    }

    // ------------------------------------------------------------------ hashes with field expiry (Redis 7.4)

    /** Redis 7.4's EB_EXPIRE_TIME_MAX: field times are 48-bit. */
    private static final long FIELD_TIME_MAX = (1L << 48) - 1;

    /**
     * RDB_TYPE_HASH_LISTPACK_EX: the earliest field time (0 for none), then a listpack of field,
     * value and time (0 for none) triplets in the hash's order.
     */
    private static void writeHashListpackEx(RdbOutput out, HashValue h) {
        long min = h.minExpireTime();
        out.writeMillis(min == FieldExpiries.NONE ? 0 : min);
        Listpack lp = new Listpack();
        h.forEach((f, v) -> {
            byte[] fb = f.toBytes();
            lp.append(fb);
            lp.append(v.toBytes());
            long when = h.expireTime(fb, 0, fb.length);
            lp.append(when == FieldExpiries.NONE ? 0 : when);
        });
        writeListpack(out, lp);
    }

    /**
     * RDB_TYPE_HASH_METADATA: the earliest field time, the count, then per field its time as a
     * length (0: none, else 1 + its distance from the earliest), the field and the value.
     */
    private static void writeHashMetadata(RdbOutput out, HashValue h) {
        long min = h.minExpireTime();
        out.writeMillis(min);
        out.writeLength(h.size());
        h.forEach((f, v) -> {
            long when = h.expireTime(f.bytes, f.offset, f.length);
            out.writeLength(when == FieldExpiries.NONE ? 0 : when - min + 1);
            out.writeString(f.bytes, f.offset, f.length);
            out.writeString(v.bytes, v.offset, v.length);
        });
    }

    private static HashValue readHashListpackEx(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        in.readMillis(); // the earliest time, not needed
        byte[] blob = in.readString();
        if (!RdbBlobChecks.listpack(blob, true)) {
            throw new RdbFormatException("Hash listpack integrity check failed.");
        }
        Listpack lp = Listpack.wrap(blob);
        if (lp.size() % 3 != 0) {
            throw new RdbFormatException("Hash listpack integrity check failed.");
        }
        if (lp.size() == 0) {
            return null;
        }
        HashValue h = new HashValue();
        h.enableExpiries();
        for (int p = lp.first(); p >= 0; ) {
            int q = lp.next(p);
            int t = lp.next(q);
            byte[] f = lp.getBytes(p);
            if (!lp.isInteger(t)) {
                throw new RdbFormatException("Hash listpack integrity check failed.");
            }
            long when = lp.integerAt(t);
            if (when < 0 || when > FIELD_TIME_MAX) {
                throw new RdbFormatException("invalid expireAt time");
            }
            if (h.set(f, lp.getBytes(q), Long.MAX_VALUE, Long.MAX_VALUE)) {
                throw new RdbFormatException("Hash with dup elements");
            }
            if (when != 0) {
                h.setExpireTime(f, 0, f.length, when);
            }
            p = lp.next(t);
        }
        if (h.size() > s.hashMaxListpackEntries) {
            h.convertToDict();
        }
        return h;
    }

    private static HashValue readHashMetadata(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long min = in.readMillis();
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        HashValue h = new HashValue();
        h.enableExpiries();
        if (len > s.hashMaxListpackEntries) {
            h.convertToDict();
            h.expand(presize(len));
        }
        while (len-- > 0) {
            long ttl = in.readUnsignedLength();
            long when = ttl != 0 ? ttl + min - 1 : 0;
            if (when < 0 || when > FIELD_TIME_MAX) {
                throw new RdbFormatException("invalid expireAt time");
            }
            byte[] f = in.readString();
            byte[] v = in.readString();
            if (h.set(f, v, Long.MAX_VALUE, s.hashMaxListpackValue)) {
                throw new RdbFormatException("Duplicate hash fields detected");
            }
            if (when != 0) {
                h.setExpireTime(f, 0, f.length, when);
            }
        }
        return h;
    }

    // ------------------------------------------------------------------ sorted sets

    /** Members from the highest score down, each with its score as a binary double. */
    private static void writeSkiplist(RdbOutput out, SkipList zsl) {
        out.writeLength(zsl.length());
        for (int n = zsl.last(); n != SkipList.NIL; n = zsl.previous(n)) {
            byte[] m = zsl.member(n);
            out.writeString(m, 0, m.length);
            out.writeBinaryDouble(zsl.score(n));
        }
    }

    private static ZSetValue readZSetListpack(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        byte[] blob = in.readString();
        if (!RdbBlobChecks.pairsListpack(blob, s.sanitizeBlob())) {
            throw new RdbFormatException("Zset listpack integrity check failed.");
        }
        ZSetValue z = ZSetValue.ofListpack(Listpack.wrap(blob));
        if (z.size() == 0) {
            return null;
        }
        if (z.size() > s.zsetMaxListpackEntries) {
            z.convertToSkiplist();
        }
        return z;
    }

    private static ZSetValue readZSet(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        return readZSet(in, s, true);
    }

    /**
     * RDB_TYPE_ZSET_2 (binary scores) and the older RDB_TYPE_ZSET (scores as text): loaded into a
     * skiplist and turned into a listpack when small enough.
     */
    static ZSetValue readZSet(RdbInput in, RdbLoadSettings s, boolean binaryScores) throws RdbFormatException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        ZSetValue z = ZSetValue.newSkiplist();
        z.expand(presize(len));
        long longest = 0;
        long total = 0;
        while (len-- > 0) {
            byte[] m = in.readString();
            double score = binaryScores ? in.readBinaryDouble() : in.readDoubleText();
            if (Double.isNaN(score)) {
                throw new RdbFormatException("Zset with NAN score detected");
            }
            longest = Math.max(longest, m.length);
            total += m.length;
            if (!z.addLoaded(score, m)) {
                throw new RdbFormatException("Duplicate zset fields detected");
            }
        }
        z.convertToListpackIfNeeded(longest, total, s.zsetMaxListpackEntries, s.zsetMaxListpackValue);
        return z;
    }

    // ------------------------------------------------------------------ streams

    private static void writeStreamId(RdbOutput out, long ms, long seq) {
        out.writeBigEndian(ms, 8);
        out.writeBigEndian(seq, 8);
    }

    private static void writeStream(RdbOutput out, StreamValue st) {
        int nodes = st.index().size();
        out.writeLength(nodes);
        byte[] key = new byte[16];
        for (int i = 0; i < nodes; i++) {
            writeStreamNode(out, st.index().get(i), key);
        }
        writeStreamTail(out, st);
    }

    /** A node of the stream's radix tree: its master ID as the 16-byte key, then its listpack. */
    static void writeStreamNode(RdbOutput out, StreamNode n, byte[] key) {
        for (int b = 0; b < 8; b++) {
            key[b] = (byte) (n.masterMs >>> (56 - 8 * b));
            key[8 + b] = (byte) (n.masterSeq >>> (56 - 8 * b));
        }
        out.writeString(key, 0, 16);
        out.writeString(n.array(), 0, n.totalBytes());
    }

    /** What follows a stream's nodes: its length and IDs, then its consumer groups. */
    static void writeStreamTail(RdbOutput out, StreamValue st) {
        out.writeLength(st.length);
        out.writeLength(st.lastMs);
        out.writeLength(st.lastSeq);
        out.writeLength(st.firstMs);
        out.writeLength(st.firstSeq);
        out.writeLength(st.maxDelMs);
        out.writeLength(st.maxDelSeq);
        out.writeLength(st.entriesAdded);
        out.writeLength(st.groupCount());
        for (StreamGroup g : st.groups().values()) {
            out.writeString(g.name, 0, g.name.length);
            out.writeLength(g.lastMs);
            out.writeLength(g.lastSeq);
            out.writeLength(g.entriesRead);
            out.writeLength(g.pel().size());
            for (StreamNack n : g.pel().values()) {
                writeStreamId(out, n.id.ms, n.id.seq);
                out.writeMillis(n.deliveryTime);
                out.writeLength(n.deliveryCount);
            }
            out.writeLength(g.consumers().size());
            for (StreamConsumer c : g.consumers().values()) {
                out.writeString(c.name, 0, c.name.length);
                out.writeMillis(c.seenTime);
                out.writeLength(c.pending());
                for (StreamId id : c.pel().keySet()) {
                    writeStreamId(out, id.ms, id.seq);
                }
            }
        }
    }

    private static StreamId readStreamId(RdbInput in) throws RdbFormatException {
        long ms = in.readBigEndian(8);
        long seq = in.readBigEndian(8);
        return new StreamId(ms, seq);
    }

    /** A global PEL entry until its consumer is known. */
    private static final class Pending {
        final long deliveryTime;
        final long deliveryCount;
        boolean owned;

        Pending(long deliveryTime, long deliveryCount) {
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }
    }

    private static StreamValue readStream(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        StreamValue st = new StreamValue();
        long nodes = in.readLength();
        StreamId previous = null;
        while (nodes-- > 0) {
            byte[] key = in.readString();
            if (key.length != 16) {
                throw new RdbFormatException("Stream node key entry is not the size of a stream ID");
            }
            long ms = 0;
            long seq = 0;
            for (int b = 0; b < 8; b++) {
                ms = ms << 8 | (key[b] & 0xff);
                seq = seq << 8 | (key[8 + b] & 0xff);
            }
            byte[] lp = in.readString();
            if (!RdbBlobChecks.streamListpack(lp, s.sanitizeBlob())) {
                throw new RdbFormatException("Stream listpack integrity check failed.");
            }
            if (Listpack.wrap(lp).isEmpty()) {
                throw new RdbFormatException("Empty listpack inside stream");
            }
            if (previous != null && previous.compareTo(ms, seq) >= 0) {
                // Redis's rax would sort them (or refuse a repeated key); Redis never writes them so
                throw new RdbFormatException("Listpack re-added with existing key");
            }
            previous = new StreamId(ms, seq);
            st.appendLoadedNode(StreamNode.wrap(ms, seq, lp));
        }
        st.length = in.readUnsignedLength();
        st.lastMs = in.readUnsignedLength();
        st.lastSeq = in.readUnsignedLength();
        st.firstMs = in.readUnsignedLength();
        st.firstSeq = in.readUnsignedLength();
        st.maxDelMs = in.readUnsignedLength();
        st.maxDelSeq = in.readUnsignedLength();
        st.entriesAdded = in.readUnsignedLength();
        if (st.length != 0 && st.index().size() == 0) {
            throw new RdbFormatException("Stream length inconsistent with rax entries");
        }
        long groups = in.readLength();
        while (groups-- > 0) {
            byte[] name = in.readString();
            long lastMs = in.readUnsignedLength();
            long lastSeq = in.readUnsignedLength();
            long entriesRead = in.readUnsignedLength();
            StreamGroup g = st.createGroup(name, lastMs, lastSeq, entriesRead);
            if (g == null) {
                throw new RdbFormatException("Duplicated consumer group name");
            }
            TreeMap<StreamId, Pending> pel = new TreeMap<>();
            long pelSize = in.readLength();
            while (pelSize-- > 0) {
                StreamId id = readStreamId(in);
                long time = in.readMillis();
                long count = in.readUnsignedLength();
                if (pel.put(id, new Pending(time, count)) != null) {
                    throw new RdbFormatException("Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = in.readLength();
            while (consumers-- > 0) {
                byte[] cname = in.readString();
                long seen = in.readMillis();
                StreamConsumer c = g.createConsumer(cname, seen);
                if (c == null) {
                    throw new RdbFormatException("Duplicate stream consumer detected.");
                }
                long owned = in.readLength();
                while (owned-- > 0) {
                    StreamId id = readStreamId(in);
                    Pending p = pel.get(id);
                    if (p == null) {
                        throw new RdbFormatException("Consumer entry not found in group global PEL");
                    }
                    if (p.owned) {
                        throw new RdbFormatException("Duplicated consumer PEL entry loading a stream consumer group");
                    }
                    p.owned = true;
                    StreamNack n = g.addPending(id, c, p.deliveryTime);
                    n.deliveryCount = p.deliveryCount;
                }
            }
            // Redis checks this only when sanitizing deeply, and would keep an entry without a
            // consumer; every pending entry here must have one.
            for (Pending p : pel.values()) {
                if (!p.owned) {
                    throw new RdbFormatException("Stream CG PEL entry without consumer");
                }
            }
        }
        return st;
    }
}
