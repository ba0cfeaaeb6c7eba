package dev.cinnabar.datatypes;

import dev.cinnabar.datatypes.value.JvmSizes;
import java.util.Arrays;

/**
 * Up to {@value MemberSlots#PAGE} slots of a {@link MemberSlots}: their chain words, the positions
 * of their records, the bytes the records are written into, and the arrays of members and values
 * too long for them. {@link MemberSlots} reads and writes the fields; this class only holds them.
 *
 * <p>A {@link MemberSlots} is its own first page (it extends this class), so that a set of a few
 * members pays for no page object; only the pages after the first are objects of this class.
 */
class SlotPage {
    /** The position of a slot without a record (free, or never handed out). */
    static final int FREE = -1;
    /** A page after the first as an object of its own: header, four references, two ints. */
    static final int OBJECT = 40;

    long[] chains;
    int[] where;
    byte[] bytes;
    /** {@code [0, end)} of {@link #bytes} is records, live or dead. */
    int end;
    /** Bytes of records no slot points at any more. */
    int dead;
    /** Per slot, the member's and (a hash's) the value's array when out of line, else null. */
    byte[][] large;

    SlotPage(int slots) {
        chains = new long[slots];
        where = new int[slots];
        Arrays.fill(where, FREE);
        bytes = new byte[0];
    }

    /** A copy of {@code from}'s arrays, the long members' and values' too (a value may be rewritten in place). */
    SlotPage(SlotPage from) {
        chains = from.chains.clone();
        where = from.where.clone();
        bytes = from.bytes.clone();
        end = from.end;
        dead = from.dead;
        if (from.large != null) {
            large = from.large.clone();
            for (int i = 0; i < large.length; i++) {
                if (large[i] != null) {
                    large[i] = large[i].clone();
                }
            }
        }
    }

    private SlotPage() {
    }

    /**
     * A page whose arrays another table holds too (a snapshot's copy, {@link
     * MemberTable#sharingCopy}): its table copies them before it writes to the page ({@link
     * MemberSlots}'s pageForWrite). The class is the mark, so that a page pays no field for it.
     */
    static final class Shared extends SlotPage {
        Shared(SlotPage of) {
            holdArraysOf(of);
        }
    }

    /** Makes this page hold {@code of}'s arrays and figures (the arrays are not copied). */
    final void holdArraysOf(SlotPage of) {
        chains = of.chains;
        where = of.where;
        bytes = of.bytes;
        end = of.end;
        dead = of.dead;
        large = of.large;
    }

    /** The heap of the page's own arrays (not of this object, nor of the long members' arrays). */
    long arrayHeapBytes() {
        return JvmSizes.longArray(chains.length) + JvmSizes.intArray(where.length)
                + JvmSizes.byteArray(bytes.length) + (large == null ? 0 : JvmSizes.referenceArray(large.length));
    }
}
