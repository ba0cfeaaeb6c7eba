package dev.cinnabar.server.commands;

import dev.cinnabar.server.db.KeyEntry;
import dev.cinnabar.datatypes.Bitfield;
import dev.cinnabar.datatypes.Dict;
import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.datatypes.RawString;
import dev.cinnabar.datatypes.value.StringType;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Db;

/**
 * BITFIELD and BITFIELD_RO: integer fields of 1..64 bits (unsigned up to 63) at any bit offset
 * of a string. Every subcommand is checked before anything runs; the operations then run in
 * order, each under the OVERFLOW mode in force where it was written.
 */
final class BitfieldCommand {
    static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    static final String BAD_OVERFLOW = "ERR Invalid OVERFLOW type specified";
    static final String RO_ONLY_GET = "ERR BITFIELD_RO only supports the GET subcommand";

    private static final int GET = 0;
    private static final int SET = 1;
    private static final int INCRBY = 2;

    private BitfieldCommand() {
    }

    // BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value |
    //     [OVERFLOW WRAP | SAT | FAIL] INCRBY encoding offset increment ...]
    // BITFIELD_RO key [GET encoding offset ...]
    static void bitfield(Client c, boolean readOnlyCommand) {
        Argv a = c.argv;
        int argc = a.count();
        int max = (argc - 2) / 2 + 1;
        int[] opcode = new int[max];
        long[] offset = new long[max];
        long[] value = new long[max];
        int[] owtypes = new int[max];
        int[] bitsOf = new int[max];
        boolean[] signed = new boolean[max];
        int numops = 0;
        int owtype = Bitfield.WRAP;
        boolean readonly = true;
        long highest = 0;
        for (int j = 2; j < argc; j++) {
            int remargs = argc - j - 1;
            int op;
            if (a.is(j, "get") && remargs >= 2) {
                op = GET;
            } else if (a.is(j, "set") && remargs >= 3) {
                op = SET;
            } else if (a.is(j, "incrby") && remargs >= 3) {
                op = INCRBY;
            } else if (a.is(j, "overflow") && remargs >= 1) {
                j++;
                if (a.is(j, "wrap")) {
                    owtype = Bitfield.WRAP;
                } else if (a.is(j, "sat")) {
                    owtype = Bitfield.SAT;
                } else if (a.is(j, "fail")) {
                    owtype = Bitfield.FAIL;
                } else {
                    throw new CommandError(BAD_OVERFLOW);
                }
                continue;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
            int type = fieldType(a, j + 1);
            boolean sign = type < 0;
            int bits = Math.abs(type);
            long bitoffset = BitmapCommands.bitOffset(c, j + 2, true, bits);
            long i64 = 0;
            if (op != GET) {
                readonly = false;
                if (highest < bitoffset + bits - 1) {
                    highest = bitoffset + bits - 1;
                }
                i64 = Args.longArg(c, j + 3);
            }
            opcode[numops] = op;
            offset[numops] = bitoffset;
            value[numops] = i64;
            owtypes[numops] = owtype;
            bitsOf[numops] = bits;
            signed[numops] = sign;
            numops++;
            j += op == GET ? 2 : 3;
        }

        Db db = c.db();
        Object readValue = null;
        KeyEntry e = null;
        RawString raw = null;
        Object old = null;
        long before = 0;
        boolean created = false;
        boolean grew = false;
        if (readonly) {
            readValue = TypedLookup.read(c, 1, StringType.TYPE);
        } else {
            if (readOnlyCommand) {
                throw new CommandError(RO_ONLY_GET);
            }
            int byteIndex = BitmapCommands.checkedByte(highest >>> 3);
            e = TypedLookup.write(c, 1, StringType.TYPE);
            if (e == null) {
                raw = new RawString(new byte[byteIndex + 1]);
                // Created even if every write then fails on overflow, as Redis does; watchers
                // and tracking clients hear of it only if a write changes a bit (finishEdit).
                e = db.addUnsignalled(a.copy(1), raw);
                created = true;
                before = db.beforeChange(e);
                old = raw;
            } else {
                before = db.beforeChange(e);
                old = e.value();
                raw = StringType.toRaw(old);
                int oldLength = raw.length();
                raw.extendTo(byteIndex + 1);
                grew = raw.length() != oldLength;
            }
        }

        c.reply.array(numops);
        Bitfield.Check check = new Bitfield.Check();
        int changes = 0;
        boolean dirty = created || grew;
        for (int j = 0; j < numops; j++) {
            int bits = bitsOf[j];
            if (opcode[j] == GET) {
                byte[] src = readValue == null ? (raw == null ? null : raw.array()) : StringType.view(readValue);
                int len = readValue == null ? (raw == null ? 0 : raw.length()) : StringType.length(readValue);
                long v = src == null ? 0
                        : signed[j] ? Bitfield.getSigned(src, len, offset[j], bits)
                        : Bitfield.getUnsigned(src, len, offset[j], bits);
                c.reply.integer(v);
                continue;
            }
            byte[] p = raw.array();
            int plen = raw.length();
            long oldval;
            long newval;
            long retval;
            if (signed[j]) {
                oldval = Bitfield.getSigned(p, plen, offset[j], bits);
                if (opcode[j] == INCRBY) {
                    Bitfield.checkSigned(oldval, value[j], bits, owtypes[j], check);
                    newval = check.overflow != 0 ? check.limit : oldval + value[j];
                    retval = newval;
                } else {
                    newval = value[j];
                    Bitfield.checkSigned(newval, 0, bits, owtypes[j], check);
                    if (check.overflow != 0) {
                        newval = check.limit;
                    }
                    retval = oldval;
                }
            } else {
                oldval = Bitfield.getUnsigned(p, plen, offset[j], bits);
                if (opcode[j] == INCRBY) {
                    newval = oldval + value[j];
                    Bitfield.checkUnsigned(oldval, value[j], bits, owtypes[j], check);
                    if (check.overflow != 0) {
                        newval = check.limit;
                    }
                    retval = newval;
                } else {
                    newval = value[j];
                    Bitfield.checkUnsigned(newval, 0, bits, owtypes[j], check);
                    if (check.overflow != 0) {
                        newval = check.limit;
                    }
                    retval = oldval;
                }
            }
            if (check.overflow != 0 && owtypes[j] == Bitfield.FAIL) {
                c.reply.nullBulk();
            } else {
                c.reply.integer(retval);
                Bitfield.set(p, offset[j], bits, newval);
                if (dirty || oldval != newval) {
                    changes++;
                }
            }
        }
        if (e != null) {
            BitmapCommands.finishEdit(db, e, old, raw, before, changes > 0);
        }
        if (changes > 0) {
            Notify.arg(c, Notify.STRING, "setbit", 1);
            c.changes(changes);
        } else if (!readonly) {
            c.changes(0);
        }
    }

    /** An {@code iN}/{@code uN} type: -N for signed, N for unsigned. */
    private static int fieldType(Argv a, int i) {
        byte[] b = a.array(i);
        int off = a.offset(i);
        int len = a.length(i);
        if (len == 0 || (b[off] != 'i' && b[off] != 'u')) {
            throw new CommandError(BAD_TYPE);
        }
        boolean sign = b[off] == 'i';
        if (!Numbers.isLong(b, off + 1, len - 1)) {
            throw new CommandError(BAD_TYPE);
        }
        long bits = Numbers.parseLong(b, off + 1, len - 1);
        if (bits < 1 || (sign && bits > 64) || (!sign && bits > 63)) {
            throw new CommandError(BAD_TYPE);
        }
        return sign ? (int) -bits : (int) bits;
    }
}
