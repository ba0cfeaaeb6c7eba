package dev.cinnabar.server.config;

/**
 * A string directive. Those Redis keeps as "unset" when empty ({@code nullable}) have no default
 * and are left out of a rewrite while empty.
 */
final class StringDirective extends Directive {
    /** Refuses a value with Redis's reason, or returns null. */
    interface Check {
        String error(String value);
    }

    private final FieldRef field;
    private final boolean nullable;
    private final String defaultValue;
    private final Check check;

    StringDirective(String name, String alias, int flags, String field, boolean nullable, String defaultValue, Check check) {
        super(name, alias, flags);
        this.field = FieldRef.of(field);
        this.nullable = nullable;
        this.defaultValue = defaultValue;
        this.check = check;
    }

    @Override
    public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
        String v = args[0];
        if (check != null) {
            String err = check.error(v);
            if (err != null) {
                throw new ConfigError(err);
            }
        }
        if (field.getString(c).equals(v)) {
            return Result.UNCHANGED;
        }
        field.setString(c, v);
        return Result.CHANGED;
    }

    @Override
    public String get(ServerConfig c) {
        return field.getString(c);
    }

    @Override
    public void rewrite(ServerConfig c, ConfigRewriter.State state) {
        String v = field.getString(c);
        if (nullable && v.isEmpty()) {
            state.markProcessed(name);
            return;
        }
        boolean force = defaultValue == null || !v.equals(defaultValue);
        state.rewriteLine(name, name + " " + Quoting.repr(v), force);
    }
}
