package dev.cinnabar.server.config;

import java.lang.reflect.Field;

/**
 * A {@link ServerConfig} field named in the directive table. Looked up once when the table is
 * built, so a misspelt field fails the server's start, not a CONFIG SET. Plain reflection is
 * enough: values are read and written only by config commands, never on a hot path, and it keeps
 * building the table (part of every start) cheap.
 */
final class FieldRef {
    private final Field field;
    final Class<?> type;

    private FieldRef(Field field) {
        this.field = field;
        this.type = field.getType();
    }

    static FieldRef of(String fieldName) {
        try {
            return new FieldRef(ServerConfig.class.getField(fieldName));
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("ServerConfig has no field " + fieldName, e);
        }
    }

    long getLong(ServerConfig c) {
        try {
            return type == int.class ? field.getInt(c) : field.getLong(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    void setLong(ServerConfig c, long v) {
        try {
            if (type == int.class) {
                field.setInt(c, (int) v);
            } else {
                field.setLong(c, v);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean getBool(ServerConfig c) {
        try {
            return field.getBoolean(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    void setBool(ServerConfig c, boolean v) {
        try {
            field.setBoolean(c, v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    String getString(ServerConfig c) {
        try {
            return (String) field.get(c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    void setString(ServerConfig c, String v) {
        try {
            field.set(c, v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
