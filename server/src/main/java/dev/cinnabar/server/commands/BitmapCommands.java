package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Bitmaps;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.exec.CommandHandlers;

/**
 * The bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD is in
 * {@link BitfieldCommand}). Bit 0 is the most significant bit of the first byte. A write turns
 * the value into a raw string changed in place ({@link RawString}), grown with zero bytes as
 * Redis's sdsgrowzero grows it (geometrically).
 */
public final class BitmapCommands {
    static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    static final String BIT_VALUE = "ERR bit is not an integer or out of range";
    static final String BIT_ARG = "ERR The bit argument must be 1 or 0.";
    static final String NOT_SINGLE = "ERR BITOP NOT must be called with a single source key.";

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("setbit", this, 0);
            t.bind("getbit", this, 1);
            t.bind("bitcount", this, 2);
            t.bind("bitpos", this, 3);
            t.bind("bitop", this, 4);
            t.bind("bitfield", this, 5);
            t.bind("bitfield_ro", this, 6);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> BitmapCommands.setbit(c);
                case 1 -> BitmapCommands.getbit(c);
                case 2 -> BitmapCommands.bitcount(c);
                case 3 -> BitmapCommands.bitpos(c);
                case 4 -> BitmapCommands.bitop(c);
                case 5 -> BitfieldCommand.bitfield(c, false);
                case 6 -> BitfieldCommand.bitfield(c, true);
                default -> throw new IllegalArgumentException("BitmapCommands has no handler " + handler);
            }
        }
    }

    /**
     * A bit offset as Redis reads it: a strict integer, times {@code bits} when written
     * {@code #n} and {@code hash} allows it, not negative, and addressing a byte below
     * {@code proto-max-bulk-len}.
     */
    static long bitOffset(Client c, int i, boolean hash, int bits) {
        Argv a = c.argv;
        int off = a.offset(i);
        int len = a.length(i);
        boolean useHash = hash && bits > 0 && len > 0 && a.array(i)[off] == '#';
        if (useHash) {
            off++;
            len--;
        }
        if (!dev.cinnabar.datatypes.Numbers.isLong(a.array(i), off, len)) {
            throw new CommandError(BIT_OFFSET);
        }
        long offset = dev.cinnabar.datatypes.Numbers.parseLong(a.array(i), off, len);
        if (useHash) {
            offset *= bits;
        }
        if (offset < 0 || (offset >> 3) >= c.server.config().protoMaxBulkLen) {
            throw new CommandError(BIT_OFFSET);
        }
        return offset;
    }

    // SETBIT key offset value
    static void setbit(Client c) {
        long bitoffset = bitOffset(c, 2, false, 0);
        long on = Args.longArg(c, 3, BIT_VALUE);
        if ((on & ~1L) != 0) {
            throw new CommandError(BIT_VALUE);
        }
        int byteIndex = checkedByte(bitoffset >>> 3);
        Db db = c.db();
        KeyEntry e = TypedLookup.write(c, 1, StringType.TYPE);
        RawString raw;
        boolean grew;
        long before = 0;
        Object old = null;
        if (e == null) {
            raw = new RawString(new byte[byteIndex + 1]);
            grew = true;
        } else {
            before = db.beforeChange(e);
            old = e.value();
            raw = StringType.toRaw(old);
            int oldLength = raw.length();
            raw.extendTo(byteIndex + 1);
            grew = raw.length() != oldLength;
        }
        byte[] b = raw.array();
        int shift = 7 - (int) (bitoffset & 7);
        int byteval = b[byteIndex];
        int bitval = (byteval >> shift) & 1;
        if (grew || bitval != on) {
            b[byteIndex] = (byte) ((byteval & ~(1 << shift)) | ((int) on << shift));
            if (e == null) {
                db.setKey(c.argv, 1, raw, false);
            } else {
                finishEdit(db, e, old, raw, before, true);
            }
            Notify.arg(c, Notify.STRING, "setbit", 1);
        } else {
            finishEdit(db, e, old, raw, before, false);
        }
        c.reply.integer(bitval);
    }

    /** A byte index the checks above allow, refused when a Java array cannot hold it. */
    static int checkedByte(long byteIndex) {
        if (byteIndex >= Integer.MAX_VALUE - 8) {
            throw new CommandError(StringCommands.TOO_BIG);
        }
        return (int) byteIndex;
    }

    /**
     * Ends a write bracket opened with {@code beforeChange} on a string the command made raw
     * ({@code raw}, which is {@code old} when it already was): a change signals and counts, an
     * unchanged value that became another object is only accounted, as Redis's
     * dbUnshareStringValue is no change.
     */
    static void finishEdit(Db db, KeyEntry e, Object old, RawString raw, long before, boolean changed) {
        if (changed) {
            if (raw == old) {
                db.changed(e, before);
            } else {
                db.changedTo(e, raw, before);
            }
        } else if (raw == old) {
            db.resized(e, before);
        } else {
            db.unshared(e, raw, before);
        }
    }

    // GETBIT key offset
    static void getbit(Client c) {
        long bitoffset = bitOffset(c, 2, false, 0);
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.ZERO);
        if (v == null) {
            return;
        }
        c.reply.integer(Bitmaps.getBit(StringType.view(v), StringType.length(v), bitoffset));
    }

    // BITCOUNT key [start end [BYTE | BIT]]
    static void bitcount(Client c) {
        Object v = TypedLookup.readOrReply(c, 1, StringType.TYPE, TypedLookup.ZERO);
        if (v == null) {
            return;
        }
        Argv a = c.argv;
        int argc = a.count();
        byte[] p = StringType.view(v);
        long strlen = StringType.length(v);
        long start;
        long end;
        boolean isbit = false;
        int firstMask = 0;
        int lastMask = 0;
        if (argc == 4 || argc == 5) {
            long totlen = strlen;
            start = Args.longArg(c, 2);
            end = Args.longArg(c, 3);
            if (start < 0 && end < 0 && start > end) {
                c.reply.integer(0);
                return;
            }
            if (argc == 5) {
                isbit = unitIsBit(c, 4);
            }
            ByteRange r = new ByteRange(start, end, totlen, isbit);
            start = r.start;
            end = r.end;
            firstMask = r.firstMask;
            lastMask = r.lastMask;
        } else if (argc == 2) {
            start = 0;
            end = strlen - 1;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        if (start > end) {
            c.reply.integer(0);
            return;
        }
        long count = Bitmaps.popcount(p, (int) start, (int) (end - start + 1));
        if (firstMask != 0) {
            count -= Integer.bitCount(p[(int) start] & firstMask);
        }
        if (lastMask != 0) {
            count -= Integer.bitCount(p[(int) end] & lastMask);
        }
        c.reply.integer(count);
    }

    /**
     * BITCOUNT's and BITPOS's range as Redis reads it: negative positions count from the end,
     * both are clamped to the string of {@code strlen} bytes, in bits when {@code isbit}; a bit
     * range then becomes its bytes and the bits of the first and last byte to leave out.
     */
    private static final class ByteRange {
        final long start;
        final long end;
        final int firstMask;
        final int lastMask;

        ByteRange(long start, long end, long strlen, boolean isbit) {
            long totlen = isbit ? strlen << 3 : strlen;
            if (start < 0) {
                start = Math.max(0, totlen + start);
            }
            if (end < 0) {
                end = Math.max(0, totlen + end);
            }
            if (end >= totlen) {
                end = totlen - 1;
            }
            if (isbit && start <= end) {
                firstMask = ~((1 << (8 - (int) (start & 7))) - 1) & 0xff;
                lastMask = (1 << (7 - (int) (end & 7))) - 1;
                start >>= 3;
                end >>= 3;
            } else {
                firstMask = 0;
                lastMask = 0;
            }
            this.start = start;
            this.end = end;
        }
    }

    private static boolean unitIsBit(Client c, int i) {
        if (c.argv.is(i, "bit")) {
            return true;
        }
        if (c.argv.is(i, "byte")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
    }

    // BITPOS key bit [start [end [BYTE | BIT]]]
    static void bitpos(Client c) {
        long bit = Args.longArg(c, 2);
        if (bit != 0 && bit != 1) {
            throw new CommandError(BIT_ARG);
        }
        Object v = TypedLookup.read(c, 1, StringType.TYPE);
        if (v == null) {
            c.reply.integer(bit == 1 ? -1 : 0);
            return;
        }
        Argv a = c.argv;
        int argc = a.count();
        byte[] p = StringType.view(v);
        long strlen = StringType.length(v);
        long start;
        long end;
        boolean isbit = false;
        boolean endGiven = false;
        int firstMask = 0;
        int lastMask = 0;
        if (argc >= 4 && argc <= 6) {
            long totlen = strlen;
            start = Args.longArg(c, 3);
            if (argc == 6) {
                isbit = unitIsBit(c, 5);
            }
            if (argc >= 5) {
                end = Args.longArg(c, 4);
                endGiven = true;
            } else {
                end = isbit ? (totlen << 3) + 7 : totlen - 1;
            }
            ByteRange r = new ByteRange(start, end, totlen, isbit);
            start = r.start;
            end = r.end;
            firstMask = r.firstMask;
            lastMask = r.lastMask;
        } else if (argc == 3) {
            start = 0;
            end = strlen - 1;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        if (start > end) {
            c.reply.integer(-1);
            return;
        }
        int b = (int) bit;
        long bytes = end - start + 1;
        long pos;
        result:
        {
            if (firstMask != 0) {
                int tmp = b == 1 ? p[(int) start] & ~firstMask : p[(int) start] | firstMask;
                if (lastMask != 0 && bytes == 1) {
                    tmp = b == 1 ? tmp & ~lastMask : tmp | lastMask;
                }
                pos = bytePos(tmp, b);
                if (bytes == 1 || (pos != -1 && pos != 8)) {
                    break result;
                }
                start++;
                bytes--;
            }
            long curbytes = bytes - (lastMask != 0 ? 1 : 0);
            if (curbytes > 0) {
                pos = Bitmaps.bitpos(p, (int) start, (int) curbytes, b);
                if (bytes == curbytes || (pos != -1 && pos != curbytes << 3)) {
                    break result;
                }
                start += curbytes;
                bytes -= curbytes;
            }
            int tmp = b == 1 ? p[(int) end] & ~lastMask : p[(int) end] | lastMask;
            pos = bytePos(tmp, b);
        }
        if (endGiven && b == 0 && pos == bytes << 3) {
            c.reply.integer(-1);
            return;
        }
        if (pos != -1) {
            pos += start << 3;
        }
        c.reply.integer(pos);
    }

    /** Bitmaps.bitpos over one byte value. */
    private static long bytePos(int value, int bit) {
        int v = value & 0xff;
        if (bit == 1) {
            return v == 0 ? -1 : Integer.numberOfLeadingZeros(v) - 24;
        }
        return v == 0xff ? 8 : Integer.numberOfLeadingZeros(~v & 0xff) - 24;
    }

    // BITOP AND | OR | XOR | NOT destkey key [key ...]
    static void bitop(Client c) {
        Argv a = c.argv;
        int op;
        if (a.is(1, "and")) {
            op = 0;
        } else if (a.is(1, "or")) {
            op = 1;
        } else if (a.is(1, "xor")) {
            op = 2;
        } else if (a.is(1, "not")) {
            op = 3;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        int argc = a.count();
        if (op == 3 && argc != 4) {
            throw new CommandError(NOT_SINGLE);
        }
        int numkeys = argc - 3;
        byte[][] src = new byte[numkeys][];
        int[] len = new int[numkeys];
        int maxlen = 0;
        for (int j = 0; j < numkeys; j++) {
            Object v = TypedLookup.read(c, j + 3, StringType.TYPE);
            if (v == null) {
                continue;
            }
            src[j] = StringType.view(v);
            len[j] = StringType.length(v);
            maxlen = Math.max(maxlen, len[j]);
        }
        Db db = c.db();
        if (maxlen > 0) {
            byte[] res = new byte[maxlen];
            for (int i = 0; i < maxlen; i++) {
                int output = len[0] <= i ? 0 : src[0][i];
                if (op == 3) {
                    output = ~output;
                }
                for (int j = 1; j < numkeys; j++) {
                    int x = len[j] <= i ? 0 : src[j][i];
                    if (op == 0) {
                        output &= x;
                    } else if (op == 1) {
                        output |= x;
                    } else {
                        output ^= x;
                    }
                }
                res[i] = (byte) output;
            }
            // Redis stores the result as a new raw string object, whatever its length.
            db.setKey(a, 2, new RawString(res), false);
            Notify.arg(c, Notify.STRING, "set", 2);
        } else if (db.deleteUnchecked(a, 2)) {
            Notify.arg(c, Notify.GENERIC, "del", 2);
        }
        c.reply.integer(maxlen);
    }
}
