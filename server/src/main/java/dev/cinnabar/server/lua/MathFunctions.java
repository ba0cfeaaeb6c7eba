package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** Lua 5.1's math library, with Redis's math.random and math.randomseed. */
final class MathFunctions extends LibFunction51 {
    private static final String[] NAMES = {"abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg",
        "exp", "floor", "fmod", "frexp", "ldexp", "log", "log10", "max", "min", "mod", "modf", "pow", "rad",
        "random", "randomseed", "sin", "sinh", "sqrt", "tan", "tanh"};
    private static final int ABS = 0, ACOS = 1, ASIN = 2, ATAN = 3, ATAN2 = 4, CEIL = 5, COS = 6, COSH = 7, DEG = 8,
        EXP = 9, FLOOR = 10, FMOD = 11, FREXP = 12, LDEXP = 13, LOG = 14, LOG10 = 15, MAX = 16, MIN = 17, MOD = 18,
        MODF = 19, POW = 20, RAD = 21, RANDOM = 22, RANDOMSEED = 23, SIN = 24, SINH = 25, SQRT = 26, TAN = 27,
        TANH = 28;
    private static final double RADIANS_PER_DEGREE = Math.PI / 180.0;
    private static final double NEG_NAN = Double.longBitsToDouble(0xfff8000000000000L);

    private final LuaRandom random;

    private MathFunctions(String name, int op, LuaRandom random) {
        super(name, op);
        this.random = random;
    }

    static LuaTable create(LuaRandom random) {
        LuaTable t = new LuaTable();
        register(t, NAMES, (n, op) -> new MathFunctions(n, op, random));
        t.rawset("pi", valueOf(Math.PI));
        t.rawset("huge", valueOf(Double.POSITIVE_INFINITY));
        return t;
    }

    private double num(Varargs a, int n) {
        return LuaErrors.checkNumber(a, n, name);
    }

    private static LuaValue nanIfNew(double r, double in) {
        // a NaN made by the FPU from a non-NaN operand has its sign bit set on x86 ("-nan")
        return valueOf(r != r && in == in ? NEG_NAN : r);
    }

    /** glibc's acos and asin answer a domain error with a positive NaN ("nan"). */
    private static LuaValue positiveNan(double r) {
        return valueOf(r != r ? Double.NaN : r);
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case ABS:
                return valueOf(Math.abs(num(a, 1)));
            case ACOS:
                return positiveNan(Math.acos(num(a, 1)));
            case ASIN:
                return positiveNan(Math.asin(num(a, 1)));
            case ATAN:
                return valueOf(Math.atan(num(a, 1)));
            case ATAN2: {
                double y = num(a, 2); // the second first: see FMOD
                return valueOf(Math.atan2(num(a, 1), y));
            }
            case CEIL:
                return valueOf(Math.ceil(num(a, 1)));
            case COS:
                return valueOf(Math.cos(num(a, 1)));
            case COSH:
                return valueOf(Math.cosh(num(a, 1)));
            case DEG:
                return valueOf(num(a, 1) / RADIANS_PER_DEGREE);
            case EXP:
                return valueOf(Math.exp(num(a, 1)));
            case FLOOR:
                return valueOf(Math.floor(num(a, 1)));
            case FMOD:
            case MOD: {
                // Lua 5.1 reads both in one C call, f(check(1), check(2)), whose arguments gcc
                // evaluates right to left: with both bad, the error names #2.
                double y = num(a, 2);
                double x = num(a, 1);
                return y == y ? nanIfNew(x % y, x) : valueOf(y);
            }
            case FREXP: {
                double x = num(a, 1);
                if (x == 0 || x != x || Double.isInfinite(x)) {
                    return varargsOf(valueOf(x), valueOf(0));
                }
                int e = Math.getExponent(x);
                double m;
                if (e == Double.MIN_EXPONENT - 1) {
                    // subnormal: scale up first
                    double y = x * 0x1p54;
                    e = Math.getExponent(y) - 54;
                    m = Math.scalb(x, -(e + 1));
                } else {
                    m = Math.scalb(x, -(e + 1));
                }
                return varargsOf(valueOf(m), valueOf(e + 1));
            }
            case LDEXP: {
                int e = LuaErrors.checkInt(a, 2, name); // the second first: see FMOD
                return valueOf(Math.scalb(num(a, 1), e));
            }
            case LOG: {
                double x = num(a, 1);
                return nanIfNew(Math.log(x), x);
            }
            case LOG10: {
                double x = num(a, 1);
                return nanIfNew(Math.log10(x), x);
            }
            case MAX:
            case MIN: {
                double r = num(a, 1);
                int n = a.narg();
                for (int i = 2; i <= n; i++) {
                    double d = num(a, i);
                    if (op == MAX ? d > r : d < r) {
                        r = d;
                    }
                }
                return valueOf(r);
            }
            case MODF: {
                double x = num(a, 1);
                double ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
                // C's modf: the fraction has x's sign, -0 for a whole negative number.
                double fp = Double.isInfinite(x) ? Math.copySign(0.0, x) : Math.copySign(x - ip, x);
                return varargsOf(valueOf(ip), valueOf(fp));
            }
            case POW: {
                double y = num(a, 2); // the second first: see FMOD
                return valueOf(org.luaj.vm2.LuaDouble.pow51(num(a, 1), y));
            }
            case RAD:
                return valueOf(num(a, 1) * RADIANS_PER_DEGREE);
            case RANDOM:
                return random(a);
            case RANDOMSEED:
                if (!random.allowed()) {
                    throw new LuaError("math.randomseed can only be called inside a script invocation");
                }
                random.seed(LuaErrors.checkInt(a, 1, name));
                return NONE;
            case SIN:
                return valueOf(Math.sin(num(a, 1)));
            case SINH:
                return valueOf(Math.sinh(num(a, 1)));
            case SQRT: {
                double x = num(a, 1);
                return nanIfNew(Math.sqrt(x), x);
            }
            case TAN:
                return valueOf(Math.tan(num(a, 1)));
            case TANH:
                return valueOf(Math.tanh(num(a, 1)));
            default:
                return NONE;
        }
    }

    private Varargs random(Varargs a) {
        if (!random.allowed()) {
            throw new LuaError("math.random can only be called inside a script invocation");
        }
        double r = (double) (random.next() % Integer.MAX_VALUE) / (double) Integer.MAX_VALUE;
        switch (a.narg()) {
            case 0:
                return valueOf(r);
            case 1: {
                int u = LuaErrors.checkInt(a, 1, name);
                if (u < 1) {
                    throw LuaErrors.arg(1, name, "interval is empty");
                }
                return valueOf(Math.floor(r * u) + 1);
            }
            case 2: {
                int l = LuaErrors.checkInt(a, 1, name);
                int u = LuaErrors.checkInt(a, 2, name);
                if (l > u) {
                    throw LuaErrors.arg(2, name, "interval is empty");
                }
                return valueOf(Math.floor(r * ((double) u - l + 1)) + l);
            }
            default:
                throw new LuaError("wrong number of arguments");
        }
    }
}
