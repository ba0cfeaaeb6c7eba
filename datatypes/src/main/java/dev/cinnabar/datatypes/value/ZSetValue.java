package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.LexRange;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.MemberIndex;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.ScoreRange;
import dev.cinnabar.datatypes.SkipList;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A sorted set, in Redis's two encodings: a {@link Listpack} of member and score entries in turn,
 * ordered by score then member, while small; then a {@link SkipList} for order and ranks plus a
 * {@link MemberIndex} from member to its node, and never back (commands that build a new set,
 * such as the STORE forms, pick its encoding from its size). The thresholds come from the caller
 * ({@code zset-max-listpack-entries} and {@code -value}); this class applies them as Redis's
 * zsetAdd does.
 *
 * <p>In the listpack a score is an integer entry when the double is an integer of magnitude at
 * most 2^62, else its {@code %.17g} text, as Redis writes it. Members are handed to visitors as a
 * {@link Listpack.Entry} (an integer, or bytes at an offset) that is only valid during the call.
 *
 * <p>The heap figure is kept as the set changes, so that {@link ZSetType#heapSize} is O(1).
 */
public final class ZSetValue implements TypedValue {
    /** Input flags of {@link #add}: Redis's ZADD_IN_*. */
    public static final int NX = 1;
    public static final int XX = 2;
    public static final int GT = 4;
    public static final int LT = 8;
    public static final int INCR = 16;

    /** Output flags of {@link #add}: Redis's ZADD_OUT_*. */
    public static final int ADDED = 1;
    public static final int UPDATED = 2;
    /** Nothing done, because of NX, XX, GT or LT. */
    public static final int NOP = 4;
    /** The score (or the incremented score) is NaN: nothing done, Redis answers an error. */
    public static final int NAN = 8;

    /** Above this many bytes a listpack is not grown further (Redis's LISTPACK_MAX_SAFETY_SIZE). */
    public static final long LISTPACK_MAX_SAFETY_SIZE = 1L << 30;

    /** This object: header and one reference. */
    static final int OBJECT = 16;
    /** {@link Listpack}: header and its array reference. */
    static final int LISTPACK_OBJECT = 16;
    /** {@link Skip}: header, two references, a long. */
    static final int SKIP_FORM = 32;

    /** A {@link Listpack}, or a {@link Skip} once converted. */
    private Object repr;

    /** The skiplist form: the list, its index by member, and the heap bytes of the members. */
    private static final class Skip {
        final SkipList zsl;
        final MemberIndex index;
        long bytes;

        Skip() {
            zsl = new SkipList();
            index = new MemberIndex(zsl);
        }

        /** A copy of {@code from}'s arrays; the index chains through the copied nodes' words. */
        Skip(Skip from) {
            zsl = from.zsl.copy();
            index = new MemberIndex(zsl, from.index);
            bytes = from.bytes;
        }
    }

    private ZSetValue(Object repr) {
        this.repr = repr;
    }

    /** An empty sorted set in listpack form. */
    public static ZSetValue newListpack() {
        return new ZSetValue(new Listpack());
    }

    /** An empty sorted set in skiplist form. */
    public static ZSetValue newSkiplist() {
        return new ZSetValue(new Skip());
    }

    /**
     * The empty set ZADD creates for its first member (Redis's zaddGenericCommand): skiplist when
     * {@code maxEntries} is 0 or the first member is longer than {@code maxValue}, else listpack.
     */
    public static ZSetValue forFirstMember(int firstMemberLength, long maxEntries, long maxValue) {
        return maxEntries == 0 || firstMemberLength > maxValue ? newSkiplist() : newListpack();
    }

    /**
     * The empty set a command that stores a result of {@code length} members starts with
     * (ZRANGESTORE, Redis's zrangeResultBeginStore): skiplist above {@code maxEntries}, else
     * listpack; adding the members may still convert it (a long member).
     */
    public static ZSetValue forLength(long length, long maxEntries) {
        return length > maxEntries ? newSkiplist() : newListpack();
    }

    /** A sorted set holding the given listpack (as an RDB file stores it); the listpack is kept. */
    public static ZSetValue ofListpack(Listpack lp) {
        return new ZSetValue(lp);
    }

    @Override
    public ValueType type() {
        return ZSetType.TYPE;
    }

    public boolean isListpack() {
        return repr instanceof Listpack;
    }

    /** The listpack while in that form (RDB writer, DEBUG LISTPACK), else null. */
    public Listpack listpack() {
        return repr instanceof Listpack ? (Listpack) repr : null;
    }

    /** The member-to-node index in skiplist form, else null. Callers must not modify the set through it. */
    public MemberIndex index() {
        return repr instanceof Skip ? ((Skip) repr).index : null;
    }

    /**
     * Room for {@code members} at once in skiplist form, as loading a set of a known size wants
     * (Redis's dictExpand): the index's buckets and the skiplist's pages. Nothing in listpack form.
     */
    public void expand(long members) {
        if (repr instanceof Skip) {
            Skip s = (Skip) repr;
            s.index.expand(members);
            s.zsl.reserve(members - s.zsl.length());
        }
    }

    /**
     * Adds a member that a load brings, in skiplist form, keeping {@code member} itself (the
     * caller's array, not to be used again); false when it is there already.
     */
    public boolean addLoaded(double score, byte[] member) {
        Skip s = (Skip) repr;
        int hash = s.index.hashOf(member, 0, member.length);
        if (s.index.find(member, 0, member.length, hash) != SkipList.NIL) {
            return false;
        }
        skipAdd(s, member, hash, score);
        return true;
    }

    /** The skiplist in skiplist form, else null. Callers must not modify it. */
    public SkipList skipList() {
        return repr instanceof Skip ? ((Skip) repr).zsl : null;
    }

    public int size() {
        return repr instanceof Listpack ? ((Listpack) repr).size() / 2 : ((Skip) repr).zsl.length();
    }

    /** Receives a member and its score; the entry is reused from call to call. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Listpack.Entry member, double score);
    }

    // ------------------------------------------------------------------ scores in listpacks

    /** Redis's double2ll: the long equal to {@code d} when |d| <= 2^62 and d is an integer. */
    public static boolean isLongScore(double d) {
        if (d < -4611686018427387903.0 || d > 4611686018427387903.0) {
            return false;
        }
        return (long) d == d;
    }

    private static double lpScore(Listpack lp, int sp, Listpack.Entry tmp) {
        lp.get(sp, tmp);
        if (tmp.isInteger) {
            return tmp.value;
        }
        double d = Doubles.parseStrtod(tmp.bytes, tmp.offset, tmp.length);
        return d == d ? d : textScorePrefix(tmp.bytes, tmp.offset, tmp.length);
    }

    /**
     * A score stored as text that is not a whole number (only a loaded listpack can hold one):
     * Redis's zzlStrtod reads the longest number at its start, within 127 bytes, 0 when none.
     */
    private static double textScorePrefix(byte[] b, int off, int len) {
        for (int k = Math.min(len, 127); k > 0; k--) {
            double d = Doubles.parseStrtod(b, off, k);
            if (d == d) {
                return d;
            }
        }
        return 0;
    }

    private static int lpCompare(Listpack lp, int ep, Listpack.Entry tmp, byte[] s, int off, int len) {
        lp.get(ep, tmp);
        if (tmp.isInteger) {
            byte[] digits = Numbers.toBytes(tmp.value);
            return Arrays.compareUnsigned(digits, 0, digits.length, s, off, off + len);
        }
        return Arrays.compareUnsigned(tmp.bytes, tmp.offset, tmp.offset + tmp.length, s, off, off + len);
    }

    /** The member at {@code ep} as bytes for comparisons (a new array only for integers). */
    private static byte[] lpMemberForCompare(Listpack lp, int ep, Listpack.Entry tmp) {
        lp.get(ep, tmp);
        if (tmp.isInteger) {
            return Numbers.toBytes(tmp.value);
        }
        if (tmp.offset == 0 && tmp.length == tmp.bytes.length) {
            return tmp.bytes;
        }
        return Arrays.copyOfRange(tmp.bytes, tmp.offset, tmp.offset + tmp.length);
    }

    /** Inserts a pair at its place (Redis's zzlInsert): before the first greater (score, member). */
    private static void lpInsert(Listpack lp, byte[] m, int off, int len, double score) {
        Listpack.Entry tmp = new Listpack.Entry();
        int ep = lp.first();
        while (ep >= 0) {
            int sp = lp.next(ep);
            double s = lpScore(lp, sp, tmp);
            if (s > score || (s == score && lpCompare(lp, ep, tmp, m, off, len) > 0)) {
                break;
            }
            ep = lp.next(sp);
        }
        int mp = ep < 0 ? lp.append(m, off, len) : lp.insert(ep, Listpack.BEFORE, m, off, len);
        if (isLongScore(score)) {
            lp.insert(mp, Listpack.AFTER, (long) score);
        } else {
            lp.insert(mp, Listpack.AFTER, Doubles.format17g(score));
        }
    }

    private static int lpFind(Listpack lp, byte[] m, int off, int len) {
        int p = lp.first();
        return p < 0 ? -1 : lp.find(p, m, off, len, 1);
    }

    // ------------------------------------------------------------------ heap figures

    private static long memberBytes(byte[] member) {
        return JvmSizes.byteArray(member.length);
    }

    /** The heap figure: this object and what only it holds. */
    long heapSize() {
        if (repr instanceof Listpack) {
            return OBJECT + LISTPACK_OBJECT + JvmSizes.byteArray(((Listpack) repr).capacity());
        }
        Skip s = (Skip) repr;
        return OBJECT + SKIP_FORM + s.zsl.heapBytes() + s.index.heapBytes() + s.bytes;
    }

    // ------------------------------------------------------------------ conversion

    /** Moves every pair into a skiplist and its index (Redis's zsetConvert to skiplist). */
    public void convertToSkiplist() {
        Listpack lp = listpack();
        if (lp == null) {
            return;
        }
        Skip s = new Skip();
        Listpack.Entry tmp = new Listpack.Entry();
        for (int ep = lp.first(); ep >= 0; ) {
            int sp = lp.next(ep);
            double score = lpScore(lp, sp, tmp);
            byte[] member = lp.getBytes(ep);
            // A member twice can only come from a payload loaded without sanitization (Redis
            // crashes converting it); the first one, which lookups found, is kept.
            int hash = s.index.hashOf(member, 0, member.length);
            if (s.index.find(member, 0, member.length, hash) == SkipList.NIL) {
                skipAdd(s, member, hash, score);
            }
            ep = lp.next(sp);
        }
        repr = s;
    }

    private static void skipAdd(Skip s, byte[] owned, int hash, double score) {
        s.index.add(s.zsl.insert(score, owned), hash);
        s.bytes += memberBytes(owned);
    }

    /**
     * Redis's zsetConvertToListpackIfNeeded, for a result a command built in skiplist form: back
     * to a listpack when it has at most {@code maxEntries} members, none longer than
     * {@code maxValue} ({@code longest} is the caller's figure) and {@code totalLength} bytes of
     * members fit a listpack.
     */
    public void convertToListpackIfNeeded(long longest, long totalLength, long maxEntries, long maxValue) {
        if (!(repr instanceof Skip)) {
            return;
        }
        Skip s = (Skip) repr;
        if (s.zsl.length() <= maxEntries && longest <= maxValue && totalLength <= LISTPACK_MAX_SAFETY_SIZE) {
            Listpack lp = new Listpack();
            SkipList zsl = s.zsl;
            for (int n = zsl.first(); n != SkipList.NIL; n = zsl.next(n)) {
                lp.append(zsl.member(n));
                double score = zsl.score(n);
                if (isLongScore(score)) {
                    lp.append((long) score);
                } else {
                    lp.append(Doubles.format17g(score));
                }
            }
            repr = lp;
        }
    }

    // ------------------------------------------------------------------ reading

    /** The member's score, or NaN when it is absent (a stored score is never NaN). */
    public double score(byte[] m, int off, int len) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int ep = lpFind(lp, m, off, len);
            return ep < 0 ? Double.NaN : lpScore(lp, lp.next(ep), new Listpack.Entry());
        }
        Skip s = (Skip) repr;
        int node = s.index.find(m, off, len);
        return node == SkipList.NIL ? Double.NaN : s.zsl.score(node);
    }

    public double score(byte[] m) {
        return score(m, 0, m.length);
    }

    public boolean contains(byte[] m, int off, int len) {
        return !Double.isNaN(score(m, off, len));
    }

    /** The member's 0-based rank (from the highest score with {@code reverse}), or -1 when absent. */
    public long rank(byte[] m, int off, int len, boolean reverse) {
        int n = size();
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            long rank = 0;
            for (int ep = lp.first(); ep >= 0; ) {
                if (lp.equalsAt(ep, m, off, len)) {
                    return reverse ? n - 1 - rank : rank;
                }
                rank++;
                ep = lp.next(lp.next(ep));
            }
            return -1;
        }
        Skip s = (Skip) repr;
        int node = s.index.find(m, off, len);
        if (node == SkipList.NIL) {
            return -1;
        }
        long r = s.zsl.rank(node);
        return reverse ? n - r : r - 1;
    }

    /** Visits every member in order (lowest score first). */
    public void forEach(Visitor v) {
        int n = size();
        if (n > 0) {
            rangeByRank(0, n - 1, false, v);
        }
    }

    /**
     * Visits every member from the highest score down: the order Redis's zset iterator for
     * ZUNION/ZINTER/ZDIFF and ZRANDMEMBER (whole set) walks a sorted set in.
     */
    public void forEachReverse(Visitor v) {
        int n = size();
        if (n > 0) {
            rangeByRank(0, n - 1, true, v);
        }
    }

    /**
     * Visits the members of 0-based ranks {@code start} to {@code end} (both included, already
     * within {@code [0, size)}, start <= end), in order, or from the highest with {@code reverse}
     * (ranks then count from the highest).
     */
    public void rangeByRank(long start, long end, boolean reverse, Visitor v) {
        long count = end - start + 1;
        Listpack.Entry member = new Listpack.Entry();
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            if (reverse) {
                int ep = lp.seek(-2 - 2 * start);
                while (ep >= 0 && count-- > 0) {
                    double score = lpScore(lp, lp.next(ep), tmp);
                    v.visit(lp.get(ep, member), score);
                    int prev = lp.prev(ep);
                    ep = prev < 0 ? -1 : lp.prev(prev);
                }
            } else {
                int ep = lp.seek(2 * start);
                while (ep >= 0 && count-- > 0) {
                    int sp = lp.next(ep);
                    double score = lpScore(lp, sp, tmp);
                    v.visit(lp.get(ep, member), score);
                    ep = lp.next(sp);
                }
            }
            return;
        }
        SkipList zsl = ((Skip) repr).zsl;
        int n;
        if (reverse) {
            n = start > 0 ? zsl.byRank(zsl.length() - start) : zsl.last();
        } else {
            n = start > 0 ? zsl.byRank(start + 1) : zsl.first();
        }
        while (n != SkipList.NIL && count-- > 0) {
            v.visit(entryOf(member, zsl.member(n)), zsl.score(n));
            n = reverse ? zsl.previous(n) : zsl.next(n);
        }
    }

    static Listpack.Entry entryOf(Listpack.Entry e, byte[] b) {
        e.isInteger = false;
        e.value = 0;
        e.bytes = b;
        e.offset = 0;
        e.length = b.length;
        return e;
    }

    // ---- listpack range helpers (Redis's zzl*InRange)

    private static boolean lpAnyInRange(Listpack lp, ScoreRange r, Listpack.Entry tmp) {
        if (r.isEmpty() || lp.isEmpty()) {
            return false;
        }
        if (!r.aboveMin(lpScore(lp, lp.last(), tmp))) {
            return false;
        }
        return r.belowMax(lpScore(lp, lp.next(lp.first()), tmp));
    }

    private static int lpFirstInRange(Listpack lp, ScoreRange r, Listpack.Entry tmp) {
        if (!lpAnyInRange(lp, r, tmp)) {
            return -1;
        }
        for (int ep = lp.first(); ep >= 0; ) {
            int sp = lp.next(ep);
            double s = lpScore(lp, sp, tmp);
            if (r.aboveMin(s)) {
                return r.belowMax(s) ? ep : -1;
            }
            ep = lp.next(sp);
        }
        return -1;
    }

    private static int lpLastInRange(Listpack lp, ScoreRange r, Listpack.Entry tmp) {
        if (!lpAnyInRange(lp, r, tmp)) {
            return -1;
        }
        for (int sp = lp.last(); sp >= 0; ) {
            int ep = lp.prev(sp);
            double s = lpScore(lp, sp, tmp);
            if (r.belowMax(s)) {
                return r.aboveMin(s) ? ep : -1;
            }
            sp = lp.prev(ep);
        }
        return -1;
    }

    private static boolean lpAnyInLexRange(Listpack lp, LexRange r, Listpack.Entry tmp) {
        if (r.isEmpty() || lp.isEmpty()) {
            return false;
        }
        if (!r.aboveMin(lpMemberForCompare(lp, lp.prev(lp.last()), tmp))) {
            return false;
        }
        return r.belowMax(lpMemberForCompare(lp, lp.first(), tmp));
    }

    private static int lpFirstInLexRange(Listpack lp, LexRange r, Listpack.Entry tmp) {
        if (!lpAnyInLexRange(lp, r, tmp)) {
            return -1;
        }
        for (int ep = lp.first(); ep >= 0; ep = lp.next(lp.next(ep))) {
            byte[] m = lpMemberForCompare(lp, ep, tmp);
            if (r.aboveMin(m)) {
                return r.belowMax(m) ? ep : -1;
            }
        }
        return -1;
    }

    private static int lpLastInLexRange(Listpack lp, LexRange r, Listpack.Entry tmp) {
        if (!lpAnyInLexRange(lp, r, tmp)) {
            return -1;
        }
        for (int sp = lp.last(); sp >= 0; ) {
            int ep = lp.prev(sp);
            byte[] m = lpMemberForCompare(lp, ep, tmp);
            if (r.belowMax(m)) {
                return r.aboveMin(m) ? ep : -1;
            }
            sp = lp.prev(ep);
        }
        return -1;
    }

    /**
     * Visits the members with a score in the range, lowest first (highest first with
     * {@code reverse}), skipping the first {@code offset} (>= 0) of them and stopping after
     * {@code limit} (a negative limit: no limit). Returns how many were visited.
     */
    public long rangeByScore(ScoreRange r, boolean reverse, long offset, long limit, Visitor v) {
        Listpack.Entry member = new Listpack.Entry();
        long visited = 0;
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            int ep = reverse ? lpLastInRange(lp, r, tmp) : lpFirstInRange(lp, r, tmp);
            while (ep >= 0 && offset-- > 0) {
                ep = lpStep(lp, ep, reverse);
            }
            while (ep >= 0 && limit-- != 0) {
                double s = lpScore(lp, lp.next(ep), tmp);
                if (reverse ? !r.aboveMin(s) : !r.belowMax(s)) {
                    break;
                }
                v.visit(lp.get(ep, member), s);
                visited++;
                ep = lpStep(lp, ep, reverse);
            }
            return visited;
        }
        return skipRange(((Skip) repr).zsl, r, reverse, offset, limit, v, member);
    }

    /** The member entry after (or before, with {@code reverse}) the one at {@code ep}, or -1. */
    private static int lpStep(Listpack lp, int ep, boolean reverse) {
        if (reverse) {
            int sp = lp.prev(ep);
            return sp < 0 ? -1 : lp.prev(sp);
        }
        return lp.next(lp.next(ep));
    }

    /** {@link #rangeByScore} for a range of members (meaningful when the scores are all equal). */
    public long rangeByLex(LexRange r, boolean reverse, long offset, long limit, Visitor v) {
        Listpack.Entry member = new Listpack.Entry();
        long visited = 0;
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            int ep = reverse ? lpLastInLexRange(lp, r, tmp) : lpFirstInLexRange(lp, r, tmp);
            while (ep >= 0 && offset-- > 0) {
                ep = lpStep(lp, ep, reverse);
            }
            while (ep >= 0 && limit-- != 0) {
                byte[] m = lpMemberForCompare(lp, ep, tmp);
                if (reverse ? !r.aboveMin(m) : !r.belowMax(m)) {
                    break;
                }
                double s = lpScore(lp, lp.next(ep), tmp);
                v.visit(lp.get(ep, member), s);
                visited++;
                ep = lpStep(lp, ep, reverse);
            }
            return visited;
        }
        return skipRange(((Skip) repr).zsl, r, reverse, offset, limit, v, member);
    }

    /** The skiplist half of {@link #rangeByScore} and {@link #rangeByLex}: one walk for both. */
    private static long skipRange(SkipList zsl, SkipList.Range r, boolean reverse, long offset, long limit, Visitor v,
            Listpack.Entry member) {
        int n = reverse ? zsl.lastInRange(r) : zsl.firstInRange(r);
        while (n != SkipList.NIL && offset-- > 0) {
            n = reverse ? zsl.previous(n) : zsl.next(n);
        }
        long visited = 0;
        while (n != SkipList.NIL && limit-- != 0) {
            if (reverse ? !r.aboveMin(zsl, n) : !r.belowMax(zsl, n)) {
                break;
            }
            v.visit(entryOf(member, zsl.member(n)), zsl.score(n));
            visited++;
            n = reverse ? zsl.previous(n) : zsl.next(n);
        }
        return visited;
    }

    /** How many members have a score in the range (ZCOUNT). */
    public long countByScore(ScoreRange r) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            long count = 0;
            for (int ep = lpFirstInRange(lp, r, tmp); ep >= 0; ep = lpStep(lp, ep, false)) {
                if (!r.belowMax(lpScore(lp, lp.next(ep), tmp))) {
                    break;
                }
                count++;
            }
            return count;
        }
        return skipCount(((Skip) repr).zsl, r);
    }

    /** How many members are in the range (ZLEXCOUNT). */
    public long countByLex(LexRange r) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            long count = 0;
            for (int ep = lpFirstInLexRange(lp, r, tmp); ep >= 0; ep = lpStep(lp, ep, false)) {
                if (!r.belowMax(lpMemberForCompare(lp, ep, tmp))) {
                    break;
                }
                count++;
            }
            return count;
        }
        return skipCount(((Skip) repr).zsl, r);
    }

    /** The skiplist half of {@link #countByScore} and {@link #countByLex}: ranks of the ends. */
    private static long skipCount(SkipList zsl, SkipList.Range r) {
        int first = zsl.firstInRange(r);
        if (first == SkipList.NIL) {
            return 0;
        }
        return zsl.rank(zsl.lastInRange(r)) - zsl.rank(first) + 1;
    }

    /**
     * One random member, uniformly: by position in a listpack, by rank in a skiplist (Redis
     * samples its dict's buckets instead, which only approaches uniform). The set must not be
     * empty.
     */
    public void randomElement(RandomGenerator random, Visitor v) {
        Listpack.Entry member = new Listpack.Entry();
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int i = random.nextInt(lp.size() / 2);
            int ep = lp.seek(2L * i);
            double s = lpScore(lp, lp.next(ep), new Listpack.Entry());
            v.visit(lp.get(ep, member), s);
            return;
        }
        Skip s = (Skip) repr;
        int n = s.zsl.byRank(1 + random.nextInt(s.zsl.length()));
        v.visit(entryOf(member, s.zsl.member(n)), s.zsl.score(n));
    }

    /**
     * One step of ZSCAN: a listpack is visited whole and the answer is 0; a skiplist set visits
     * the index's buckets at {@code cursor} and returns the next cursor (0 when done).
     */
    public long scan(long cursor, Visitor v) {
        if (repr instanceof Listpack) {
            forEach(v);
            return 0;
        }
        Listpack.Entry member = new Listpack.Entry();
        Skip s = (Skip) repr;
        return s.index.scan(cursor, n -> v.visit(entryOf(member, s.zsl.member(n)), s.zsl.score(n)));
    }

    // ------------------------------------------------------------------ writing

    /**
     * Redis's zsetAdd: adds {@code m} with {@code score}, or updates its score, under the input
     * flags ({@link #NX}, {@link #XX}, {@link #GT}, {@link #LT}, {@link #INCR}). A new member
     * converts a listpack first when it would hold more than {@code maxEntries} members, or the
     * member is longer than {@code maxValue}. Returns the output flags ({@link #ADDED},
     * {@link #UPDATED}, {@link #NOP}, {@link #NAN}, or 0 when the score was already that); the
     * resulting score goes in {@code newScore[0]} (when given) unless NOP or NAN.
     */
    public int add(double score, byte[] m, int off, int len, int flags, long maxEntries, long maxValue,
            double[] newScore) {
        return add(score, m, off, len, flags, maxEntries, maxValue, newScore, null);
    }

    /**
     * {@link #add(double, byte[], int, int, int, long, long, double[])}, running
     * {@code beforeChange} (when not null) just before the set is modified, and not at all when
     * nothing changes: where a command opens its write bracket ({@code Db.beforeChange}).
     */
    public int add(double score, byte[] m, int off, int len, int flags, long maxEntries, long maxValue,
            double[] newScore, Runnable beforeChange) {
        boolean incr = (flags & INCR) != 0;
        boolean nx = (flags & NX) != 0;
        boolean xx = (flags & XX) != 0;
        boolean gt = (flags & GT) != 0;
        boolean lt = (flags & LT) != 0;
        if (Double.isNaN(score)) {
            return NAN;
        }
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int ep = lpFind(lp, m, off, len);
            if (ep >= 0) {
                if (nx) {
                    return NOP;
                }
                double cur = lpScore(lp, lp.next(ep), new Listpack.Entry());
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        return NAN;
                    }
                }
                if ((lt && score >= cur) || (gt && score <= cur)) {
                    return NOP;
                }
                if (newScore != null) {
                    newScore[0] = score;
                }
                if (score != cur) {
                    notify(beforeChange);
                    lp.deleteRange(ep, 2);
                    lpInsert(lp, m, off, len, score);
                    return UPDATED;
                }
                return 0;
            }
            if (xx) {
                return NOP;
            }
            notify(beforeChange);
            if (lp.size() / 2 + 1 > maxEntries || len > maxValue || lp.totalBytes() + (long) len > LISTPACK_MAX_SAFETY_SIZE) {
                convertToSkiplist();
            } else {
                lpInsert(lp, m, off, len, score);
                if (newScore != null) {
                    newScore[0] = score;
                }
                return ADDED;
            }
        }
        Skip s = (Skip) repr;
        int hash = s.index.hashOf(m, off, len);
        int node = s.index.find(m, off, len, hash);
        if (node != SkipList.NIL) {
            if (nx) {
                return NOP;
            }
            double cur = s.zsl.score(node);
            if (incr) {
                score += cur;
                if (Double.isNaN(score)) {
                    return NAN;
                }
            }
            if ((lt && score >= cur) || (gt && score <= cur)) {
                return NOP;
            }
            if (newScore != null) {
                newScore[0] = score;
            }
            if (score != cur) {
                notify(beforeChange);
                s.zsl.updateScore(node, score);
                return UPDATED;
            }
            return 0;
        }
        if (xx) {
            return NOP;
        }
        notify(beforeChange);
        compactIfSparse(s);
        skipAdd(s, Arrays.copyOfRange(m, off, off + len), hash, score);
        if (newScore != null) {
            newScore[0] = score;
        }
        return ADDED;
    }

    private static void notify(Runnable beforeChange) {
        if (beforeChange != null) {
            beforeChange.run();
        }
    }

    public int add(double score, byte[] m, int flags, long maxEntries, long maxValue, double[] newScore) {
        return add(score, m, 0, m.length, flags, maxEntries, maxValue, newScore);
    }

    /** Removes a member; true when it was there. An index that became sparse starts shrinking. */
    public boolean remove(byte[] m, int off, int len) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int ep = lpFind(lp, m, off, len);
            if (ep < 0) {
                return false;
            }
            lp.deleteRange(ep, 2);
            return true;
        }
        Skip s = (Skip) repr;
        int node = s.index.remove(m, off, len);
        if (node == SkipList.NIL) {
            return false;
        }
        s.bytes -= memberBytes(s.zsl.member(node));
        s.zsl.deleteNode(node);
        s.index.shrinkIfSparse();
        return true;
    }

    public boolean remove(byte[] m) {
        return remove(m, 0, m.length);
    }

    /** Takes a node out of the index and the heap figure, before the list frees it. */
    private static void unindex(Skip s, int node) {
        s.index.remove(node);
        s.bytes -= memberBytes(s.zsl.member(node));
    }

    /**
     * A skiplist down to a quarter of the nodes its pages hold moves into smaller ones, and the
     * index is rebuilt over the new addresses. Done at the next addition, not as members go: a
     * set being drained (ZPOPMIN as a queue) would otherwise be copied at each quarter on its way
     * to empty, a sixth of the pops' time, for pages that go with the key anyway.
     */
    private static void compactIfSparse(Skip s) {
        if (s.zsl.worthCompacting()) {
            s.zsl.compact();
            s.index.rebuild();
        }
    }

    /** Removes the members of 0-based ranks {@code start} to {@code end} (valid, start <= end). */
    public long removeRangeByRank(long start, long end) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            int count = (int) (end - start + 1);
            lp.deleteRange(2 * start, 2 * count);
            return count;
        }
        Skip s = (Skip) repr;
        long n = s.zsl.deleteRangeByRank(start + 1, end + 1, node -> unindex(s, node));
        s.index.shrinkIfSparse();
        return n;
    }

    /** Removes the members with a score in the range; returns how many. */
    public long removeRangeByScore(ScoreRange r) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            int ep = lpFirstInRange(lp, r, tmp);
            long n = 0;
            while (ep >= 0 && r.belowMax(lpScore(lp, lp.next(ep), tmp))) {
                ep = lp.deleteRange(ep, 2);
                n++;
            }
            return n;
        }
        Skip s = (Skip) repr;
        long n = s.zsl.deleteRange(r, node -> unindex(s, node));
        s.index.shrinkIfSparse();
        return n;
    }

    /** Removes the members in the lex range; returns how many. */
    public long removeRangeByLex(LexRange r) {
        if (repr instanceof Listpack) {
            Listpack lp = (Listpack) repr;
            Listpack.Entry tmp = new Listpack.Entry();
            int ep = lpFirstInLexRange(lp, r, tmp);
            long n = 0;
            while (ep >= 0 && r.belowMax(lpMemberForCompare(lp, ep, tmp))) {
                ep = lp.deleteRange(ep, 2);
                n++;
            }
            return n;
        }
        Skip s = (Skip) repr;
        long n = s.zsl.deleteRange(r, node -> unindex(s, node));
        s.index.shrinkIfSparse();
        return n;
    }

    /**
     * Removes up to {@code count} members from the lowest score (the highest with {@code max}),
     * visiting each just before it goes. Returns how many were removed.
     */
    public long pop(boolean max, long count, Visitor v) {
        long popped = 0;
        Listpack.Entry member = new Listpack.Entry();
        while (popped < count && size() > 0) {
            if (repr instanceof Listpack) {
                Listpack lp = (Listpack) repr;
                int ep = max ? lp.prev(lp.last()) : lp.first();
                double s = lpScore(lp, lp.next(ep), new Listpack.Entry());
                v.visit(lp.get(ep, member), s);
                lp.deleteRange(ep, 2);
            } else {
                Skip s = (Skip) repr;
                int n = max ? s.zsl.last() : s.zsl.first();
                v.visit(entryOf(member, s.zsl.member(n)), s.zsl.score(n));
                unindex(s, n);
                s.zsl.deleteNode(n);
                s.index.shrinkIfSparse();
            }
            popped++;
        }
        return popped;
    }

    /** A deep copy in the same encoding (COPY). */
    ZSetValue duplicate() {
        if (repr instanceof Listpack) {
            return new ZSetValue(((Listpack) repr).duplicate());
        }
        return new ZSetValue(new Skip((Skip) repr));
    }
}
