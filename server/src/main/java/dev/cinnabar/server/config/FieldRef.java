package dev.cinnabar.server.config;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * A {@link ServerConfig} field named in the directive table. Looked up once when the table is
 * built, so a misspelt field fails the server's start, not a CONFIG SET.
 */
final class FieldRef {
    private final VarHandle handle;
    final Class<?> type;

    private FieldRef(VarHandle handle, Class<?> type) {
        this.handle = handle;
        this.type = type;
    }

    static FieldRef of(String fieldName) {
        try {
            Field f = ServerConfig.class.getField(fieldName);
            return new FieldRef(MethodHandles.lookup().unreflectVarHandle(f), f.getType());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ServerConfig has no usable field " + fieldName, e);
        }
    }

    long getLong(ServerConfig c) {
        return type == int.class ? (int) handle.get(c) : (long) handle.get(c);
    }

    void setLong(ServerConfig c, long v) {
        if (type == int.class) {
            handle.set(c, (int) v);
        } else {
            handle.set(c, v);
        }
    }

    boolean getBool(ServerConfig c) {
        return (boolean) handle.get(c);
    }

    void setBool(ServerConfig c, boolean v) {
        handle.set(c, v);
    }

    String getString(ServerConfig c) {
        return (String) handle.get(c);
    }

    void setString(ServerConfig c, String v) {
        handle.set(c, v);
    }
}
