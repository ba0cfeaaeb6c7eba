package dev.cinnabar.datatypes.value;

import dev.cinnabar.datatypes.RawString;
import java.util.List;

/** Every value type, and the one place that tells a stored value's type. */
public final class ValueTypes {
    /** The registered types; a new type adds its line here. */
    private static final List<ValueType> ALL = List.of(StringType.TYPE, ListType.TYPE, HashType.TYPE, SetType.TYPE, ZSetType.TYPE, StreamType.TYPE);

    private ValueTypes() {
    }

    /**
     * The type of a stored value. A value of no known type is a bug in whatever stored it, so it
     * fails here rather than being answered as something it is not.
     */
    public static ValueType of(Object value) {
        if (value instanceof byte[] || value instanceof Long || value instanceof RawString) {
            return StringType.TYPE;
        }
        if (value instanceof TypedValue) {
            return ((TypedValue) value).type();
        }
        throw new IllegalStateException("no value type for "
                + (value == null ? "null" : value.getClass().getName()));
    }

    public static List<ValueType> all() {
        return ALL;
    }

    /** The type TYPE calls {@code name}, or null. */
    public static ValueType named(String name) {
        for (ValueType t : ALL) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
