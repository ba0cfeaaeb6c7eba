package dev.cinnabar.datatypes.stream;

import java.util.TreeMap;

/** A consumer of a group: its name, when it was last seen, and the entries pending for it. */
public final class StreamConsumer {
    /** Object header, two references, a long. */
    static final int OBJECT = 32;

    public final byte[] name;
    /** Unix milliseconds of its last read or claim. */
    public long seenTime;
    final TreeMap<StreamId, StreamNack> pel = new TreeMap<>();

    StreamConsumer(byte[] name, long now) {
        this.name = name;
        this.seenTime = now;
    }

    /** Its pending entries by ID; read only (changes go through {@link StreamGroup}). */
    public java.util.NavigableMap<StreamId, StreamNack> pel() {
        return java.util.Collections.unmodifiableNavigableMap(pel);
    }

    public int pending() {
        return pel.size();
    }
}
