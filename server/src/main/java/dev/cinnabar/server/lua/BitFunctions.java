package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.Varargs;

/** The {@code bit} library (LuaBitOp) as Redis ships it: 32-bit operations, results signed. */
final class BitFunctions extends LibFunction51 {
    private static final String[] NAMES = {"tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift",
        "rol", "ror", "bswap", "tohex"};
    private static final int TOBIT = 0, BNOT = 1, BAND = 2, BOR = 3, BXOR = 4, LSHIFT = 5, RSHIFT = 6,
        ARSHIFT = 7, ROL = 8, ROR = 9, BSWAP = 10, TOHEX = 11;
    private static final byte[] LOWER = "0123456789abcdef".getBytes();
    private static final byte[] UPPER = "0123456789ABCDEF".getBytes();

    private BitFunctions(String name, int op) {
        super(name, op);
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        register(t, NAMES, BitFunctions::new);
        return t;
    }

    /** LuaBitOp's argument conversion: add 2^52+2^51 and keep the low 32 bits (rounds to nearest even). */
    private int barg(Varargs a, int n) {
        double d = LuaErrors.checkNumber(a, n, name);
        return (int) Double.doubleToRawLongBits(d + 6755399441055744.0);
    }

    @Override
    public Varargs invoke(Varargs a) {
        switch (op) {
            case TOBIT:
                return valueOf(barg(a, 1));
            case BNOT:
                return valueOf(~barg(a, 1));
            case BAND:
            case BOR:
            case BXOR: {
                int b = barg(a, 1);
                for (int i = a.narg(); i > 1; i--) {
                    int x = barg(a, i);
                    b = op == BAND ? b & x : op == BOR ? b | x : b ^ x;
                }
                return valueOf(b);
            }
            case LSHIFT:
            case RSHIFT:
            case ARSHIFT:
            case ROL:
            case ROR: {
                int b = barg(a, 1);
                int n = barg(a, 2) & 31;
                switch (op) {
                    case LSHIFT:
                        return valueOf(b << n);
                    case RSHIFT:
                        return valueOf(b >>> n);
                    case ARSHIFT:
                        return valueOf(b >> n);
                    case ROL:
                        return valueOf(Integer.rotateLeft(b, n));
                    default:
                        return valueOf(Integer.rotateRight(b, n));
                }
            }
            case BSWAP:
                return valueOf(Integer.reverseBytes(barg(a, 1)));
            case TOHEX: {
                int b = barg(a, 1);
                int n = a.narg() < 2 ? 8 : barg(a, 2);
                byte[] digits = LOWER;
                if (n < 0) {
                    n = -n;
                    digits = UPPER;
                }
                if (n > 8 || n < 0) {
                    n = 8;
                }
                byte[] buf = new byte[n];
                for (int i = n; --i >= 0;) {
                    buf[i] = digits[b & 15];
                    b >>>= 4;
                }
                return LuaString.valueUsing(buf);
            }
            default:
                return NONE;
        }
    }
}
