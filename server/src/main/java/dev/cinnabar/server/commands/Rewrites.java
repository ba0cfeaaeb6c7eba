package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import java.nio.charset.StandardCharsets;

/**
 * The forms in which commands propagate when their own arguments would not replay the same
 * effect on a replica or from the AOF, as Redis 7.0 rewrites them: relative times become
 * absolute (SET EX as SET PXAT, EXPIRE as PEXPIREAT), reads with side effects become the write
 * they amount to (GETDEL as DEL, GETEX as PEXPIREAT or PERSIST), a computed value is sent as
 * the value (INCRBYFLOAT as SET KEEPTTL). Each builds its command only when something listens,
 * from slices of the running command's arguments, and hands it to {@link Client#propagateAs}.
 */
final class Rewrites {
    private static final byte[] SET = ascii("SET");
    private static final byte[] PXAT = ascii("PXAT");
    private static final byte[] KEEPTTL = ascii("KEEPTTL");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] PERSIST = ascii("PERSIST");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] UNLINK = ascii("UNLINK");

    private Rewrites() {
    }

    private static boolean wanted(Client c) {
        return c.server.propagation().active();
    }

    /** {@code SET key value PXAT when}: SET, SETEX and PSETEX with an expiry. */
    static void setPxat(Client c, int valueArg, long when) {
        if (wanted(c)) {
            Argv p = new Argv(5);
            p.add(SET);
            add(p, c.argv, 1);
            add(p, c.argv, valueArg);
            p.add(PXAT);
            p.add(Numbers.toBytes(when));
            c.propagateAs(p);
        }
    }

    /** {@code SET key value}: GETSET. */
    static void set(Client c) {
        if (wanted(c)) {
            Argv p = new Argv(3);
            p.add(SET);
            add(p, c.argv, 1);
            add(p, c.argv, 2);
            c.propagateAs(p);
        }
    }

    /** {@code SET key value KEEPTTL}: INCRBYFLOAT, with the value it computed. */
    static void setKeepTtl(Client c, byte[] value) {
        if (wanted(c)) {
            Argv p = new Argv(4);
            p.add(SET);
            add(p, c.argv, 1);
            p.add(value);
            p.add(KEEPTTL);
            c.propagateAs(p);
        }
    }

    /** The command without its GET arguments (SET ... GET without an expiry). */
    static void withoutGet(Client c) {
        if (wanted(c)) {
            Argv a = c.argv;
            Argv p = new Argv(a.count());
            for (int i = 0; i < a.count(); i++) {
                if (i < 3 || !a.is(i, "get")) {
                    add(p, a, i);
                }
            }
            c.propagateAs(p);
        }
    }

    /**
     * {@code PEXPIREAT key when} followed by the command's arguments from {@code firstOption}
     * on (EXPIRE's NX, XX, GT, LT, kept as the client wrote them).
     */
    static void pexpireat(Client c, long when, int firstOption) {
        if (wanted(c)) {
            Argv a = c.argv;
            Argv p = new Argv(3 + Math.max(0, a.count() - firstOption));
            p.add(PEXPIREAT);
            add(p, a, 1);
            p.add(Numbers.toBytes(when));
            for (int i = firstOption; i < a.count(); i++) {
                add(p, a, i);
            }
            c.propagateAs(p);
        }
    }

    /** {@code PERSIST key}: GETEX PERSIST. */
    static void persist(Client c) {
        keyCommand(c, PERSIST);
    }

    /** {@code DEL key}, or {@code UNLINK key}: a read that deleted its key (GETDEL, GETEX or EXPIRE in the past). */
    static void delete(Client c, boolean unlink) {
        keyCommand(c, unlink ? UNLINK : DEL);
    }

    private static void keyCommand(Client c, byte[] name) {
        if (wanted(c)) {
            Argv p = new Argv(2);
            p.add(name);
            add(p, c.argv, 1);
            c.propagateAs(p);
        }
    }

    private static void add(Argv to, Argv from, int i) {
        to.add(from.array(i), from.offset(i), from.length(i));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
