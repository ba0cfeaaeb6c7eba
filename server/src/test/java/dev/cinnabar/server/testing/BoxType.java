package dev.cinnabar.server.testing;

import dev.cinnabar.datatypes.value.TypedValue;
import dev.cinnabar.datatypes.value.ValueDigest;
import dev.cinnabar.datatypes.value.ValueType;

/**
 * A value type that exists only in tests, plugged in the way a collection type is: tests store a
 * {@link Box} to see that commands treat a value through its type (and that the string commands
 * refuse it with WRONGTYPE) without depending on a real collection.
 */
public final class BoxType extends ValueType {
    public static final BoxType TYPE = new BoxType();

    private BoxType() {
        super("box");
    }

    /** A box whose heap size is {@code size} bytes. */
    public static Box box(int size) {
        return new Box(size);
    }

    public static Box box() {
        return box(16);
    }

    @Override
    public String encoding(Object value) {
        return "cardboard";
    }

    @Override
    public Object duplicate(Object value) {
        return new Box(((Box) value).size);
    }

    @Override
    public long heapSize(Object value) {
        return ((Box) value).size;
    }

    @Override
    public long serializedLength(Object value, boolean compression) {
        return 7;
    }

    @Override
    public int rdbType(Object value) {
        return 42;
    }

    /** Redis's OBJ_MODULE: the number a type of its own would have there. */
    @Override
    public int objectType() {
        return 5;
    }

    @Override
    public void digest(Object value, ValueDigest digest) {
        digest.mixInt(((Box) value).size);
    }

    public static final class Box implements TypedValue {
        final int size;

        Box(int size) {
            this.size = size;
        }

        @Override
        public ValueType type() {
            return TYPE;
        }
    }
}
