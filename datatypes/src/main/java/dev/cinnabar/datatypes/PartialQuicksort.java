package dev.cinnabar.datatypes;

import java.util.Comparator;

/**
 * The partial quicksort Redis uses where only part of a sorted result is wanted (the nearest N
 * of a geo search's matches, SORT's BY with LIMIT):
 * Bentley and McIlroy's quicksort (median of three, or ninther above 40 elements; three-way
 * partitioning that parks equal keys at both ends and swaps them to the middle; insertion sort
 * below 7 elements) that only descends into partitions overlapping the wanted index range.
 * Equal keys end up in an order of the algorithm's own, which callers see, so the steps are the
 * same as Redis's, element for element.
 */
public final class PartialQuicksort {
    private PartialQuicksort() {
    }

    /** Puts into {@code a[from..to]} (inclusive) what a full sort would put there. */
    public static <T> void sort(T[] a, Comparator<? super T> cmp, int from, int to) {
        sort(a, 0, a.length, cmp, from, to);
    }

    private static <T> void sort(T[] a, int base, int n, Comparator<? super T> cmp, int from, int to) {
        while (true) {
            if (n < 7) {
                for (int m = base + 1; m < base + n; m++) {
                    for (int l = m; l > base && cmp.compare(a[l - 1], a[l]) > 0; l--) {
                        swap(a, l, l - 1);
                    }
                }
                return;
            }
            int m = base + n / 2;
            if (n > 7) {
                int l = base;
                int h = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    l = median(a, l, l + d, l + 2 * d, cmp);
                    m = median(a, m - d, m, m + d, cmp);
                    h = median(a, h - 2 * d, h - d, h, cmp);
                }
                m = median(a, l, m, h, cmp);
            }
            swap(a, base, m);
            // a[base] is the pivot. Invariant: [base+1, pa) equal, [pa, pb) less,
            // (pc, pd] greater, (pd, end) equal.
            int pa = base + 1;
            int pb = pa;
            int pc = base + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(a[pb], a[base])) <= 0) {
                    if (r == 0) {
                        swap(a, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(a[pc], a[base])) >= 0) {
                    if (r == 0) {
                        swap(a, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(a, pb, pc);
                pb++;
                pc--;
            }
            int end = base + n;
            int r = Math.min(pa - base, pb - pa);
            swapBlocks(a, base, pb - r, r);
            r = Math.min(pd - pc, end - pd - 1);
            swapBlocks(a, pb, end - r, r);
            int less = pb - pa;
            if (less > 1 && overlaps(base, less, from, to)) {
                sort(a, base, less, cmp, from, to);
            }
            int greater = pd - pc;
            if (greater <= 1) {
                return;
            }
            base = end - greater;
            n = greater;
            if (!overlaps(base, n, from, to)) {
                return;
            }
        }
    }

    /** Whether [start, start+n) and [from, to] share an index. */
    private static boolean overlaps(int start, int n, int from, int to) {
        int last = start + n - 1;
        return !((from < start && to < start) || (from > last && to > last));
    }

    private static <T> int median(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        if (cmp.compare(a[i], a[j]) < 0) {
            return cmp.compare(a[j], a[k]) < 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? k : i);
        }
        return cmp.compare(a[j], a[k]) > 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? i : k);
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static <T> void swapBlocks(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }
}
