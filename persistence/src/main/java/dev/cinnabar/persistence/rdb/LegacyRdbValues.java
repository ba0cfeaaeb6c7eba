package dev.cinnabar.persistence.rdb;

import dev.cinnabar.datatypes.Integrity;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.Ziplist;
import dev.cinnabar.datatypes.Zipmap;
import dev.cinnabar.datatypes.stream.StreamConsumer;
import dev.cinnabar.datatypes.stream.StreamGroup;
import dev.cinnabar.datatypes.stream.StreamId;
import dev.cinnabar.datatypes.stream.StreamNack;
import dev.cinnabar.datatypes.stream.StreamNode;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.StreamValue;
import dev.cinnabar.datatypes.value.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.TreeMap;

/**
 * The value types Redis 7.0 reads but no longer writes (ziplists, zipmaps, the first quicklist and
 * stream formats, the old zset with text scores, module types), converted into what Redis 7.0
 * holds after loading (rdbLoadObject). {@link RdbValues#read} hands every type it does not write
 * over to here. Like there, null means an empty value (which a file loader skips and RESTORE
 * refuses).
 *
 * <p>Ziplists and zipmaps are always checked entry by entry, as Redis does whatever
 * sanitize-dump-payload says (it must walk them to convert them anyway); ziplists of pairs (hashes,
 * sorted sets) and zipmaps are refused when a name repeats. A ziplist hash or sorted set becomes
 * a listpack, converted further only when it has more entries than the thresholds allow (Redis does
 * not look at the lengths of the elements there); a zipmap hash also converts when an element is
 * longer than hash-max-listpack-value.
 */
public final class LegacyRdbValues {
    private LegacyRdbValues() {
    }

    /** Redis's limit on a listpack's size (lpSafeToAdd). */
    private static final long LISTPACK_MAX_SAFETY_SIZE = 1L << 30;

    public static Object read(RdbInput in, int type, RdbLoadSettings s) throws RdbFormatException {
        switch (type) {
            case Rdb.TYPE_LIST:
                return readLinkedList(in, s);
            case Rdb.TYPE_ZSET:
                return readZSetText(in, s);
            case Rdb.TYPE_HASH_ZIPMAP:
                return readZipmap(in, s);
            case Rdb.TYPE_LIST_ZIPLIST:
                return readListZiplist(in, s);
            case Rdb.TYPE_ZSET_ZIPLIST:
                return readZSetZiplist(in, s);
            case Rdb.TYPE_HASH_ZIPLIST:
                return readHashZiplist(in, s);
            case Rdb.TYPE_LIST_QUICKLIST:
                return readQuicklist(in, s);
            case Rdb.TYPE_STREAM_LISTPACKS:
                return readStream(in, s);
            case Rdb.TYPE_MODULE:
            case Rdb.TYPE_MODULE_2:
                throw new RdbFormatException("The RDB file contains module data I can't load: no matching module type '"
                    + moduleTypeName(in.readUnsignedLength()) + "'");
            default:
                throw new RdbFormatException("Unknown RDB encoding type " + type);
        }
    }

    private static final String MODULE_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** The 9-character type name in a module type ID (its top 54 bits; the low 10 are the version). */
    static String moduleTypeName(long id) {
        char[] name = new char[9];
        id >>>= 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_NAME_CHARS.charAt((int) (id & 63));
            id >>>= 6;
        }
        return new String(name);
    }

    // ------------------------------------------------------------------ lists

    /** RDB_TYPE_LIST: a length, then the elements, pushed into a quicklist one by one. */
    private static ListValue readLinkedList(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        ListValue l = new ListValue(s.listMaxListpackSize, s.listCompressDepth);
        while (len-- > 0) {
            byte[] e = in.readString();
            l.pushTail(e, 0, e.length);
        }
        return l;
    }

    /** RDB_TYPE_LIST_ZIPLIST: one ziplist whose elements are pushed into a quicklist. */
    private static ListValue readListZiplist(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        byte[] zl = in.readString();
        ListValue l = new ListValue(s.listMaxListpackSize, s.listCompressDepth);
        boolean ok = Ziplist.validate(zl, true, (e, n) -> {
            if (e.isInteger) {
                byte[] digits = e.toBytes();
                l.pushTail(digits, 0, digits.length);
            } else {
                l.pushTail(e.bytes, e.offset, e.length);
            }
            return true;
        });
        if (!ok) {
            throw new RdbFormatException("List ziplist integrity check failed.");
        }
        return l.size() == 0 ? null : l;
    }

    /**
     * RDB_TYPE_LIST_QUICKLIST: nodes that are ziplists, each becoming one listpack node as it is
     * (no re-split by list-max-listpack-size); empty ones are skipped.
     */
    private static ListValue readQuicklist(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        long nodes = in.readLength();
        if (nodes == 0) {
            return null;
        }
        ListValue l = new ListValue(s.listMaxListpackSize, s.listCompressDepth);
        while (nodes-- > 0) {
            byte[] zl = in.readString();
            if (zl.length == 0) {
                throw new RdbFormatException("Quicklist node of no bytes");
            }
            Listpack lp = Ziplist.toListpack(zl);
            if (lp == null) {
                throw new RdbFormatException("Ziplist integrity check failed.");
            }
            if (lp.isEmpty()) {
                continue;
            }
            l.appendListpackNode(lp.toByteArray());
        }
        return l.size() == 0 ? null : l;
    }

    // ------------------------------------------------------------------ hashes

    /** RDB_TYPE_HASH_ZIPMAP (Redis 2.4 and older). */
    private static HashValue readZipmap(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        byte[] zm = in.readString();
        if (!Zipmap.validate(zm, true)) {
            throw new RdbFormatException("Zipmap integrity check failed.");
        }
        Listpack lp = new Listpack();
        HashSet<String> fields = new HashSet<>();
        long[] longest = {0};
        boolean ok = Zipmap.forEach(zm, (b, fo, fl, vo, vl) -> {
            longest[0] = Math.max(longest[0], Math.max(fl, vl));
            if (!fields.add(new String(b, fo, fl, StandardCharsets.ISO_8859_1))
                    || lp.totalBytes() + (long) fl + vl > LISTPACK_MAX_SAFETY_SIZE) {
                return false;
            }
            lp.append(b, fo, fl);
            lp.append(b, vo, vl);
            return true;
        });
        if (!ok) {
            throw new RdbFormatException("Hash zipmap with dup elements, or big length");
        }
        lp.trimToSize();
        HashValue h = HashValue.ofListpack(lp);
        if (h.size() > s.hashMaxListpackEntries || longest[0] > s.hashMaxListpackValue) {
            h.convertToDict();
        }
        return h;
    }

    /** RDB_TYPE_HASH_ZIPLIST. */
    private static HashValue readHashZiplist(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        Listpack lp = Ziplist.pairsToListpack(in.readString());
        if (lp == null) {
            throw new RdbFormatException("Hash ziplist integrity check failed.");
        }
        HashValue h = HashValue.ofListpack(lp);
        if (h.size() == 0) {
            return null;
        }
        if (h.size() > s.hashMaxListpackEntries) {
            h.convertToDict();
        } else {
            lp.trimToSize();
        }
        return h;
    }

    // ------------------------------------------------------------------ sorted sets

    /** RDB_TYPE_ZSET_ZIPLIST. */
    private static ZSetValue readZSetZiplist(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        Listpack lp = Ziplist.pairsToListpack(in.readString());
        if (lp == null) {
            throw new RdbFormatException("Zset ziplist integrity check failed.");
        }
        ZSetValue z = ZSetValue.ofListpack(lp);
        if (z.size() == 0) {
            return null;
        }
        if (z.size() > s.zsetMaxListpackEntries) {
            z.convertToSkiplist();
        } else {
            lp.trimToSize();
        }
        return z;
    }

    /**
     * RDB_TYPE_ZSET: members with scores as text (a length byte, or 253/254/255 for nan, inf,
     * -inf); otherwise as RDB_TYPE_ZSET_2.
     */
    private static ZSetValue readZSetText(RdbInput in, RdbLoadSettings s) throws RdbFormatException {
        return RdbValues.readZSet(in, s, false);
    }

    // ------------------------------------------------------------------ streams

    /**
     * RDB_TYPE_STREAM_LISTPACKS (Redis 5.0 to 6.2): as the 7.0 form without the first ID, the
     * largest deleted ID, the entries-added counter and the groups' entries-read, which are
     * derived as Redis 7.0 derives them: entries added = length, the first ID from the first live
     * entry, each group's entries-read estimated from its last delivered ID.
     */
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
            // Walked deeply whatever the setting: the stream code trusts its nodes' layout.
            if (!Integrity.streamListpack(lp, true)) {
                throw new RdbFormatException("Stream listpack integrity check failed.");
            }
            if (previous != null && previous.compareTo(ms, seq) >= 0) {
                throw new RdbFormatException("Listpack re-added with existing key");
            }
            previous = new StreamId(ms, seq);
            st.appendLoadedNode(StreamNode.wrap(ms, seq, lp));
        }
        st.length = in.readUnsignedLength();
        st.lastMs = in.readUnsignedLength();
        st.lastSeq = in.readUnsignedLength();
        st.maxDelMs = 0;
        st.maxDelSeq = 0;
        st.entriesAdded = st.length;
        StreamId first = st.edgeId(true, true);
        st.firstMs = first.ms;
        st.firstSeq = first.seq;
        if (st.length != 0 && st.index().size() == 0) {
            throw new RdbFormatException("Stream length inconsistent with rax entries");
        }
        long groups = in.readLength();
        while (groups-- > 0) {
            byte[] name = in.readString();
            long lastMs = in.readUnsignedLength();
            long lastSeq = in.readUnsignedLength();
            StreamGroup g = st.createGroup(name, lastMs, lastSeq, st.estimateDistance(lastMs, lastSeq));
            if (g == null) {
                throw new RdbFormatException("Duplicated consumer group name");
            }
            readGroupPel(in, g);
        }
        return st;
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

    /** The group's pending entries and consumers, the same in both stream formats. */
    private static void readGroupPel(RdbInput in, StreamGroup g) throws RdbFormatException {
        TreeMap<StreamId, Pending> pel = new TreeMap<>();
        long pelSize = in.readLength();
        while (pelSize-- > 0) {
            StreamId id = new StreamId(in.readBigEndian(8), in.readBigEndian(8));
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
                StreamId id = new StreamId(in.readBigEndian(8), in.readBigEndian(8));
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
        // Redis checks this only when sanitizing deeply and would otherwise keep an entry without
        // a consumer, which later commands trip over; it is refused in every case here.
        for (Pending p : pel.values()) {
            if (!p.owned) {
                throw new RdbFormatException("Stream CG PEL entry without consumer");
            }
        }
    }
}
