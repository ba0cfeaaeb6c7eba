package dev.cinnabar.server.config;

import dev.cinnabar.datatypes.Numbers;

/**
 * A number directive with Redis's bounds and spellings. The C type behind each Redis directive
 * matters for its errors: unsigned ones compare bounds unsigned, so {@code -1} is "too big" for
 * them; memory values take units; percent values are stored negative; octal ones are permissions.
 */
final class NumericDirective extends Directive {
    enum Kind {
        SIGNED, UNSIGNED
    }

    static final int INTEGER = 0;
    static final int MEMORY = 1;
    static final int PERCENT = 2;
    static final int OCTAL = 4;

    /** Adjusts or refuses a parsed value; returns the value to store. */
    interface Check {
        long check(long value) throws ConfigError;
    }

    private final FieldRef field;
    private final Kind kind;
    private final int format;
    private final long lower;
    private final long upper;
    private final long defaultValue;
    private Check check;

    NumericDirective(String name, String alias, int flags, String field, Kind kind, int format,
            long lower, long upper, long defaultValue) {
        super(name, alias, flags);
        this.field = FieldRef.of(field);
        this.kind = kind;
        this.format = format;
        this.lower = lower;
        this.upper = upper;
        this.defaultValue = defaultValue;
    }

    NumericDirective check(Check c) {
        this.check = c;
        return this;
    }

    @Override
    public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
        long v = parse(args[0]);
        checkBounds(v);
        if (check != null) {
            v = check.check(v);
        }
        if (value(c) == v) {
            return Result.UNCHANGED;
        }
        field.setLong(c, v);
        return Result.CHANGED;
    }

    private long parse(String s) throws ConfigError {
        if ((format & MEMORY) != 0) {
            Long m = MemoryUnits.parse(s);
            if (m != null) {
                return m;
            }
        }
        if ((format & PERCENT) != 0 && s.length() > 1 && s.endsWith("%")) {
            byte[] b = ServerConfig.bytes(s);
            if (Numbers.isLong(b, 0, b.length - 1)) {
                long p = Numbers.parseLong(b, 0, b.length - 1);
                if (p >= 0) {
                    return -p;
                }
            }
        }
        if ((format & OCTAL) != 0) {
            Long o = parseOctal(s);
            if (o != null) {
                return o;
            }
        }
        if (format == INTEGER) {
            byte[] b = ServerConfig.bytes(s);
            if (Numbers.isLong(b, 0, b.length)) {
                return Numbers.parseLong(b, 0, b.length);
            }
        }
        if ((format & MEMORY) != 0 && (format & PERCENT) != 0) {
            throw new ConfigError("argument must be a memory or percent value");
        } else if ((format & MEMORY) != 0) {
            throw new ConfigError("argument must be a memory value");
        } else if ((format & OCTAL) != 0) {
            throw new ConfigError("argument couldn't be parsed as an octal number");
        }
        throw new ConfigError("argument couldn't be parsed into an integer");
    }

    /** C's strtoll in base 8: leading blanks and a sign allowed, nothing after the digits. */
    private static Long parseOctal(String s) {
        int p = 0;
        while (p < s.length() && Quoting.isSpace(s.charAt(p))) {
            p++;
        }
        boolean negative = false;
        if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            negative = s.charAt(p) == '-';
            p++;
        }
        int start = p;
        long v = 0;
        while (p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '7') {
            if (v > (Long.MAX_VALUE >> 3)) {
                return null;
            }
            v = v * 8 + (s.charAt(p) - '0');
            p++;
        }
        if (p == start) {
            // No digits: strtoll converts nothing and the whole text must have been empty.
            return s.isEmpty() ? 0L : null;
        }
        return p == s.length() ? (negative ? -v : v) : null;
    }

    private void checkBounds(long v) throws ConfigError {
        if (kind == Kind.UNSIGNED) {
            if (Long.compareUnsigned(v, upper) > 0 || Long.compareUnsigned(v, lower) < 0) {
                if ((format & OCTAL) != 0) {
                    throw new ConfigError("argument must be between " + Long.toOctalString(lower) + " and "
                            + Long.toOctalString(upper) + " inclusive");
                }
                throw new ConfigError("argument must be between " + Long.toUnsignedString(lower) + " and "
                        + Long.toUnsignedString(upper) + " inclusive");
            }
            return;
        }
        if ((format & PERCENT) != 0 && v < 0) {
            if (v < lower) {
                throw new ConfigError("percentage argument must be less or equal to " + -lower);
            }
            return;
        }
        if (v > upper || v < lower) {
            throw new ConfigError("argument must be between " + lower + " and " + upper + " inclusive");
        }
    }

    /** The stored value; an unsigned 32-bit one kept in an int field reads back unsigned. */
    long value(ServerConfig c) {
        long v = field.getLong(c);
        if (field.type == int.class && kind == Kind.UNSIGNED) {
            return Integer.toUnsignedLong((int) v);
        }
        return v;
    }

    @Override
    public String get(ServerConfig c) {
        long v = value(c);
        if ((format & PERCENT) != 0 && v < 0) {
            return -v + "%";
        }
        if ((format & MEMORY) != 0) {
            return Long.toUnsignedString(v);
        }
        if ((format & OCTAL) != 0) {
            return Long.toOctalString(v);
        }
        return Long.toString(v);
    }

    @Override
    public void rewrite(ServerConfig c, ConfigRewriter.State state) {
        long v = value(c);
        if ((format & PERCENT) != 0 && v < 0) {
            state.rewriteLine(name, name + " " + -v + "%", -v != defaultValue);
        } else if ((format & MEMORY) != 0) {
            state.rewriteLine(name, name + " " + MemoryUnits.format(v), v != defaultValue);
        } else if ((format & OCTAL) != 0) {
            state.rewriteLine(name, name + " " + Long.toOctalString(v), v != defaultValue);
        } else {
            state.rewriteLine(name, name + " " + v, v != defaultValue);
        }
    }
}
