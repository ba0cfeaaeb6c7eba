package dev.cinnabar.server.config;

/** A yes/no directive. */
final class BoolDirective extends Directive {
    /** Refuses a value for a reason of its own, as activedefrag does where it cannot work. */
    interface Check {
        String error(boolean value);
    }

    private final FieldRef field;
    private final boolean defaultValue;
    private final Check check;

    BoolDirective(String name, String alias, int flags, String field, boolean defaultValue, Check check) {
        super(name, alias, flags);
        this.field = FieldRef.of(field);
        this.defaultValue = defaultValue;
        this.check = check;
    }

    static int yesNo(String s) {
        if (s.equalsIgnoreCase("yes")) {
            return 1;
        }
        if (s.equalsIgnoreCase("no")) {
            return 0;
        }
        return -1;
    }

    @Override
    public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
        int yn = yesNo(args[0]);
        if (yn < 0) {
            throw new ConfigError("argument must be 'yes' or 'no'");
        }
        boolean v = yn == 1;
        if (check != null) {
            String err = check.error(v);
            if (err != null) {
                throw new ConfigError(err);
            }
        }
        if (field.getBool(c) == v) {
            return Result.UNCHANGED;
        }
        field.setBool(c, v);
        return Result.CHANGED;
    }

    @Override
    public String get(ServerConfig c) {
        return field.getBool(c) ? "yes" : "no";
    }

    @Override
    public void rewrite(ServerConfig c, ConfigRewriter.State state) {
        boolean v = field.getBool(c);
        state.rewriteLine(name, name + " " + (v ? "yes" : "no"), v != defaultValue);
    }
}
