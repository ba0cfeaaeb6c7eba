package dev.cinnabar.server.lua;

/**
 * The generator behind math.random and math.randomseed in Redis: lrand48 (48-bit linear
 * congruential, a = 0x5DEECE66D, c = 0xB) with the classic initial state, so a given seed yields the
 * same sequence on every platform. Redis 7.0 keeps one such state for the whole process and does
 * not reseed it per script: share one instance between the Lua states of a server.
 */
public final class LuaRandom {
    private static final long A = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;
    /** RAND48's initial state, 0x1234ABCD330E. */
    private static final long INITIAL = 0x1234ABCD330EL;

    private long x = INITIAL;
    private boolean allowed = true;

    /**
     * Whether math.random and math.randomseed may run: Redis refuses them outside a script
     * invocation ("math.random can only be called inside a script invocation"), e.g. while FUNCTION
     * LOAD runs a library's body. On by default.
     */
    public void allow(boolean allowed) {
        this.allowed = allowed;
    }

    boolean allowed() {
        return allowed;
    }

    /** redisSrand48: the seed becomes the high 32 bits, 0x330E the low 16. */
    public void seed(int seed) {
        x = (((long) seed & 0xffffffffL) << 16) | 0x330EL;
    }

    /** Back to the state a fresh process has. */
    public void reset() {
        x = INITIAL;
    }

    /** redisLrand48: the next value in [0, 2^31). */
    public int next() {
        x = (A * x + 0xB) & MASK;
        return (int) (x >>> 17);
    }
}
