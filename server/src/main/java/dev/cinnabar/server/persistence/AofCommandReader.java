package dev.cinnabar.server.persistence;

import dev.cinnabar.protocol.Argv;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the commands of an AOF file one by one, with the rules of Redis 7.0.15's
 * loadSingleAppendOnlyFile: lines are read as C's fgets into a buffer of
 * {@link #LINE_MAX} bytes; a line starting with {@code #} is an annotation and skipped; a
 * command is {@code *<argc>} then, per argument, {@code $<len>}, the bytes and two more bytes
 * (not checked to be CRLF, as in Redis). What cannot be a command is a {@link BadFormat}; a file
 * that ends inside a command is a {@link Truncated}, and {@link #validUpTo()} tells where the
 * last complete command ended, where {@code aof-load-truncated} cuts the file.
 */
public final class AofCommandReader {
    /** Redis's AOF_ANNOTATION_LINE_MAX_LEN: fgets reads at most one byte less. */
    static final int LINE_MAX = 1024;

    /** The file ends inside a command (Redis's unexpected EOF). */
    public static final class Truncated extends Exception {
        Truncated() {
            super(null, null, false, false);
        }
    }

    /** Something that is not a command where one should start (Redis's "Bad file format"). */
    public static final class BadFormat extends Exception {
        BadFormat() {
            super(null, null, false, false);
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int end;
    private boolean eof;
    /** Bytes of the stream before {@link #buf}'s first byte. */
    private long bufStart;
    private long validUpTo;
    private final byte[] line = new byte[LINE_MAX];
    private int lineLength;

    /** Reads {@code in} from its current position, which is {@code startOffset} in the file. */
    public AofCommandReader(InputStream in, long startOffset) {
        this.in = in;
        this.bufStart = startOffset;
        this.validUpTo = startOffset;
    }

    /** The offset in the file just after the last complete command read (or the start). */
    public long validUpTo() {
        return validUpTo;
    }

    /** The offset of the next byte to read. */
    public long position() {
        return bufStart + pos;
    }

    /**
     * The next command, or null at the end of the file between commands. Annotations are
     * skipped.
     */
    public Argv next() throws IOException, Truncated, BadFormat {
        while (true) {
            if (!readLine()) {
                return null;
            }
            if (line[0] == '#') {
                continue;
            }
            if (line[0] != '*') {
                throw new BadFormat();
            }
            if (lineLength == 1) {
                // Redis: buf[1] == '\0', only possible at the end of the file
                throw new Truncated();
            }
            long argc = atoi(1);
            if (argc < 1) {
                throw new BadFormat();
            }
            Argv argv = new Argv((int) Math.min(argc, 1024));
            for (long j = 0; j < argc; j++) {
                if (!readLine()) {
                    throw new Truncated();
                }
                if (line[0] != '$') {
                    throw new BadFormat();
                }
                long len = strtol(1);
                if (len < 0 || len > Integer.MAX_VALUE - 16) {
                    // Redis would try to allocate the length as an unsigned number and abort
                    throw new BadFormat();
                }
                byte[] arg = new byte[(int) Math.min(len, 1 << 20)];
                if (len > arg.length) {
                    // A large argument is read in steps, so that a length beyond the end of a
                    // short file costs no memory
                    arg = readLarge((int) len);
                } else if (!read(arg, 0, (int) len)) {
                    throw new Truncated();
                }
                if (!skip(2)) {
                    throw new Truncated();
                }
                argv.add(arg);
            }
            validUpTo = position();
            return argv;
        }
    }

    private byte[] readLarge(int len) throws IOException, Truncated {
        byte[] b = new byte[1 << 20];
        int have = 0;
        while (have < len) {
            if (have == b.length) {
                b = java.util.Arrays.copyOf(b, (int) Math.min(len, (long) b.length * 2));
            }
            int n = Math.min(b.length, len) - have;
            if (!read(b, have, n)) {
                throw new Truncated();
            }
            have += n;
        }
        return b.length == len ? b : java.util.Arrays.copyOf(b, len);
    }

    /** fgets: up to LINE_MAX - 1 bytes, through the newline; false when nothing is left. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (lineLength < LINE_MAX - 1) {
            if (pos == end && !fill()) {
                break;
            }
            byte b = buf[pos++];
            line[lineLength++] = b;
            if (b == '\n') {
                break;
            }
        }
        return lineLength > 0;
    }

    private boolean read(byte[] out, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == end && !fill()) {
                return false;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, out, off, n);
            pos += n;
            off += n;
            len -= n;
        }
        return true;
    }

    private boolean skip(int len) throws IOException {
        while (len > 0) {
            if (pos == end && !fill()) {
                return false;
            }
            int n = Math.min(len, end - pos);
            pos += n;
            len -= n;
        }
        return true;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        bufStart += end;
        pos = 0;
        end = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        end = n;
        return true;
    }

    /** C's atoi over the line from {@code from}: blanks, a sign, digits; stops at anything else. */
    private long atoi(int from) {
        long v = strtol(from);
        // atoi returns an int: beyond it the C behaviour is undefined; treat as invalid
        return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? -1 : v;
    }

    private long strtol(int from) {
        int i = from;
        while (i < lineLength && isSpace(line[i])) {
            i++;
        }
        boolean negative = false;
        if (i < lineLength && (line[i] == '-' || line[i] == '+')) {
            negative = line[i] == '-';
            i++;
        }
        long v = 0;
        while (i < lineLength && line[i] >= '0' && line[i] <= '9') {
            if (v > (Long.MAX_VALUE - 9) / 10) {
                return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            v = v * 10 + (line[i] - '0');
            i++;
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }
}
