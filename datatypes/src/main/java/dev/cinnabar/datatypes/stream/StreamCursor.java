package dev.cinnabar.datatypes.stream;

import dev.cinnabar.datatypes.Listpack;

/**
 * Walks a stream's entries between two IDs (inclusive), forward or backward, as Redis's
 * streamIterator does: the walk starts at the node whose master ID is the greatest at most the
 * start (or the end, backward), reads IDs from the deltas, and skips deleted entries unless told
 * not to. After {@link #next()} returns true, {@link #ms}, {@link #seq} and {@link #fields} are
 * the entry's, and {@link #field} reads its field/value pairs in order.
 */
public final class StreamCursor {
    private StreamIndex index;
    long startMs;
    long startSeq;
    long endMs;
    long endSeq;
    boolean rev;
    public boolean skipTombstones = true;

    private int nodePos;
    StreamNode lp;
    private int ele = -1;
    private long masterMs;
    private long masterSeq;
    private int masterFieldsCount;
    private int masterFieldsStart;

    public long ms;
    public long seq;
    public int fields;
    int flags;
    int flagsPos;
    private int fieldPtr;
    private int masterPtr;

    /** Starts a walk from (sMs, sSeq) to (eMs, eSeq), both inclusive. */
    public StreamCursor start(StreamIndex index, long sMs, long sSeq, long eMs, long eSeq, boolean rev) {
        this.index = index;
        this.startMs = sMs;
        this.startSeq = sSeq;
        this.endMs = eMs;
        this.endSeq = eSeq;
        this.rev = rev;
        this.lp = null;
        this.ele = -1;
        int n = index.size();
        if (!rev) {
            if (sMs != 0 || sSeq != 0) {
                int p = index.floor(sMs, sSeq);
                nodePos = p < 0 ? 0 : p;
            } else {
                nodePos = 0;
            }
        } else {
            if (eMs != 0 || eSeq != 0) {
                int p = index.floor(eMs, eSeq);
                nodePos = p < 0 ? n - 1 : p;
            } else {
                nodePos = n - 1;
            }
        }
        return this;
    }

    /** The whole stream. */
    public StreamCursor start(StreamIndex index, boolean rev) {
        return start(index, 0, 0, -1L, -1L, rev);
    }

    /** Moves to the next entry in range; false when there is none. */
    public boolean next() {
        while (true) {
            if (lp == null || ele < 0) {
                if (nodePos < 0 || nodePos >= index.size()) {
                    lp = null;
                    return false;
                }
                lp = index.get(nodePos);
                nodePos += rev ? -1 : 1;
                masterMs = lp.masterMs;
                masterSeq = lp.masterSeq;
                ele = lp.first();
                ele = lp.next(ele);
                ele = lp.next(ele);
                masterFieldsCount = (int) lp.integerAt(ele);
                ele = lp.next(ele);
                masterFieldsStart = ele;
                if (!rev) {
                    for (int i = 0; i < masterFieldsCount; i++) {
                        ele = lp.next(ele);
                    }
                } else {
                    ele = lp.last();
                }
            } else if (rev) {
                long lpCount = lp.integerAt(ele);
                while (lpCount-- > 0) {
                    ele = lp.prev(ele);
                }
                ele = lp.prev(ele);
            }
            while (true) {
                if (!rev) {
                    ele = lp.next(ele);
                    if (ele < 0) {
                        break;
                    }
                } else {
                    long lpCount = lp.integerAt(ele);
                    if (lpCount == 0) {
                        lp = null;
                        ele = -1;
                        break;
                    }
                    while (lpCount-- > 0) {
                        ele = lp.prev(ele);
                    }
                }
                flagsPos = ele;
                flags = (int) lp.integerAt(ele);
                ele = lp.next(ele);
                ms = masterMs + lp.integerAt(ele);
                ele = lp.next(ele);
                seq = masterSeq + lp.integerAt(ele);
                ele = lp.next(ele);
                boolean same = (flags & StreamNode.FLAG_SAMEFIELDS) != 0;
                if (same) {
                    fields = masterFieldsCount;
                } else {
                    fields = (int) lp.integerAt(ele);
                    ele = lp.next(ele);
                }
                boolean visible = !skipTombstones || (flags & StreamNode.FLAG_DELETED) == 0;
                if (!rev) {
                    if (StreamId.compare(ms, seq, startMs, startSeq) >= 0 && visible) {
                        if (StreamId.compare(ms, seq, endMs, endSeq) > 0) {
                            return false;
                        }
                        emit(same);
                        return true;
                    }
                } else {
                    if (StreamId.compare(ms, seq, endMs, endSeq) <= 0 && visible) {
                        if (StreamId.compare(ms, seq, startMs, startSeq) < 0) {
                            return false;
                        }
                        emit(same);
                        return true;
                    }
                }
                if (!rev) {
                    int discard = same ? fields : fields * 2;
                    for (int i = 0; i < discard; i++) {
                        ele = lp.next(ele);
                    }
                } else {
                    int back = same ? 4 : 5;
                    while (back-- > 0) {
                        ele = lp.prev(ele);
                    }
                }
            }
        }
    }

    /** Remembers where the fields are and moves to the entry's lp-count. */
    private void emit(boolean same) {
        fieldPtr = ele;
        masterPtr = masterFieldsStart;
        int skip = same ? fields : fields * 2;
        for (int i = 0; i < skip; i++) {
            ele = lp.next(ele);
        }
    }

    /**
     * Goes on in {@code copy}, a copy of the walked index whose nodes hold the same bytes at the
     * same offsets ({@link StreamIndex#copy}), from where this walk is: for a walk that must
     * outlive changes to the stream it began on.
     */
    public void continueIn(StreamIndex copy) {
        if (lp != null) {
            lp = copy.get(rev ? nodePos + 1 : nodePos - 1);
        }
        index = copy;
    }

    /** The node the current entry is in. */
    public StreamNode node() {
        return lp;
    }

    /** Flags the current entry deleted (the flag keeps its one-byte size: offsets stay valid). */
    public void markDeleted() {
        flags |= StreamNode.FLAG_DELETED;
        lp.replace(flagsPos, flags);
    }

    /** Whether the current entry is flagged deleted (only seen with {@link #skipTombstones} off). */
    public boolean deleted() {
        return (flags & StreamNode.FLAG_DELETED) != 0;
    }

    /** Reads the current entry's next field and value. */
    public void field(Listpack.Entry field, Listpack.Entry value) {
        if ((flags & StreamNode.FLAG_SAMEFIELDS) != 0) {
            lp.get(masterPtr, field);
            masterPtr = lp.next(masterPtr);
        } else {
            lp.get(fieldPtr, field);
            fieldPtr = lp.next(fieldPtr);
        }
        lp.get(fieldPtr, value);
        fieldPtr = lp.next(fieldPtr);
    }
}
