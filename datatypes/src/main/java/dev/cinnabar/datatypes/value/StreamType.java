package dev.cinnabar.datatypes.value;

/**
 * The stream type ({@link StreamValue}): OBJECT ENCODING {@code stream}, RDB type 19
 * (RDB_TYPE_STREAM_LISTPACKS_2, Redis 7.0's: the nodes as key and listpack strings, the metadata,
 * then the groups with their PELs and consumers).
 */
public final class StreamType extends ValueType {
    public static final StreamType TYPE = new StreamType();

    /** OBJ_STREAM. */
    static final int OBJ_STREAM = 6;
    /** RDB_TYPE_STREAM_LISTPACKS_2. */
    static final int RDB_TYPE_STREAM_LISTPACKS_2 = 19;

    private StreamType() {
        super("stream");
    }

    @Override
    public String encoding(Object value) {
        return "stream";
    }

    @Override
    public Object duplicate(Object value) {
        return ((StreamValue) value).duplicate();
    }

    @Override
    public long heapSize(Object value) {
        return ((StreamValue) value).heapSize();
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        return ((StreamValue) value).serializedLength(compression);
    }

    @Override
    public int rdbType(Object value) {
        return RDB_TYPE_STREAM_LISTPACKS_2;
    }

    @Override
    public int objectType() {
        return OBJ_STREAM;
    }

    @Override
    public void digest(Object value, ValueDigest digest) {
        ((StreamValue) value).digest(digest);
    }

    /** A stream stays in the keyspace when its last entry goes, as in Redis. */
    @Override
    public boolean isEmpty(Object value) {
        return false;
    }

    /**
     * Redis's lazyfreeGetFreeEffort for a stream: the nodes of the rax its listpacks would be in,
     * plus the groups times one more than the first group's PEL size.
     */
    @Override
    public long freeEffort(Object value) {
        StreamValue s = (StreamValue) value;
        long effort = s.raxNodes();
        if (s.groupCount() > 0) {
            effort += (long) s.groupCount() * (1 + s.groups().firstEntry().getValue().pel().size());
        }
        return effort;
    }
}
