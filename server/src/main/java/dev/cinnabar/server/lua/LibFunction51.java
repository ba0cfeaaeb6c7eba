package dev.cinnabar.server.lua;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.lib.VarArgFunction;

/** A library function dispatched on a small opcode; {@code name} is used in error texts. */
abstract class LibFunction51 extends VarArgFunction {
    final int op;

    LibFunction51(String name, int op) {
        this.name = name;
        this.op = op;
    }

    /** The name error texts use, which LuaOperandNames matches against the call that failed. */
    @Override
    public String name() {
        return name;
    }

    interface Factory {
        LibFunction51 make(String name, int op);
    }

    /** Puts one function per name into t, the opcode being the name's index. */
    static void register(LuaTable t, String[] names, Factory f) {
        for (int i = 0; i < names.length; i++) {
            t.rawset(names[i], f.make(names[i], i));
        }
    }
}
