package dev.cinnabar.server.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;


/**
 * Names the value an operation failed on, as Lua 5.1's luaG_typeerror does: "attempt to index
 * local 't' (a nil value)", "attempt to call field 'nope' (a nil value)", "attempt to perform
 * arithmetic on global 'x' (a table value)". LuaJ's messages say only "a nil value"; the
 * interpreter (the shadowed LuaClosure) hands each error raised by one of its own instructions
 * here, with the function, the instruction and its registers, before the error leaves the frame.
 *
 * <p>The name comes from Lua 5.1's getobjname: a register that is an active local is that local;
 * otherwise the instruction that last set the register before this one, found by walking the
 * code from the start (following forward jumps that do not pass it), says what it held: a global
 * (a field of the _ENV upvalue in LuaJ's Lua 5.2 code), a field with a constant string key (else
 * '?'), an upvalue, a method, or a copy of a lower register, named in turn. Anything else, and
 * constants, get no name, as in Lua 5.1. The same names give the function of a "bad argument"
 * error the name its call site gives it.
 */
public final class LuaOperandNames {
    private LuaOperandNames() {
    }

    private static final String ATTEMPT = "attempt to ";
    private static final String[] OPERATIONS = {"index", "call", "perform arithmetic on", "concatenate",
        "get length of"};

    /**
     * Rewrites {@code error}'s message with the name of the operand of instruction {@code pc} it
     * is about, when the message is one of the type errors that instruction can raise and the
     * operand holds a value of the type the message names; otherwise leaves it alone.
     */
    public static void name(LuaError error, Prototype p, int pc, LuaValue[] stack, UpValue[] upvalues) {
        try {
            String message = error.getMessageWithoutPosition();
            if (message != null && message.startsWith(BAD_ARGUMENT)) {
                nameCallee(error, message, p, pc, stack);
                return;
            }
            if (message == null || !message.startsWith(ATTEMPT) || !message.endsWith(" value")) {
                return;
            }
            String operation = null;
            for (String op : OPERATIONS) {
                if (message.startsWith(ATTEMPT + op + " a ")) {
                    operation = op;
                    break;
                }
            }
            if (operation == null) {
                return;
            }
            String type = message.substring(ATTEMPT.length() + operation.length() + 3, message.length() - 6);
            String operand = operand(operation, type, p, pc, stack, upvalues);
            if (operand != null) {
                error.setMessageWithoutPosition(ATTEMPT + operation + " " + operand + " (a " + type + " value)");
            }
        } catch (RuntimeException e) {
            // a name is a courtesy: the error stands as it is
        }
    }

    private static final String BAD_ARGUMENT = "bad argument #";
    private static final java.util.regex.Pattern ARGUMENT_ERROR =
        java.util.regex.Pattern.compile("(?s)bad argument #(\\d+) to '([^']*)' \\((.*)\\)");

    /**
     * Lua 5.1's luaL_argerror names a function by the call that made it, not by what the function
     * is: {@code local r = string.rep; r()} is "bad argument #1 to 'r'", and a method call does
     * not count self ({@code s:rep()} is "bad argument #1 to 'rep'", "calling 'f' on bad self"
     * when self is the bad one). Only a library function called by this very instruction is
     * renamed; one called by another library function keeps its own name.
     */
    private static void nameCallee(LuaError error, String message, Prototype p, int pc, LuaValue[] stack) {
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        if (op != Lua.OP_CALL && op != Lua.OP_TAILCALL && op != Lua.OP_TFORCALL) {
            return;
        }
        java.util.regex.Matcher m = ARGUMENT_ERROR.matcher(message);
        int a = Lua.GETARG_A(i);
        if (!m.matches() || !(stack[a] instanceof LuaFunction) || !m.group(2).equals(((LuaFunction) stack[a]).name())) {
            return;
        }
        int n = Integer.parseInt(m.group(1));
        String[] callee = objectName(p, pc, a);
        String name = callee == null ? "?" : callee[1];
        if (callee != null && callee[0].equals("method")) {
            n--;
            if (n == 0) {
                error.setMessageWithoutPosition("calling '" + name + "' on bad self (" + m.group(3) + ")");
                return;
            }
        }
        error.setMessageWithoutPosition("bad argument #" + n + " to '" + name + "' (" + m.group(3) + ")");
    }

    /**
     * A library function called straight from another one (pcall) has no call site to be named
     * by: Lua 5.1 says '?'. For an error {@code function} raised itself, before any Lua frame.
     */
    public static void nameCalledFromLibrary(LuaError error, LuaValue function) {
        String message = error.getMessageWithoutPosition();
        if (error.raisedAt() != null || message == null || !message.startsWith(BAD_ARGUMENT)
                || !(function instanceof LuaFunction)) {
            return;
        }
        java.util.regex.Matcher m = ARGUMENT_ERROR.matcher(message);
        if (m.matches() && m.group(2).equals(((LuaFunction) function).name())) {
            error.setMessageWithoutPosition("bad argument #" + m.group(1) + " to '?' (" + m.group(3) + ")");
        }
    }

    private static String operand(String operation, String type, Prototype p, int pc, LuaValue[] stack,
            UpValue[] upvalues) {
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        int reg;
        switch (op) {
            case Lua.OP_GETTABLE:
            case Lua.OP_SELF:
                reg = operation.equals("index") ? b : -1;
                break;
            case Lua.OP_SETTABLE:
                reg = operation.equals("index") ? a : -1;
                break;
            case Lua.OP_GETTABUP:
            case Lua.OP_SETTABUP: {
                // Lua 5.1 loaded the upvalue into a register first (GETUPVAL), which names it
                int u = op == Lua.OP_GETTABUP ? b : a;
                if (!operation.equals("index") || !upvalues[u].getValue().typename().equals(type)) {
                    return null;
                }
                return "upvalue '" + p.upvalues[u].name.tojstring() + "'";
            }
            case Lua.OP_CALL:
            case Lua.OP_TAILCALL:
                reg = operation.equals("call") ? a : -1;
                break;
            case Lua.OP_ADD:
            case Lua.OP_SUB:
            case Lua.OP_MUL:
            case Lua.OP_DIV:
            case Lua.OP_MOD:
            case Lua.OP_POW: {
                if (!operation.equals("perform arithmetic on")) {
                    return null;
                }
                // the first operand that is not a number (or a string that converts to one)
                int bad = numeric(rk(b, p, stack)) ? c : b;
                reg = Lua.ISK(bad) ? -1 : bad;
                break;
            }
            case Lua.OP_UNM:
                reg = operation.equals("perform arithmetic on") ? b : -1;
                break;
            case Lua.OP_LEN:
                reg = operation.equals("get length of") ? b : -1;
                break;
            case Lua.OP_CONCAT:
                reg = operation.equals("concatenate") ? concatOperand(b, c, stack) : -1;
                break;
            default:
                return null;
        }
        if (reg < 0 || !stack[reg].typename().equals(type)) {
            return null;
        }
        String[] name = objectName(p, pc, reg);
        return name == null ? null : name[0] + " '" + name[1] + "'";
    }

    private static LuaValue rk(int x, Prototype p, LuaValue[] stack) {
        return Lua.ISK(x) ? p.k[Lua.INDEXK(x)] : stack[x];
    }

    private static boolean numeric(LuaValue v) {
        return v.type() == LuaValue.TNUMBER || (v.type() == LuaValue.TSTRING && v.isnumber());
    }

    private static boolean concatenable(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    /**
     * Lua 5.1 concatenates from the right, two values at a time, merging a run of strings into
     * one: the error is about the rightmost value that is not a string or a number, unless that
     * is the last one and the one before it is not either (then the pair's first is named).
     */
    private static int concatOperand(int from, int to, LuaValue[] stack) {
        int j = to;
        while (j >= from && concatenable(stack[j])) {
            j--;
        }
        if (j < from) {
            return -1;
        }
        if (j == to && to - 1 >= from && !concatenable(stack[to - 1])) {
            return to - 1;
        }
        return j;
    }

    /** Lua 5.1's getobjname: {kind, name}, the kind "local", "global", "field", "upvalue" or "method"; or null. */
    public static String[] objectName(Prototype p, int pc, int reg) {
        LuaString local = p.getlocalname(reg + 1, pc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        int setter = lastSetter(p, pc, reg);
        if (setter < 0) {
            return null;
        }
        int i = p.code[setter];
        switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_MOVE: {
                int b = Lua.GETARG_B(i);
                return b < Lua.GETARG_A(i) ? objectName(p, pc, b) : null;
            }
            case Lua.OP_GETTABUP: {
                LuaString up = p.upvalues[Lua.GETARG_B(i)].name;
                boolean global = up != null && up.tojstring().equals("_ENV");
                return new String[] {global ? "global" : "field", constantName(p, Lua.GETARG_C(i))};
            }
            case Lua.OP_GETTABLE:
                return new String[] {"field", constantName(p, Lua.GETARG_C(i))};
            case Lua.OP_GETUPVAL: {
                LuaString up = p.upvalues[Lua.GETARG_B(i)].name;
                return new String[] {"upvalue", up != null ? up.tojstring() : "?"};
            }
            case Lua.OP_SELF:
                return new String[] {"method", constantName(p, Lua.GETARG_C(i))};
            default:
                return null;
        }
    }

    /** Lua 5.1's kname: a constant string key, else "?". */
    private static String constantName(Prototype p, int c) {
        if (Lua.ISK(c)) {
            LuaValue k = p.k[Lua.INDEXK(c)];
            if (k.type() == LuaValue.TSTRING) {
                return k.tojstring();
            }
        }
        return "?";
    }

    /** The last instruction before {@code lastpc} that set register {@code reg}, or -1 (Lua's findsetreg). */
    private static int lastSetter(Prototype p, int lastpc, int reg) {
        int setter = -1;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL:
                    if (a <= reg && reg <= a + Lua.GETARG_B(i)) {
                        setter = pc;
                    }
                    break;
                case Lua.OP_TFORCALL:
                    if (reg >= a + 2) {
                        setter = pc;
                    }
                    break;
                case Lua.OP_CALL:
                case Lua.OP_TAILCALL:
                    if (reg >= a) {
                        setter = pc;
                    }
                    break;
                case Lua.OP_JMP: {
                    int dest = pc + 1 + Lua.GETARG_sBx(i);
                    if (pc < dest && dest <= lastpc) {
                        pc = dest - 1;
                    }
                    break;
                }
                case Lua.OP_TEST:
                    if (reg == a) {
                        setter = pc;
                    }
                    break;
                default:
                    if (Lua.testAMode(op) && reg == a) {
                        setter = pc;
                    }
                    break;
            }
        }
        return setter;
    }
}
