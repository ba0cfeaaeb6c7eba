package dev.cinnabar.datatypes.value;

/**
 * A value object that knows its type: every collection class stored in the keyspace implements
 * it. Strings are the exception: they are stored as plain {@code byte[]}, {@code Long} or
 * {@link dev.cinnabar.datatypes.RawString}, so that a string key costs no wrapper object.
 */
public interface TypedValue {
    ValueType type();
}
