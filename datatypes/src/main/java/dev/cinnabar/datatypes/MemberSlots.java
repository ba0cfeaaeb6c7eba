package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The members of a hashtable-encoded set, or the fields of a hashtable-encoded hash with their
 * values, numbered for a {@link MemberIndex}. Slot {@code n} has the index's chain word and a
 * record: the member's bytes and, for a hash, the value's, written one after the other into a
 * byte array its page shares with the other slots of the page.
 *
 * <h2>Why the bytes are inline</h2>
 * A member in an array of its own costs the array's 16-byte header and its padding to 8 bytes,
 * and a reference: a 19-byte member took 44 bytes besides its chain word, and a hash field with
 * its value 88. In the page's bytes the same member takes 20 (a length byte and the bytes), the
 * pair 38, with a 4-byte position per slot. The collector also has a few arrays per page to
 * trace instead of one object per member, and a lookup reads the member from the page it has
 * just read the position in, one dependent load fewer than through a reference.
 *
 * <p>A member or value longer than {@value #INLINE_MAX} bytes keeps an array of its own, named
 * from the page's {@code large} references (made when a page first needs one): there the header
 * is small against the bytes, and pages stay small enough never to be humongous objects.
 *
 * <h2>Records and their space</h2>
 * A record is a part for the member, then for a hash a part for the value; a part is a length
 * byte and the bytes, or the single byte {@value #OUT_OF_LINE} for one kept in an array. Records
 * are appended at the end of their page's bytes. A value rewritten at the same length goes where
 * the old one was (counters and status fields mostly keep their length); one of another length
 * rewrites the record at the end, and the old one is dead space. A page's dead space is reclaimed
 * when the page must grow anyway, or when a removal leaves more than half of it dead: the page's
 * live records are then copied, in slot order, into bytes just large enough. Each copy follows at
 * least as many dead bytes as it moves live ones, so it is amortised O(1) per byte written.
 *
 * <p>Callers read records through {@link Listpack.Entry} views into the page's bytes, valid
 * until the next change to these slots: a write may move every record of its page.
 *
 * <h2>Slots</h2>
 * Slot 0 is never used (it is the index's "none"), and takes no place: slot {@code n} is at
 * {@code n - 1} in the pages, so that a 1-member set's arrays have one element, not two. A
 * removed member's slot goes on a free list, linked through its chain word, and the next member
 * takes it, so the slots only grow until the set is down to a quarter of the slots it has had
 * ({@link #worthCompacting}): its owner then compacts it, which renumbers every member, and
 * rebuilds the index.
 *
 * <p>Slots come in pages of {@value #PAGE}. The first page starts with one slot and grows
 * ({@link #growFirstPage}). It is this object itself ({@link SlotPage} is the superclass), and
 * the only page until a second is needed, so that a set of a few members (every non-integer set
 * in Redis 7.0 is a hashtable) pays for neither a page object nor a directory; later pages are
 * whole objects of their own. When a new page is started the previous one is full, and its bytes
 * are trimmed to what its records take.
 *
 * <p>{@link MemberTable} extends this class, so that a hashtable set is one object with its
 * first page rather than three; the methods that change slots are package-private, for it.
 */
class MemberSlots extends SlotPage implements MemberIndex.Nodes {
    private static final int PAGE_SHIFT = 11;
    static final int PAGE = 1 << PAGE_SHIFT;
    private static final int PAGE_MASK = PAGE - 1;
    private static final int FIRST_LENGTH = 1;
    /** The longest member or value kept in a page's bytes, so that its length takes one byte. */
    static final int INLINE_MAX = 127;
    /** The part of a member or value kept in an array of its own. */
    private static final int OUT_OF_LINE = 0x80;
    /**
     * Below this many slots a set is not compacted: a random slot then holds a member at least
     * once in 32 draws however sparse the set.
     */
    private static final int COMPACT_MIN_SLOTS = 32;
    /** A page's dead space is left alone below this, however much of the page it is. */
    private static final int RECLAIM_MIN_BYTES = 256;
    /**
     * This object when not a {@link MemberTable} (tests): header, the first page's fields, three
     * ints, a reference, a long.
     */
    private static final int OBJECT = 64;

    /** Parts per record: the member, and for a hash its value after it. */
    private final int parts;
    /** The pages by number, this object first; null while it is the only one. */
    private SlotPage[] pages;
    /** Slots below this have been handed out (live, or on the free list). */
    private int top = 1;
    private int free = NONE;
    /**
     * The heap of the arrays here (the first page's, the later pages with theirs, the directory,
     * the long members' and values'), kept as it changes. Not this object, whose size depends on
     * the subclass.
     */
    private long arrayBytes;

    /** A copy of {@code from}: every page's arrays copied, nothing shared. */
    MemberSlots(MemberSlots from) {
        this(from, false);
    }

    /**
     * A copy of {@code from}; with {@code sharePages}, one that shares {@code from}'s pages after
     * the first instead of copying them, and {@code from} then copies a page before it writes to
     * it (its pages become {@link SlotPage.Shared}): a copy of a million members in a
     * directory's time, for a snapshot that must keep a big value as it is while writes change it.
     */
    MemberSlots(MemberSlots from, boolean sharePages) {
        super(from);
        parts = from.parts;
        if (from.pages != null) {
            pages = new SlotPage[from.pages.length];
            pages[0] = this;
            for (int i = 1; i < pages.length; i++) {
                SlotPage pg = from.pages[i];
                if (pg == null) {
                    continue;
                }
                if (sharePages) {
                    pages[i] = pg;
                    from.pages[i] = new SlotPage.Shared(pg);
                } else {
                    pages[i] = new SlotPage(pg);
                }
            }
        }
        top = from.top;
        free = from.free;
        arrayBytes = from.arrayBytes;
    }

    /** Slots for members only (a set's). */
    MemberSlots() {
        this(false);
    }

    /** Slots for members with a value each (a hash's fields), when {@code withValues}. */
    MemberSlots(boolean withValues) {
        super(FIRST_LENGTH);
        parts = withValues ? 2 : 1;
        arrayBytes = arrayHeapBytes();
    }

    /** One more than the highest slot handed out: slots run from 1 to {@code limit() - 1}. */
    int limit() {
        return top;
    }

    /** True for a hash's slots, which hold a value beside each member. */
    public boolean hasValues() {
        return parts == 2;
    }

    private SlotPage page(int slot) {
        SlotPage[] all = pages;
        return all == null ? this : all[pageOf(slot)];
    }

    /** {@link #page} to write to: a page shared with a copy is copied first, and the copy is this table's. */
    private SlotPage pageForWrite(int slot) {
        SlotPage[] all = pages;
        if (all == null) {
            return this;
        }
        return own(all, pageOf(slot));
    }

    private static SlotPage own(SlotPage[] all, int number) {
        SlotPage pg = all[number];
        if (pg instanceof SlotPage.Shared) {
            pg = new SlotPage(pg);
            all[number] = pg;
        }
        return pg;
    }

    /** The number of the page that holds {@code slot}. */
    private static int pageOf(int slot) {
        return (slot - 1) >>> PAGE_SHIFT;
    }

    /** Where {@code slot} is in its page's arrays: slot 0 has no place, so slot 1 is at 0. */
    private static int at(int slot) {
        return (slot - 1) & PAGE_MASK;
    }

    /** True when {@code slot} holds a member. */
    boolean isLive(int slot) {
        return page(slot).where[at(slot)] != FREE;
    }

    @Override
    public long chain(int slot) {
        return page(slot).chains[at(slot)];
    }

    @Override
    public void chain(int slot, long word) {
        pageForWrite(slot).chains[at(slot)] = word;
    }

    // ---------------------------------------------------------------- reading records

    /** The bytes a part at {@code p} takes in its page. */
    private static int partSize(byte[] bytes, int p) {
        int h = bytes[p];
        return h == (byte) OUT_OF_LINE ? 1 : 1 + h;
    }

    /** The bytes a part for {@code length} bytes takes in its page. */
    private static int partSize(int length) {
        return length <= INLINE_MAX ? 1 + length : 1;
    }

    private int recordSize(byte[] bytes, int p) {
        int size = partSize(bytes, p);
        return parts == 1 ? size : size + partSize(bytes, p + size);
    }

    @Override
    public boolean memberEquals(int slot, byte[] b, int off, int len) {
        SlotPage pg = page(slot);
        int i = at(slot);
        byte[] bytes = pg.bytes;
        int p = pg.where[i];
        int h = bytes[p];
        if (h == (byte) OUT_OF_LINE) {
            byte[] own = pg.large[i * parts];
            return own.length == len && Arrays.equals(own, 0, len, b, off, off + len);
        }
        return h == len && Arrays.equals(bytes, p + 1, p + 1 + len, b, off, off + len);
    }

    /** Points {@code out} at the member of {@code slot}: valid until the next change here. */
    public Listpack.Entry member(int slot, Listpack.Entry out) {
        return view(slot, 0, out);
    }

    /** Points {@code out} at the value of {@code slot} (a hash's slots only). */
    public Listpack.Entry value(int slot, Listpack.Entry out) {
        return view(slot, 1, out);
    }

    private Listpack.Entry view(int slot, int part, Listpack.Entry out) {
        SlotPage pg = page(slot);
        int i = at(slot);
        byte[] bytes = pg.bytes;
        int p = pg.where[i];
        if (part == 1) {
            p += partSize(bytes, p);
        }
        out.isInteger = false;
        out.value = 0;
        int h = bytes[p];
        if (h == (byte) OUT_OF_LINE) {
            byte[] own = pg.large[i * parts + part];
            out.bytes = own;
            out.offset = 0;
            out.length = own.length;
        } else {
            out.bytes = bytes;
            out.offset = p + 1;
            out.length = h;
        }
        return out;
    }

    /** The member of {@code slot} as a new array. */
    public byte[] memberCopy(int slot) {
        Listpack.Entry e = member(slot, new Listpack.Entry());
        return Arrays.copyOfRange(e.bytes, e.offset, e.offset + e.length);
    }

    /** Visits every slot that holds a member, in slot order. */
    @Override
    public void forEachNode(IntConsumer action) {
        for (int slot = 1; slot < top; slot++) {
            if (isLive(slot)) {
                action.accept(slot);
            }
        }
    }

    // ---------------------------------------------------------------- writing records

    /** A slot for a set's {@code member} (copied). */
    int allocate(byte[] member, int off, int len) {
        return allocate(member, off, len, null, 0, 0);
    }

    /**
     * A slot for {@code member} (copied) and, for a hash's slots, its {@code value} (copied): a
     * free slot, else a new one.
     */
    int allocate(byte[] member, int moff, int mlen, byte[] value, int voff, int vlen) {
        int slot = free;
        if (slot != NONE) {
            free = (int) chain(slot);
        } else {
            slot = top++;
            makeRoom(slot);
        }
        SlotPage pg = pageForWrite(slot);
        int i = at(slot);
        int size = partSize(mlen) + (parts == 2 ? partSize(vlen) : 0);
        int start = reserve(pg, size);
        int end = writePart(pg, i, 0, start, member, moff, mlen);
        if (parts == 2) {
            end = writePart(pg, i, 1, end, value, voff, vlen);
        }
        pg.where[i] = start;
        pg.end = end;
        return slot;
    }

    /** Writes one part at {@code p} of the page's bytes (room reserved); returns where it ends. */
    private int writePart(SlotPage pg, int i, int part, int p, byte[] b, int off, int len) {
        if (len > INLINE_MAX) {
            pg.bytes[p] = (byte) OUT_OF_LINE;
            setLarge(pg, i * parts + part, Arrays.copyOfRange(b, off, off + len));
            return p + 1;
        }
        pg.bytes[p] = (byte) len;
        System.arraycopy(b, off, pg.bytes, p + 1, len);
        return p + 1 + len;
    }

    /** Sets an out-of-line array (null to drop one), counting its heap. */
    private void setLarge(SlotPage pg, int at, byte[] array) {
        if (pg.large == null) {
            if (array == null) {
                return;
            }
            pg.large = new byte[pg.where.length * parts][];
            arrayBytes += JvmSizes.referenceArray(pg.large.length);
        }
        byte[] old = pg.large[at];
        arrayBytes += (array == null ? 0 : JvmSizes.byteArray(array.length)) - (old == null ? 0 : JvmSizes.byteArray(old.length));
        pg.large[at] = array;
    }

    /**
     * Gives the member at {@code slot} a new value (a hash's slots): where the old one was when it
     * is as long, else in a record rewritten at the end of the page.
     */
    void value(int slot, byte[] v, int voff, int vlen) {
        SlotPage pg = pageForWrite(slot);
        int i = at(slot);
        int p = pg.where[i];
        int memberSize = partSize(pg.bytes, p);
        int q = p + memberSize;
        int h = pg.bytes[q];
        boolean wasLarge = h == (byte) OUT_OF_LINE;
        if (wasLarge ? vlen > INLINE_MAX : h == vlen) {
            if (wasLarge) {
                byte[] own = pg.large[i * 2 + 1];
                if (own.length == vlen) {
                    // In place, as the inline case: a new array would be garbage, and a young
                    // reference stored into an old array for G1 to remember.
                    System.arraycopy(v, voff, own, 0, vlen);
                } else {
                    setLarge(pg, i * 2 + 1, Arrays.copyOfRange(v, voff, voff + vlen));
                }
            } else {
                System.arraycopy(v, voff, pg.bytes, q + 1, vlen);
            }
            return;
        }
        int oldSize = memberSize + partSize(pg.bytes, q);
        int size = memberSize + partSize(vlen);
        int at = reserve(pg, size);
        p = pg.where[i];
        System.arraycopy(pg.bytes, p, pg.bytes, at, memberSize);
        if (wasLarge) {
            setLarge(pg, i * 2 + 1, null);
        }
        pg.end = writePart(pg, i, 1, at + memberSize, v, voff, vlen);
        pg.where[i] = at;
        pg.dead += oldSize;
    }

    /**
     * Room for {@code size} more bytes at the end of the page's records; returns where they go.
     * Growing the bytes copies them anyway, so dead space of a quarter or more is dropped then.
     */
    private int reserve(SlotPage pg, int size) {
        if (pg.end + size <= pg.bytes.length) {
            return pg.end;
        }
        if (pg.dead > 0 && pg.dead >= pg.end / 4) {
            // Room for half as much again as is live, not as the old bytes: a page whose values
            // keep changing length would otherwise grow at each reclaim.
            int need = pg.end - pg.dead + size;
            repack(pg, need + (need >> 1));
        } else {
            int length = Math.max(pg.end + size, pg.bytes.length + (pg.bytes.length >> 1));
            if (pg == this && pages == null && where.length > top - 1) {
                // Slots were reserved ahead (reserveSlots): room for all of them at the mean
                // length so far, rather than half as much again at a time.
                length = (int) Math.max(length, Math.min(Integer.MAX_VALUE - 8,
                        (long) (pg.end - pg.dead + size) * where.length / (top - 1)));
            }
            replaceBytes(pg, Arrays.copyOf(pg.bytes, length));
        }
        return pg.end;
    }

    /** Copies the page's live records, in slot order, into new bytes of {@code capacity}. */
    private void repack(SlotPage pg, int capacity) {
        byte[] from = pg.bytes;
        byte[] to = new byte[capacity];
        int q = 0;
        int[] where = pg.where;
        for (int i = 0; i < where.length; i++) {
            int p = where[i];
            if (p != FREE) {
                int n = recordSize(from, p);
                System.arraycopy(from, p, to, q, n);
                where[i] = q;
                q += n;
            }
        }
        replaceBytes(pg, to);
        pg.end = q;
        pg.dead = 0;
    }

    /** Gives a page new bytes, counting the difference: the one place a page's bytes change size. */
    private void replaceBytes(SlotPage pg, byte[] bytes) {
        arrayBytes += JvmSizes.byteArray(bytes.length) - JvmSizes.byteArray(pg.bytes.length);
        pg.bytes = bytes;
    }

    /** Makes {@code slot} addressable: a longer first page, or a new whole page. */
    private void makeRoom(int slot) {
        int number = pageOf(slot);
        if (number == 0) {
            if (at(slot) == where.length) {
                growFirstPage();
            }
            return;
        }
        if (pages == null) {
            pages = new SlotPage[] {this};
            arrayBytes += JvmSizes.referenceArray(1);
        }
        if (number == pages.length) {
            arrayBytes -= JvmSizes.referenceArray(pages.length);
            pages = Arrays.copyOf(pages, number + 1);
            arrayBytes += JvmSizes.referenceArray(pages.length);
            SlotPage full = own(pages, number - 1);
            if (full.bytes.length > full.end - full.dead) {
                repack(full, full.end - full.dead);
            }
            SlotPage pg = new SlotPage(PAGE);
            pages[number] = pg;
            arrayBytes += SlotPage.OBJECT + pg.arrayHeapBytes();
        }
    }

    /**
     * Gives the full first page, every slot of which is live, more slots: 3 from 1, then half as
     * many again (rounded up). Its bytes grow in the same step, to hold a record per slot at the
     * mean length of those it has.
     *
     * <p>Why together: a small set mostly grows a member at a time, commands apart. Growing the
     * slots and the bytes each as it fills reallocated one or the other at nearly every member
     * (the 2nd, 3rd, 4th, 5th, 7th...), and each reallocation leaves the old array as garbage,
     * in the old generation once the set is a few collections old, where G1 keeps it on an idle
     * server. Together they reallocate at the 2nd, 4th, 6th and 9th members. From 1 slot
     * straight to 3, so that a set's 3rd member reallocates nothing, while a 1-member set keeps
     * arrays of one element.
     */
    private void growFirstPage() {
        int members = where.length;
        int length = Math.min(PAGE, Math.max(3, members + (members + 1) / 2));
        growFirstPageSlots(length);
        int live = end - dead;
        int room = (int) ((long) live * length / members);
        if (room > bytes.length) {
            if (dead > 0) {
                repack(this, room);
            } else {
                replaceBytes(this, Arrays.copyOf(bytes, room));
            }
        }
    }

    /**
     * Slots for {@code members} members in all, in the first page at once (up to a whole page),
     * as a load of a known size wants: the first page otherwise grows half as large again at a
     * time, each step a copy of its arrays (85 MB of copies loading 5,000 sets of 200 members).
     */
    void reserveSlots(long members) {
        if (pages != null) {
            return; // the pages after the first are whole
        }
        int length = (int) Math.min(PAGE, members);
        if (length > where.length) {
            growFirstPageSlots(length);
        }
    }

    /** The first page's slot arrays, {@code length} long (longer than now), the new slots free. */
    private void growFirstPageSlots(int length) {
        long before = arrayHeapBytes();
        int old = where.length;
        chains = Arrays.copyOf(chains, length);
        where = Arrays.copyOf(where, length);
        Arrays.fill(where, old, length, FREE);
        if (large != null) {
            large = Arrays.copyOf(large, length * parts);
        }
        arrayBytes += arrayHeapBytes() - before;
    }

    /** Frees a slot whose member has left the index. */
    void release(int slot) {
        SlotPage pg = pageForWrite(slot);
        int i = at(slot);
        int p = pg.where[i];
        pg.dead += recordSize(pg.bytes, p);
        pg.where[i] = FREE;
        for (int part = 0; part < parts; part++) {
            setLarge(pg, i * parts + part, null);
        }
        if (pg.dead > RECLAIM_MIN_BYTES && pg.dead > pg.end / 2) {
            repack(pg, pg.end - pg.dead);
        }
        chain(slot, free);
        free = slot;
    }

    /**
     * True when fewer than a quarter of the slots handed out hold a member: a set trimmed from 1M
     * members to 1k would otherwise keep its slots for members that may never come, and a random
     * slot would rarely hold one. The owner tells how many {@code members} there are: its index
     * counts them, and a count here too would be a field more on every small set.
     */
    boolean worthCompacting(int members) {
        return top >= COMPACT_MIN_SLOTS && members < top / 4;
    }

    /**
     * Moves every member, with its chain word and value, to the lowest slots in slot order, into
     * pages just large enough; every number changes, so the index must be rebuilt after.
     */
    void compact() {
        MemberSlots fresh = new MemberSlots(parts == 2);
        Listpack.Entry m = new Listpack.Entry();
        Listpack.Entry v = new Listpack.Entry();
        for (int slot = 1; slot < top; slot++) {
            if (isLive(slot)) {
                member(slot, m);
                if (parts == 2) {
                    value(slot, v);
                }
                int to = fresh.allocate(m.bytes, m.offset, m.length, v.bytes, v.offset, v.length);
                fresh.chain(to, chain(slot));
            }
        }
        // The fresh slots' first page becomes this object's, and this object their first page.
        holdArraysOf(fresh);
        pages = fresh.pages;
        if (pages != null) {
            pages[0] = this;
        }
        top = fresh.top;
        free = NONE;
        arrayBytes = fresh.arrayBytes;
    }

    /** The heap this holds: itself, its pages, and the arrays of long members and values. */
    long heapBytes() {
        return OBJECT + arrayBytes;
    }

    /** The heap of the arrays and later pages this holds, without this object: kept as it changes. */
    final long slotArrayBytes() {
        return arrayBytes;
    }

    /** {@link #slotArrayBytes} counted from scratch instead of kept (for tests). */
    final long recountSlotArrayBytes() {
        long sum = 0;
        SlotPage[] all = pages == null ? new SlotPage[] {this} : pages;
        if (pages != null) {
            sum += JvmSizes.referenceArray(pages.length);
        }
        for (SlotPage pg : all) {
            sum += (pg == this ? 0 : SlotPage.OBJECT) + pg.arrayHeapBytes();
            if (pg.large != null) {
                for (byte[] own : pg.large) {
                    sum += own == null ? 0 : JvmSizes.byteArray(own.length);
                }
            }
        }
        return sum;
    }

    /** {@link #heapBytes} counted from scratch instead of kept (for tests). */
    long recountHeapBytes() {
        return OBJECT + recountSlotArrayBytes();
    }
}
