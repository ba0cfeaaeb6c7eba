package dev.cinnabar.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A directive with a fixed set of words. Several words may map to one value ({@code yes} and
 * {@code relative} for oom-score-adj); CONFIG GET prints the first. A flags enum takes several
 * words at once and ORs their values, 0 being the word for none.
 */
final class EnumDirective extends Directive {
    /** Refuses a combination with Redis's reason, or returns null. */
    interface Check {
        String error(int value);
    }

    private final FieldRef field;
    private final String[] names;
    private final int[] values;
    private final int defaultValue;
    private final boolean flagsEnum;
    private final Check check;

    EnumDirective(String name, String alias, int flags, String field, String[] names, int[] values,
            int defaultValue, boolean flagsEnum, Check check) {
        super(name, alias, flags | (flagsEnum ? MULTI_ARG : 0));
        this.field = FieldRef.of(field);
        this.names = names;
        this.values = values;
        this.defaultValue = defaultValue;
        this.flagsEnum = flagsEnum;
        this.check = check;
    }

    /** An enum whose values are the words' positions, stored as the canonical word. */
    static EnumDirective words(String name, String alias, int flags, String field, String defaultWord, String... words) {
        int[] values = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            values[i] = i;
        }
        int def = -1;
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals(defaultWord)) {
                def = i;
            }
        }
        return new EnumDirective(name, alias, flags, field, words, values, def, false, null);
    }

    @Override
    public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
        int v = 0;
        if (args.length == 0) {
            throw new ConfigError(choices());
        }
        for (String a : args) {
            int found = lookup(a);
            if (found == Integer.MIN_VALUE) {
                throw new ConfigError(choices());
            }
            v |= found;
        }
        if (check != null) {
            String err = check.error(v);
            if (err != null) {
                throw new ConfigError(err);
            }
        }
        if (current(c) == v) {
            return Result.UNCHANGED;
        }
        store(c, v);
        return Result.CHANGED;
    }

    private int lookup(String word) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(word)) {
                return values[i];
            }
        }
        return Integer.MIN_VALUE;
    }

    private String choices() {
        String s = "argument(s) must be one of the following: " + String.join(", ", names);
        return s.length() > 255 ? s.substring(0, 255) : s;
    }

    private int current(ServerConfig c) {
        if (field.type == int.class) {
            return (int) field.getLong(c);
        }
        return lookup(field.getString(c));
    }

    private void store(ServerConfig c, int v) {
        if (field.type == int.class) {
            field.setLong(c, v);
        } else {
            field.setString(c, nameOf(v));
        }
    }

    private String nameOf(int v) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] == v) {
                return names[i];
            }
        }
        if (!flagsEnum) {
            return "unknown";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (values[i] != 0 && (v & values[i]) == values[i]) {
                parts.add(names[i]);
            }
        }
        return String.join(" ", parts);
    }

    @Override
    public String get(ServerConfig c) {
        return nameOf(current(c));
    }

    @Override
    public void rewrite(ServerConfig c, ConfigRewriter.State state) {
        int v = current(c);
        state.rewriteLine(name, name + " " + nameOf(v), v != defaultValue);
    }
}
