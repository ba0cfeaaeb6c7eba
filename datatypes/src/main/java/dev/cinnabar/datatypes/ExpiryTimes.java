package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;

/**
 * The expiry times of a {@link KeyTable}'s keys, kept apart as Redis keeps its expires dict: a
 * dense list of the ids that have one, with their times (active expiry walks it, volatile
 * eviction samples it), and each id's place in that list.
 *
 * <p>Nothing here is ever copied or rebuilt whole, because the engine would stop for it. The
 * list grows and shrinks a page at a time, and the places are kept by id, in pages of
 * {@link #ID_PAGE} ids, instead of in an index hashed by id. That index had to be rebuilt at
 * each doubling and the list copied as it grew: while two million keys with a TTL were written,
 * a client waited 55 ms for a copy of the list and 139 ms for a rebuild of the index (Redis's
 * worst wait in the same run: 12 ms). A page of places is made when the first of its ids gets a
 * time and dropped when the last one loses it, so keys without a TTL cost nothing; with every
 * key holding one, a place costs 4 bytes a key, where the hashed index, a quarter to a half
 * full, cost 8 to 16.
 */
final class ExpiryTimes {
    /** Entries per page of the list once it is past its first page, which starts small and doubles. */
    private static final int LIST_PAGE_BITS = 12;
    private static final int LIST_PAGE = 1 << LIST_PAGE_BITS;
    private static final int LIST_MASK = LIST_PAGE - 1;
    private static final int FIRST_LIST_PAGE = 4;
    /** Ids per page of places; a table's first ids share the first page, which grows as they do. */
    private static final int ID_PAGE_BITS = 10;
    private static final int ID_PAGE = 1 << ID_PAGE_BITS;
    private static final int ID_MASK = ID_PAGE - 1;
    private static final int FIRST_ID_PAGE = 8;

    private int[][] ids = new int[0][];
    private long[][] times = new long[0][];
    private int count;
    /** Slots in the list's pages. */
    private long listSlots;
    /** 1 + the place in the list of each id of the page that has a time, or 0; null pages have none. */
    private int[][] places = new int[0][];
    /** Ids with a time in each page of {@link #places}. */
    private int[] placesLive = new int[0];
    private int placePages;
    private long placeSlots;

    int size() {
        return count;
    }

    /** The id at place {@code i} of the list, {@code 0 <= i < size()}. */
    int idAt(int i) {
        return ids[i >>> LIST_PAGE_BITS][i & LIST_MASK];
    }

    boolean has(int id) {
        return place(id) >= 0;
    }

    /** The id's time, 0 when it has none. */
    long time(int id) {
        int at = place(id);
        return at < 0 ? 0 : times[at >>> LIST_PAGE_BITS][at & LIST_MASK];
    }

    void set(int id, long when) {
        int at = place(id);
        if (at >= 0) {
            times[at >>> LIST_PAGE_BITS][at & LIST_MASK] = when;
            return;
        }
        at = count;
        roomFor(at);
        ids[at >>> LIST_PAGE_BITS][at & LIST_MASK] = id;
        times[at >>> LIST_PAGE_BITS][at & LIST_MASK] = when;
        count++;
        addPlace(id, at);
    }

    /** Takes the id's time away; true when it had one. The last entry of the list moves into its place. */
    boolean remove(int id) {
        int at = place(id);
        if (at < 0) {
            return false;
        }
        removePlace(id);
        int last = --count;
        if (at != last) {
            int moved = idAt(last);
            ids[at >>> LIST_PAGE_BITS][at & LIST_MASK] = moved;
            times[at >>> LIST_PAGE_BITS][at & LIST_MASK] = times[last >>> LIST_PAGE_BITS][last & LIST_MASK];
            places[moved >>> ID_PAGE_BITS][moved & ID_MASK] = at + 1;
        }
        shrinkList();
        return true;
    }

    void clear() {
        ids = new int[0][];
        times = new long[0][];
        count = 0;
        listSlots = 0;
        places = new int[0][];
        placesLive = new int[0];
        placePages = 0;
        placeSlots = 0;
    }

    /** The heap this takes: the list's pages and the pages of places. */
    long bytes() {
        if (count == 0) {
            return 0;
        }
        return listSlots * 12 + ids.length * 2L * JvmSizes.ARRAY_HEADER + 2 * JvmSizes.referenceArray(ids.length)
                + placeSlots * 4 + (long) placePages * JvmSizes.ARRAY_HEADER + JvmSizes.referenceArray(places.length)
                + JvmSizes.intArray(placesLive.length);
    }

    // ------------------------------------------------------------------ the list

    /** Makes sure place {@code at} (the next one) exists. */
    private void roomFor(int at) {
        int page = at >>> LIST_PAGE_BITS;
        if (page == ids.length) {
            ids = Arrays.copyOf(ids, page + 1);
            times = Arrays.copyOf(times, page + 1);
            int length = page == 0 ? FIRST_LIST_PAGE : LIST_PAGE;
            ids[page] = new int[length];
            times[page] = new long[length];
            listSlots += length;
        } else if (page == 0 && at == ids[0].length) {
            int length = at * 2;
            ids[0] = Arrays.copyOf(ids[0], length);
            times[0] = Arrays.copyOf(times[0], length);
            listSlots += length - at;
        }
    }

    /**
     * Drops the list's last page once the entries fit a page short of it, so that a count going
     * back and forth across a page's end does not make and drop a page each time.
     */
    private void shrinkList() {
        if (count == 0) {
            ids = new int[0][];
            times = new long[0][];
            listSlots = 0;
            return;
        }
        int pages = ids.length;
        if (pages > 2 && count <= (pages - 2) * LIST_PAGE) {
            listSlots -= ids[pages - 1].length;
            ids = Arrays.copyOf(ids, pages - 1);
            times = Arrays.copyOf(times, pages - 1);
        }
    }

    // ------------------------------------------------------------------ places by id

    private int place(int id) {
        int p = id >>> ID_PAGE_BITS;
        if (p >= places.length) {
            return -1;
        }
        int[] page = places[p];
        int i = id & ID_MASK;
        return page == null || i >= page.length ? -1 : page[i] - 1;
    }

    private void addPlace(int id, int at) {
        int p = id >>> ID_PAGE_BITS;
        int i = id & ID_MASK;
        if (p >= places.length) {
            places = Arrays.copyOf(places, p + 1);
            placesLive = Arrays.copyOf(placesLive, p + 1);
        }
        int[] page = places[p];
        if (page == null) {
            // The first ids go to every table, most of which stay small: their page grows with them.
            int length = p == 0 ? Math.max(FIRST_ID_PAGE, Integer.highestOneBit(i) << 1) : ID_PAGE;
            page = places[p] = new int[length];
            placePages++;
            placeSlots += length;
        } else if (i >= page.length) {
            int length = Math.min(ID_PAGE, Integer.highestOneBit(i) << 1);
            placeSlots += length - page.length;
            page = places[p] = Arrays.copyOf(page, length);
        }
        page[i] = at + 1;
        placesLive[p]++;
    }

    private void removePlace(int id) {
        int p = id >>> ID_PAGE_BITS;
        places[p][id & ID_MASK] = 0;
        if (--placesLive[p] == 0) {
            placeSlots -= places[p].length;
            places[p] = null;
            placePages--;
        }
    }
}
