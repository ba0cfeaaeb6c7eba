package dev.cinnabar.datatypes.stream;

/**
 * A pending entry of a consumer group (Redis's streamNACK): delivered, not yet acknowledged. The
 * same object is in the group's PEL and in its owner's.
 */
public final class StreamNack {
    /** Object header, two references, two longs. */
    static final int OBJECT = 40;

    public final StreamId id;
    /** Unix milliseconds of the last delivery. */
    public long deliveryTime;
    public long deliveryCount;
    public StreamConsumer consumer;

    StreamNack(StreamId id, StreamConsumer consumer, long now) {
        this.id = id;
        this.consumer = consumer;
        this.deliveryTime = now;
        this.deliveryCount = 1;
    }
}
