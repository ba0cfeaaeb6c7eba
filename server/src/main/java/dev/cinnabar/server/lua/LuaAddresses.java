package dev.cinnabar.server.lua;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What tostring prints for a table, a function or a coroutine: Lua 5.1 prints the object's
 * address ("table: 0x7f3a5c43e8c0"), different for every live object, and scripts use it as an
 * identity (a key per table or closure). Java has no stable address; each object gets a made-up
 * one, unique in the process, the first time it is printed.
 */
public final class LuaAddresses {
    /** Where the made-up addresses start: where a 64-bit Linux heap's would be. */
    private static final long BASE = 0x7f0000000000L;
    private static final AtomicLong ISSUED = new AtomicLong();

    private LuaAddresses() {
    }

    public static long next() {
        return BASE + ISSUED.incrementAndGet() * 0x40;
    }

    /** "type: 0x..." as Lua's %p prints it. */
    public static String format(String type, long address) {
        return type + ": 0x" + Long.toHexString(address);
    }
}
