package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.datatypes.Listpack;
import dev.cinnabar.datatypes.PartialQuicksort;
import dev.cinnabar.datatypes.Quicklist;
import dev.cinnabar.datatypes.value.HashType;
import dev.cinnabar.datatypes.value.HashValue;
import dev.cinnabar.datatypes.value.ListType;
import dev.cinnabar.datatypes.value.ListValue;
import dev.cinnabar.datatypes.value.SetType;
import dev.cinnabar.datatypes.value.SetValue;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.datatypes.value.ZSetType;
import dev.cinnabar.datatypes.value.ZSetValue;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO over lists, sets and sorted sets, as Redis 7.0 sorts.
 *
 * <p>What decides the order, beyond the obvious:
 * <ul>
 * <li>Numeric sorting reads each weight as C's strtod does (leading blanks allowed, an empty
 *     string is 0, anything left over, NaN or a value out of range, subnormals included, is the
 *     "can't be converted" error); equal weights are ordered by the elements' bytes.</li>
 * <li>ALPHA compares with strcoll, which under the C/C.UTF-8 locale is a C-string comparison
 *     (it stops at a zero byte); with STORE it compares the full bytes. With BY, a missing weight
 *     sorts first, and elements with equal weights keep their relative order from the source
 *     (glibc's qsort is a merge sort) unless LIMIT selects a part, where Redis's partial
 *     quicksort (Bentley and McIlroy's, with ranges left unsorted outside the LIMIT) is used:
 *     {@link PartialQuicksort} follows the same partitioning so that ties come out as they do there.</li>
 * <li>BY a pattern without {@code *} does not sort: a list or a sorted set is read in its order
 *     (reversed by DESC), only the LIMIT range of it; a set in its own iteration order (DESC
 *     ignored), except with STORE or from a script, where a set is sorted ALPHA so that replicas
 *     get the same list.</li>
 * <li>A sorted set in a listpack is converted to a skiplist first, for good (SORT_RO too), as
 *     Redis does; otherwise its members are read in its table's order, which only shows in
 *     ties that a stable sort keeps (Redis's table order is as arbitrary).</li>
 * </ul>
 */
public final class SortCommands {
    static final String CONVERSION = "ERR One or more scores can't be converted into double";
    /** quicklistCreate()'s fill: nodes of up to 8 KB. */
    /** Whether the user may run this SORT with read access to every key, as BY and GET patterns need. */
    private static boolean everyKeyReadable(Client c) {
        return c.user.unrestricted() || c.server.acl().check.checkWithEveryKey(c.user, c.command, c.argv, 0,
                dev.cinnabar.server.command.KeyFlags.ACCESS);
    }

    private static final int SORT_STORE_FILL = -2;

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("sort", this, 0);
            t.bind("sort_ro", this, 1);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> SortCommands.sort(c, false);
                case 1 -> SortCommands.sort(c, true);
                default -> throw new IllegalArgumentException("SortCommands has no handler " + handler);
            }
        }
    }

    /** One element being sorted, with its weight. */
    static final class Item {
        final byte[] obj;
        double score;
        /** The BY value for ALPHA sorting with a pattern; null when the weight key is missing. */
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    // SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]
    // SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
    static void sort(Client c, boolean readonly) {
        Argv a = c.argv;
        boolean desc = false;
        boolean alpha = false;
        boolean dontsort = false;
        long limitStart = 0;
        long limitCount = -1;
        int storeArg = -1;
        byte[] sortby = null;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < a.count(); j++) {
            int left = a.count() - j - 1;
            if (a.is(j, "asc")) {
                desc = false;
            } else if (a.is(j, "desc")) {
                desc = true;
            } else if (a.is(j, "alpha")) {
                alpha = true;
            } else if (a.is(j, "limit") && left >= 2) {
                limitStart = Args.longArg(c, j + 1);
                limitCount = Args.longArg(c, j + 2);
                j += 2;
            } else if (!readonly && a.is(j, "store") && left >= 1) {
                storeArg = j + 1;
                j++;
            } else if (a.is(j, "by") && left >= 1) {
                sortby = a.copy(j + 1);
                // A pattern without a star names one key for every element: nothing to sort by.
                // Once set, a later BY with a star does not undo it (as in Redis).
                if (indexOf(sortby, (byte) '*', 0, cLength(sortby)) < 0) {
                    dontsort = true;
                } else if (!everyKeyReadable(c)) {
                    // A pattern reaches keys the ACL check never saw.
                    throw new CommandError("ERR BY option of SORT denied due to insufficient ACL permissions.");
                }
                j++;
            } else if (a.is(j, "get") && left >= 1) {
                if (!everyKeyReadable(c)) {
                    throw new CommandError("ERR GET option of SORT denied due to insufficient ACL permissions.");
                }
                gets.add(a.copy(j + 1));
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }

        Db db = c.db();
        Object sortval = db.lookupRead(a, 1);
        boolean isList = false;
        boolean isZSet = false;
        if (sortval == null) {
            sortval = ListCommands.newList(c);
            isList = true;
        } else if (ListType.TYPE.holds(sortval)) {
            isList = true;
        } else if (ZSetType.TYPE.holds(sortval)) {
            isZSet = true;
        } else if (!SetType.TYPE.holds(sortval)) {
            throw new CommandError(Errors.WRONG_TYPE);
        }
        boolean store = storeArg >= 0;

        // A set given back unsorted would come out in an order that replicas and scripts
        // cannot reproduce: sort it as strings instead.
        if (dontsort && !isList && !isZSet && (store || c.scriptClient)) {
            dontsort = false;
            alpha = true;
            sortby = null;
        }

        if (isZSet && ((ZSetValue) sortval).isListpack()) {
            // Redis sorts a sorted set in its skiplist form, and leaves it so.
            KeyEntry e = db.entry(a, 1);
            long before = db.beforeChange(e);
            ((ZSetValue) sortval).convertToSkiplist();
            db.resized(e, before);
        }

        int vectorlen = isList ? (int) ((ListValue) sortval).size()
                : isZSet ? ((ZSetValue) sortval).size() : ((SetValue) sortval).size();
        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }

        Item[] vector;
        if (isList && dontsort) {
            ListValue list = (ListValue) sortval;
            // Only the range asked for is read, in the list's order (from the tail for DESC).
            if (start != 0 || end != vectorlen - 1) {
                vectorlen = (int) (end - start + 1);
            }
            vector = new Item[Math.max(vectorlen, 0)];
            if (end >= start) {
                int j = 0;
                Quicklist.Cursor cur = list.cursorAt(desc ? list.size() - start - 1 : start, !desc);
                if (cur != null) {
                    try (cur) {
                        while (j < vectorlen && cur.next()) {
                            vector[j++] = new Item(cur.value());
                        }
                    }
                }
                end -= start;
                start = 0;
            }
        } else if (isZSet && dontsort) {
            // The LIMIT range by rank, in the set's order (from the highest for DESC).
            if (start != 0 || end != vectorlen - 1) {
                vectorlen = (int) (end - start + 1);
            }
            vector = new Item[vectorlen];
            if (vectorlen > 0) {
                int[] j = {0};
                ((ZSetValue) sortval).rangeByRank(start, start + vectorlen - 1, desc,
                        (m, score) -> vector[j[0]++] = new Item(m.toBytes()));
            }
            end -= start;
            start = 0;
        } else if (isZSet) {
            vector = new Item[vectorlen];
            int[] j = {0};
            ZSetValue z = (ZSetValue) sortval;
            z.index().forEach(n -> vector[j[0]++] = new Item(z.skipList().member(n)));
        } else if (isList) {
            vector = new Item[vectorlen];
            int[] j = {0};
            try (Quicklist.Cursor cur = ((ListValue) sortval).cursor(true)) {
                while (cur.next()) {
                    vector[j[0]++] = new Item(cur.value());
                }
            }
        } else {
            vector = new Item[vectorlen];
            int[] j = {0};
            ((SetValue) sortval).forEach(m -> vector[j[0]++] = new Item(SetValue.bytesOf(m)));
        }

        boolean conversionError = false;
        if (!dontsort) {
            for (Item it : vector) {
                Object byval;
                if (sortby != null) {
                    byval = lookupByPattern(c, sortby, it.obj);
                    if (byval == null) {
                        continue;
                    }
                } else {
                    byval = it.obj;
                }
                if (alpha) {
                    if (sortby != null) {
                        it.cmp = StringType.bytes(byval);
                    }
                } else if (byval instanceof Long) {
                    it.score = (double) (long) (Long) byval;
                } else {
                    byte[] b = StringType.view(byval);
                    it.score = strtod(b, StringType.length(byval));
                    if (Double.isNaN(it.score)) {
                        conversionError = true;
                    }
                }
            }
            if (!conversionError) {
                Comparator<Item> cmp = comparator(desc, alpha, sortby != null, store);
                if (sortby != null && (start != 0 || end != vectorlen - 1)) {
                    PartialQuicksort.sort(vector, cmp, (int) start, (int) end);
                } else {
                    // A stable sort, as glibc's merge sort is.
                    Arrays.sort(vector, cmp);
                }
            }
        }

        int outputlen = (int) (gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1));
        if (conversionError) {
            throw new CommandError(CONVERSION);
        }
        if (!store) {
            c.reply.array(outputlen);
            for (long j = start; j <= end; j++) {
                byte[] obj = vector[(int) j].obj;
                if (gets.isEmpty()) {
                    c.reply.bulk(obj);
                }
                for (byte[] get : gets) {
                    Object val = lookupByPattern(c, get, obj);
                    if (val == null) {
                        c.reply.nullBulk();
                    } else {
                        replyString(c, val);
                    }
                }
            }
            return;
        }
        // Redis makes the stored list with quicklist's own defaults (8 KB nodes, no compression),
        // not list-max-listpack-size and list-compress-depth, and it keeps them as it grows: the
        // same nodes here, so that DUMP and the RDB file hold the same bytes.
        ListValue result = new ListValue(SORT_STORE_FILL, 0);
        for (long j = start; j <= end; j++) {
            byte[] obj = vector[(int) j].obj;
            if (gets.isEmpty()) {
                result.push(obj, false);
            }
            for (byte[] get : gets) {
                Object val = lookupByPattern(c, get, obj);
                result.push(val == null ? new byte[0] : StringType.bytes(val), false);
            }
        }
        if (outputlen > 0) {
            db.setKey(a, storeArg, result, false);
            // Class 'l' in Redis: the stored result is a list.
            Notify.arg(c, Notify.LIST, "sortstore", storeArg);
            c.changes(outputlen);
        } else if (db.deleteUnchecked(a, storeArg)) {
            Notify.arg(c, Notify.GENERIC, "del", storeArg);
        }
        c.reply.integer(outputlen);
    }

    private static void replyString(Client c, Object v) {
        if (v instanceof Long) {
            c.reply.bulk((long) (Long) v);
        } else {
            c.reply.bulk(StringType.view(v), 0, StringType.length(v));
        }
    }

    /** Where {@code x} first is in {@code b[from, to)}, or -1. */
    private static int indexOf(byte[] b, byte x, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value a BY or GET pattern names for element {@code subst}: {@code #} is the element
     * itself; otherwise the first {@code *} is replaced by the element, and a {@code ->field}
     * after it (with a non-empty field) reads that field of a hash. A string value (a
     * {@code Long} or bytes as {@link StringType} keeps them), or null when the pattern has no
     * star, the key is missing or of another type, or the field is absent. Like Redis, the
     * {@code #}, {@code *} and {@code ->} are looked for in the pattern as a C string (up to a
     * zero byte), while the key and field are cut from all of its bytes.
     */
    static Object lookupByPattern(Client c, byte[] pattern, byte[] subst) {
        int cLen = cLength(pattern);
        if (cLen == 1 && pattern[0] == '#') {
            return subst;
        }
        int star = indexOf(pattern, (byte) '*', 0, cLen);
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < cLen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int fieldlen = 0;
        if (arrow >= 0 && arrow + 2 < cLen) {
            fieldlen = pattern.length - arrow - 2;
        }
        int postfix = pattern.length - star - 1 - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[star + subst.length + postfix];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postfix);
        Object o = c.db().lookupRead(key, 0, key.length);
        if (o == null) {
            return null;
        }
        if (fieldlen > 0) {
            if (!HashType.TYPE.holds(o)) {
                return null;
            }
            HashValue h = (HashValue) o;
            int foff = pattern.length - fieldlen;
            if (h.hasExpiries() && h.isExpired(pattern, foff, fieldlen, c.server.keyspace().now())) {
                return null;
            }
            Listpack.Entry e = new Listpack.Entry();
            if (!h.get(pattern, foff, fieldlen, e)) {
                return null;
            }
            return e.isInteger ? (Object) e.value : e.toBytes();
        }
        return StringType.isString(o) ? o : null;
    }

    /** The length of {@code b} read as a C string: up to its first zero byte. */
    private static int cLength(byte[] b) {
        int n = indexOf(b, (byte) 0, 0, b.length);
        return n < 0 ? b.length : n;
    }

    /**
     * C's strtod applied to a C string as SORT applies it: the text ends at the first zero byte,
     * leading blanks are skipped, and all of the rest must be the number. NaN for every case
     * SORT refuses (garbage left over, NaN, overflow, a decimal that underflows).
     */
    static double strtod(byte[] b, int len) {
        int n = 0;
        while (n < len && b[n] != 0) {
            n++;
        }
        if (n == 0) {
            // Nothing converted and nothing left over: 0.
            return 0;
        }
        int i = 0;
        while (i < n && isSpace(b[i])) {
            i++;
        }
        if (i == n) {
            // Only blanks: nothing converted, and strtod points back at the first blank.
            return Double.NaN;
        }
        double v = Doubles.parse(b, i, n - i);
        if (Double.isNaN(v)) {
            return v;
        }
        if (v != 0 && Math.abs(v) < Double.MIN_NORMAL && !isHex(b, i, n)) {
            // glibc reports a decimal rounded into the subnormal range as out of range.
            return Double.NaN;
        }
        return v;
    }

    private static boolean isHex(byte[] b, int i, int n) {
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        return i + 1 < n && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X');
    }

    private static boolean isSpace(byte x) {
        return x == ' ' || x == '\t' || x == '\n' || x == 0x0b || x == '\f' || x == '\r';
    }

    /** Redis's sortCompare with the command's options. */
    static Comparator<Item> comparator(boolean desc, boolean alpha, boolean byPattern, boolean store) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (x, y) -> {
                if (x.score > y.score) {
                    return 1;
                } else if (x.score < y.score) {
                    return -1;
                }
                return Arrays.compareUnsigned(x.obj, y.obj);
            };
        } else if (byPattern) {
            cmp = (x, y) -> {
                if (x.cmp == null || y.cmp == null) {
                    return x.cmp == y.cmp ? 0 : x.cmp == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(x.cmp, y.cmp) : cStringCompare(x.cmp, y.cmp);
            };
        } else {
            cmp = (x, y) -> store ? Arrays.compareUnsigned(x.obj, y.obj) : cStringCompare(x.obj, y.obj);
        }
        return desc ? (x, y) -> -cmp.compare(x, y) : cmp;
    }

    /** strcmp (strcoll in the C locale): bytes as unsigned up to the first zero byte. */
    static int cStringCompare(byte[] x, byte[] y) {
        for (int i = 0; ; i++) {
            int cx = i < x.length ? x[i] & 0xff : 0;
            int cy = i < y.length ? y[i] & 0xff : 0;
            if (cx != cy) {
                return cx - cy;
            }
            if (cx == 0) {
                return 0;
            }
        }
    }
}
