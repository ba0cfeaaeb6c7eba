package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;

/**
 * The ids of a {@link KeyTable}'s keys by cluster hash slot ({@link HashSlot}), for a table of a
 * cluster-enabled server: how many keys a slot has in O(1), and which they are. No object per
 * key: each slot has an {@code int[]} of its ids (grown by doubling, halved when three quarters
 * empty), and each id its place in its slot's list, in pages of 1024 ids made as the ids grow.
 * A removed id's place is taken by the slot's last id, so both operations are O(1) and a key
 * costs about 8 bytes (4 for its place, 4 to 8 in its slot's list).
 *
 * <p>The caller gives the slot with each call (the table hashes the key it holds); nothing is
 * allocated until the first key arrives, so an index that never holds one costs its header.
 */
public final class SlotKeyIndex {
    private static final int PAGE_BITS = 10;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int MASK = PAGE - 1;
    /** A slot's first list; a list that empties keeps this much rather than going and coming back. */
    private static final int FIRST_LIST = 4;

    /** Per slot, its ids in {@code [0, counts[slot])}; null until the index holds a key. */
    private int[][] lists;
    private int[] counts;
    /** Per id, its place in its slot's list (meaningful only while the id is in the index). */
    private int[][] places = new int[0][];
    /** Pages of {@link #places} made so far: those below this index exist. */
    private int pageCount;
    private int size;
    /** Heap bytes of the per-slot lists, kept as they grow and shrink. */
    private long listBytes;

    public int size() {
        return size;
    }

    /** Keys of {@code slot}. */
    public int count(int slot) {
        return counts == null ? 0 : counts[slot];
    }

    /** The {@code i}th id of {@code slot}, {@code 0 <= i < count(slot)}; a removal reorders them. */
    public int idAt(int slot, int i) {
        if (i < 0 || i >= count(slot)) {
            throw new IndexOutOfBoundsException("slot " + slot + " has " + count(slot) + " keys, not " + (i + 1));
        }
        return lists[slot][i];
    }

    /** Puts {@code id}, not in the index, under {@code slot}. */
    public void add(int id, int slot) {
        if (counts == null) {
            lists = new int[HashSlot.SLOTS][];
            counts = new int[HashSlot.SLOTS];
        }
        int n = counts[slot];
        int[] list = lists[slot];
        if (list == null) {
            list = lists[slot] = new int[FIRST_LIST];
            listBytes += JvmSizes.intArray(FIRST_LIST);
        } else if (n == list.length) {
            list = resize(slot, list, n * 2);
        }
        list[n] = id;
        counts[slot] = n + 1;
        place(id, n);
        size++;
    }

    /** Takes {@code id}, which the index holds under {@code slot}, out of it. */
    public void remove(int id, int slot) {
        int n = count(slot) - 1;
        int at = id >>> PAGE_BITS < pageCount ? places[id >>> PAGE_BITS][id & MASK] : -1;
        if (n < 0 || at < 0 || at > n || lists[slot][at] != id) {
            // The slot given is not the one the id was added under: the caller hashed another key.
            throw new IllegalStateException("id " + id + " is not in slot " + slot);
        }
        int[] list = lists[slot];
        int last = list[n];
        list[at] = last;
        places[last >>> PAGE_BITS][last & MASK] = at;
        counts[slot] = n;
        size--;
        if (list.length > FIRST_LIST && n <= list.length / 4) {
            resize(slot, list, list.length / 2);
        }
    }

    /** Every id out; the arrays go, to be made again by the next key. */
    public void clear() {
        lists = null;
        counts = null;
        places = new int[0][];
        pageCount = 0;
        size = 0;
        listBytes = 0;
    }

    /** The heap this index holds: the two per-slot arrays, the lists and the pages of places. */
    public long heapBytes() {
        if (counts == null) {
            return 0;
        }
        return JvmSizes.referenceArray(HashSlot.SLOTS) + JvmSizes.intArray(HashSlot.SLOTS) + listBytes
                + pageCount * JvmSizes.intArray(PAGE) + JvmSizes.referenceArray(places.length);
    }

    private int[] resize(int slot, int[] list, int length) {
        int[] bigger = Arrays.copyOf(list, length);
        lists[slot] = bigger;
        listBytes += JvmSizes.intArray(length) - JvmSizes.intArray(list.length);
        return bigger;
    }

    private void place(int id, int at) {
        int page = id >>> PAGE_BITS;
        if (page >= pageCount) {
            if (page >= places.length) {
                places = Arrays.copyOf(places, Math.max(page + 1, Math.max(4, places.length * 2)));
            }
            while (pageCount <= page) {
                places[pageCount++] = new int[PAGE];
            }
        }
        places[page][id & MASK] = at;
    }
}
