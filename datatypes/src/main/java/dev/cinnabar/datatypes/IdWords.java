package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;

/**
 * A few longs per id of a {@link KeyTable}: what a table kept beside the keyspace holds per key,
 * in pages of 1024 ids made as the ids grow, so that a key costs its words and no object. An id
 * holds words when its first word is not 0 (the caller keeps 0 for "none"); {@link #used} counts
 * those. Words never set read 0, and reading makes no page.
 */
public final class IdWords {
    private static final int PAGE_BITS = 10;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int MASK = PAGE - 1;
    private static final long[][] NO_PAGES = new long[0][];

    private final int width;
    private long[][] pages = NO_PAGES;
    /** Pages made so far: the ones below this index exist. */
    private int pageCount;
    private int used;

    /** {@code width} longs per id. */
    public IdWords(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width " + width);
        }
        this.width = width;
    }

    /** Word {@code word} of {@code id}, 0 when never set. */
    public long get(int id, int word) {
        int page = id >>> PAGE_BITS;
        return page < pageCount ? pages[page][(id & MASK) * width + word] : 0;
    }

    /** Sets word {@code word} of {@code id}, making its page if needed. */
    public void set(int id, int word, long value) {
        long[] p = page(id >>> PAGE_BITS);
        int at = (id & MASK) * width + word;
        if (word == 0 && (p[at] == 0) != (value == 0)) {
            used += value == 0 ? -1 : 1;
        }
        p[at] = value;
    }

    /** Every word of {@code id} back to 0. */
    public void clear(int id) {
        int page = id >>> PAGE_BITS;
        if (page < pageCount) {
            long[] p = pages[page];
            int at = (id & MASK) * width;
            if (p[at] != 0) {
                used--;
            }
            Arrays.fill(p, at, at + width, 0L);
        }
    }

    /** Every id back to no words, the pages given back. */
    public void clearAll() {
        pages = NO_PAGES;
        pageCount = 0;
        used = 0;
    }

    /** Ids whose first word is not 0. */
    public int used() {
        return used;
    }

    /**
     * The heap this holds, counted as {@link KeyTable#heapBytes} counts its per-id arrays: the
     * words of the ids in use and each page's header, so that dropping an id's words gives its
     * share back (a page's free slots are room for the next ids, as free slots in a malloc arena
     * are).
     */
    public long heapBytes() {
        if (pageCount == 0) {
            return 0;
        }
        return used * 8L * width + pageCount * (long) JvmSizes.ARRAY_HEADER + JvmSizes.referenceArray(pages.length);
    }

    private long[] page(int page) {
        if (page < pageCount) {
            return pages[page];
        }
        if (page >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(page + 1, Math.max(4, pages.length * 2)));
        }
        while (pageCount <= page) {
            pages[pageCount++] = new long[PAGE * width];
        }
        return pages[page];
    }
}
