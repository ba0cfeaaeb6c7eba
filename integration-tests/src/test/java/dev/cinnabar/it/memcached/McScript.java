package dev.cinnabar.it.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memcached corpus script and its replay against two servers (real memcached, then Cinnabar),
 * with the replies normalised and compared. Plain JDK, so that it also runs from a shell
 * ({@code java McScript show <port> <script>}) while a corpus is being written.
 *
 * <h2>Script syntax</h2>
 * <pre>
 * # comment            (a '#' at the start of a line; ignored, does not end a group)
 * (blank line)         ends a group
 * text line            sent with its escapes expanded and CRLF appended: a command or a data block
 * \z                   (a line holding only this) sends an empty line, CRLF alone
 * !raw TEXT            sends TEXT's bytes, escapes expanded, WITHOUT a CRLF
 * hex 80 01 00 ...     sends the bytes written in hex (spaces ignored)
 * bin OP k=v ...       sends one binary request frame (see below)
 * &#64;NAME                switches to connection NAME, opened on both servers at first use; ends a group
 * !sleep MS            ends the group and sleeps
 * !close               ends the group and closes the current connection on both servers
 * !chunk N             this group's bytes go out in writes of N bytes, 1 ms apart (partial
 *                      lines, frames and data blocks across reads)
 * !quiet               this group's replies are read until both connections stay silent for
 *                      300 ms, instead of through the sync marker: for input that leaves the
 *                      server waiting (an incomplete data block) or that it swallows (then the
 *                      marker would be swallowed too). Replies that differ after the silence
 *                      are read on for up to 3 s, for a server that answers late.
 * </pre>
 * Lines are gathered into groups; a group is sent at once on both servers, followed by a sync
 * marker (text connections: {@code mn}, answered {@code MN}; binary connections, those whose first
 * byte was 0x80: a NOOP frame with a private opaque). Everything before the marker's answer is the
 * group's reply; a closed connection ends it too (shown as {@code <closed>}), and no answer within
 * 3 s shows as {@code <timeout>} (both connections are then reopened).
 *
 * <p>Escapes: {@code \r \n \t \0 \\ \s} (space) {@code \xHH}. Substitutions, in braces:
 * {@code {rep:N:TEXT}} (TEXT N times), {@code {now}}, {@code {now+N}}, {@code {now-N}} (unix
 * seconds), {@code {cas:N}} (the CAS unique this server showed as {@code #N}), {@code {lastcas}}
 * (the last CAS unique this server showed, in an earlier group).
 *
 * <p>bin frames: {@code bin OP} with OP a name ({@code get set add replace delete incr decr quit
 * flush getq noop version getk getkq append prepend stat setq addq replaceq deleteq incrq decrq
 * quitq flushq appendq prependq verbosity touch gat gatq gatk gatkq sasl_list sasl_auth sasl_step})
 * or a hex byte {@code 0x..}, then {@code key= value= cas= opaque= vbucket= datatype= magic=} and
 * the extras by field: {@code flags= exp=} (set, add, replace and quiet forms, default 0 0),
 * {@code delta= initial= exp=} (incr, decr; 1 0 0), {@code exp=} (touch, gat*; flush only when
 * given), {@code level=} (verbosity), or {@code extras=HEX} for any other. {@code keylen= extlen=
 * bodylen=} override the header's lengths (malformed frames).
 *
 * <h2>Normalisation</h2>
 * CAS uniques (gets' VALUE lines, meta's c flag, the binary header) become {@code #1, #2...} by
 * order of appearance on each server; consecutive STAT lines (and binary stat frames) collapse
 * to one {@code STAT...}; version strings become {@code <v>}; meta's ttl ({@code t}) and
 * last-access ({@code l}) numbers may differ by 1 (a second may pass between the two servers).
 */
public final class McScript {
    static final int SYNC_OPAQUE = 0x5EC0DE01;
    static final int TIMEOUT_MS = 3000;
    /** How long a connection must stay silent to end a quiet group's reply. */
    static final int QUIET_MS = 300;

    /** One step of a script: a group of chunks to send on a connection, or a sleep or close. */
    public static final class Step {
        final int line;
        final String conn;
        final List<String> lines = new ArrayList<>();
        boolean quiet;
        int chunk;
        long sleepMillis = -1;
        boolean close;

        Step(int line, String conn) {
            this.line = line;
            this.conn = conn;
        }

        public String text() {
            StringBuilder b = new StringBuilder();
            for (String l : lines) {
                String s = l.length() > 120 ? l.substring(0, 120) + "..." : l;
                b.append(b.length() == 0 ? "" : " | ").append(s);
            }
            return b.toString();
        }
    }

    /** A difference between the two servers' replies to one group. */
    public static final class Mismatch {
        public final String where;
        public final String expected;
        public final String actual;

        Mismatch(String where, String expected, String actual) {
            this.where = where;
            this.expected = expected;
            this.actual = actual;
        }

        @Override
        public String toString() {
            return where + "\n  memcached: " + show(expected) + "\n  cinnabar:  " + show(actual);
        }
    }

    public static List<Step> parse(Path file) throws IOException {
        List<String> raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Step> steps = new ArrayList<>();
        String conn = "main";
        Step cur = null;
        for (int i = 0; i < raw.size(); i++) {
            String l = raw.get(i);
            int n = i + 1;
            if (l.startsWith("#")) {
                continue;
            }
            if (l.isEmpty()) {
                cur = null;
                continue;
            }
            if (l.startsWith("@")) {
                conn = l.substring(1).trim();
                cur = null;
                continue;
            }
            if (l.startsWith("!sleep ")) {
                Step s = new Step(n, conn);
                s.sleepMillis = Long.parseLong(l.substring(7).trim());
                steps.add(s);
                cur = null;
                continue;
            }
            if (l.equals("!close")) {
                Step s = new Step(n, conn);
                s.close = true;
                steps.add(s);
                cur = null;
                continue;
            }
            if (cur == null) {
                cur = new Step(n, conn);
                steps.add(cur);
            }
            if (l.equals("!quiet")) {
                cur.quiet = true;
                continue;
            }
            if (l.startsWith("!chunk ")) {
                cur.chunk = Integer.parseInt(l.substring(7).trim());
                continue;
            }
            cur.lines.add(l);
        }
        return steps;
    }

    /** Commands in a script (lines sent), for the corpus-size check. */
    public static int lineCount(List<Step> steps) {
        int n = 0;
        for (Step s : steps) {
            n += s.lines.size();
        }
        return n;
    }

    // ---------------------------------------------------------------- a connection pair side

    /** One server's side of a replay: its connections and its CAS numbering. */
    static final class Side {
        final int port;
        final Map<String, Conn> conns = new HashMap<>();
        final Map<Long, Integer> casToken = new HashMap<>();
        final List<Long> casByToken = new ArrayList<>();

        Side(int port) {
            this.port = port;
        }

        Conn conn(String name) throws IOException {
            Conn c = conns.get(name);
            if (c == null) {
                c = new Conn(port);
                conns.put(name, c);
            }
            return c;
        }

        void close(String name) {
            Conn c = conns.remove(name);
            if (c != null) {
                c.close();
            }
        }

        void closeAll() {
            for (Conn c : conns.values()) {
                c.close();
            }
            conns.clear();
        }

        long lastCas;

        String token(long cas) {
            if (cas == 0) {
                return "0";
            }
            lastCas = cas;
            Integer t = casToken.get(cas);
            if (t == null) {
                casByToken.add(cas);
                t = casByToken.size();
                casToken.put(cas, t);
            }
            return "#" + t;
        }
    }

    static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        int firstByte = -1;
        boolean closed;

        Conn(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        boolean binary() {
            return firstByte == 0x80;
        }

        void send(byte[] b) throws IOException {
            if (b.length == 0) {
                return;
            }
            if (firstByte < 0) {
                firstByte = b[0] & 0xff;
            }
            try {
                out.write(b);
                out.flush();
            } catch (IOException e) {
                closed = true;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---------------------------------------------------------------- replay

    /** Replays {@code steps} on both servers; returns the groups whose replies differ. */
    public static List<Mismatch> compare(String name, List<Step> steps, int memcachedPort, int cinnabarPort)
            throws Exception {
        List<Mismatch> out = new ArrayList<>();
        Side a = new Side(memcachedPort);
        Side b = new Side(cinnabarPort);
        try {
            for (Step s : steps) {
                if (s.sleepMillis >= 0) {
                    Thread.sleep(s.sleepMillis);
                    continue;
                }
                if (s.close) {
                    a.close(s.conn);
                    b.close(s.conn);
                    continue;
                }
                String[] r = runBoth(s, a, b);
                if (!same(r[0], r[1])) {
                    out.add(new Mismatch(name + ":" + s.line + " [" + s.conn + "] " + s.text(), r[0], r[1]));
                }
            }
        } finally {
            a.closeAll();
            b.closeAll();
        }
        return out;
    }

    /** Replays on one server and returns the transcript (each group and its normalised reply). */
    public static String show(List<Step> steps, int port) throws Exception {
        StringBuilder t = new StringBuilder();
        Side a = new Side(port);
        try {
            for (Step s : steps) {
                if (s.sleepMillis >= 0) {
                    Thread.sleep(s.sleepMillis);
                    continue;
                }
                if (s.close) {
                    a.close(s.conn);
                    continue;
                }
                Conn c = a.conn(s.conn);
                send(s, a, c);
                String r = receive(s, a, c);
                if (r.contains("<timeout>") || c.closed) {
                    a.close(s.conn);
                }
                t.append(s.line).append(" [").append(s.conn).append("] ").append(s.text()).append("\n    ")
                        .append(show(r)).append('\n');
            }
        } finally {
            a.closeAll();
        }
        return t.toString();
    }

    private static String[] runBoth(Step s, Side a, Side b) throws Exception {
        Conn ca = a.conn(s.conn);
        Conn cb = b.conn(s.conn);
        send(s, a, ca);
        send(s, b, cb);
        String ra;
        String rb;
        if (s.quiet) {
            String[] r = receiveQuiet(a, ca, b, cb);
            ra = r[0];
            rb = r[1];
        } else {
            ra = receive(s, a, ca);
            rb = receive(s, b, cb);
        }
        if (ra.contains("<timeout>") || rb.contains("<timeout>") || ca.closed || cb.closed) {
            a.close(s.conn);
            b.close(s.conn);
        }
        return new String[] {ra, rb};
    }

    private static void send(Step s, Side side, Conn c) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (String l : s.lines) {
            String sub = substitute(l, side);
            if (sub.startsWith("!raw ")) {
                buf.writeBytes(unescape(sub.substring(5)));
            } else if (sub.startsWith("hex ")) {
                buf.writeBytes(hex(sub.substring(4)));
            } else if (sub.startsWith("bin ")) {
                buf.writeBytes(BinFrame.build(sub.substring(4)));
            } else if (sub.equals("\\z")) {
                buf.writeBytes(new byte[] {'\r', '\n'});
            } else {
                buf.writeBytes(unescape(sub));
                buf.writeBytes(new byte[] {'\r', '\n'});
            }
        }
        byte[] body = buf.toByteArray();
        if (c.firstByte < 0 && body.length > 0) {
            c.firstByte = body[0] & 0xff;
        }
        if (!s.quiet) {
            buf.writeBytes(c.binary() ? BinFrame.noop(SYNC_OPAQUE) : "mn\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = buf.toByteArray();
        if (s.chunk <= 0) {
            c.send(all);
            return;
        }
        for (int off = 0; off < all.length && !c.closed; off += s.chunk) {
            c.send(java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + s.chunk)));
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** Reads the group's reply, normalised. */
    private static String receive(Step s, Side side, Conn c) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int expectedMn = 1;
        for (String l : s.lines) {
            // "mn" with tokens after it answers MN as well: count it, or the read may stop
            // before its MN has arrived and leave it to the next group.
            String t = l.trim();
            if (t.equals("mn") || t.startsWith("mn ")) {
                expectedMn++;
            }
        }
        boolean eof = false;
        boolean done = false;
        while (!done) {
            int wait;
            if (s.quiet) {
                wait = QUIET_MS;
            } else {
                wait = (int) Math.max(1, deadline - System.currentTimeMillis());
            }
            c.socket.setSoTimeout(wait);
            int n;
            try {
                n = c.in.read(chunk);
            } catch (SocketTimeoutException e) {
                if (s.quiet) {
                    break;
                }
                return normalise(got.toByteArray(), side, c.binary(), true) + "<timeout>";
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                eof = true;
                c.closed = true;
                break;
            }
            got.write(chunk, 0, n);
            if (!s.quiet) {
                done = c.binary() ? BinFrame.endsWithSync(got.toByteArray()) : endsWithMn(got.toByteArray(), expectedMn);
            }
        }
        String r = normalise(got.toByteArray(), side, c.binary(), !s.quiet);
        return eof ? r + "<closed>" : r;
    }

    /**
     * A quiet group's replies on both servers. Silence is the only sign that a server waits for
     * more input, but a loaded machine can hold a reply back past it: while the two servers'
     * replies differ, both connections are read on until the sync marker's timeout, so that only
     * a difference that lasts is reported.
     */
    private static String[] receiveQuiet(Side a, Conn ca, Side b, Conn cb) throws IOException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        ByteArrayOutputStream ga = new ByteArrayOutputStream();
        ByteArrayOutputStream gb = new ByteArrayOutputStream();
        boolean eofA = drain(ca, ga, QUIET_MS);
        boolean eofB = drain(cb, gb, QUIET_MS);
        while (true) {
            String ra = normalise(ga.toByteArray(), a, ca.binary(), false) + (eofA ? "<closed>" : "");
            String rb = normalise(gb.toByteArray(), b, cb.binary(), false) + (eofB ? "<closed>" : "");
            if (same(ra, rb) || System.currentTimeMillis() > deadline) {
                return new String[] {ra, rb};
            }
            eofA |= !eofA && drain(ca, ga, 50);
            eofB |= !eofB && drain(cb, gb, 50);
        }
    }

    /** Reads into {@code got} until {@code c} stays silent for {@code millis}; true at end of stream. */
    private static boolean drain(Conn c, ByteArrayOutputStream got, int millis) throws IOException {
        byte[] chunk = new byte[65536];
        c.socket.setSoTimeout(millis);
        while (true) {
            int n;
            try {
                n = c.in.read(chunk);
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                c.closed = true;
                return true;
            }
            got.write(chunk, 0, n);
        }
    }

    private static boolean endsWithMn(byte[] b, int expected) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        if (!s.endsWith("MN\r\n")) {
            return false;
        }
        int count = 0;
        for (String line : s.split("\r\n", -1)) {
            if (line.equals("MN")) {
                count++;
            }
        }
        return count >= expected;
    }

    // ---------------------------------------------------------------- normalisation

    static String normalise(byte[] reply, Side side, boolean binary, boolean stripSync) {
        if (binary) {
            return BinFrame.render(reply, side, stripSync);
        }
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        if (stripSync && s.endsWith("MN\r\n")) {
            s = s.substring(0, s.length() - 4);
        }
        StringBuilder out = new StringBuilder();
        int pos = 0;
        boolean inStats = false;
        while (pos < s.length()) {
            int eol = s.indexOf("\r\n", pos);
            if (eol < 0) {
                out.append(s.substring(pos));
                break;
            }
            String line = s.substring(pos, eol);
            pos = eol + 2;
            if (line.startsWith("STAT ")) {
                if (!inStats) {
                    out.append("STAT...\r\n");
                    inStats = true;
                }
                continue;
            }
            inStats = false;
            String[] tok = line.split(" ", -1);
            int dataLen = -1;
            if (tok[0].equals("VALUE") && tok.length >= 4) {
                if (tok.length >= 5 && tok[4].matches("\\d+")) {
                    tok[4] = side.token(Long.parseUnsignedLong(tok[4]));
                }
                dataLen = parseInt(tok[3]);
            } else if (tok[0].equals("VERSION") && tok.length >= 2) {
                tok = new String[] {"VERSION", "<v>"};
            } else if (tok[0].equals("VA") || isMetaStatus(tok[0])) {
                if (tok[0].equals("VA") && tok.length >= 2) {
                    dataLen = parseInt(tok[1]);
                }
                for (int i = 1; i < tok.length; i++) {
                    if (tok[i].length() > 1 && tok[i].charAt(0) == 'c' && tok[i].substring(1).matches("\\d+")) {
                        tok[i] = "c" + side.token(Long.parseUnsignedLong(tok[i].substring(1)));
                    }
                }
            } else if (tok[0].equals("ME")) {
                for (int i = 2; i < tok.length; i++) {
                    if (tok[i].startsWith("cas=")) {
                        tok[i] = "cas=" + side.token(Long.parseUnsignedLong(tok[i].substring(4)));
                    } else if (tok[i].startsWith("la=") || tok[i].startsWith("exp=")) {
                        tok[i] = tok[i].substring(0, tok[i].indexOf('=') + 1) + "~" + tok[i].substring(tok[i].indexOf('=') + 1);
                    } else if (tok[i].startsWith("cls=") || tok[i].startsWith("size=")) {
                        tok[i] = tok[i].substring(0, tok[i].indexOf('=') + 1) + "*";
                    }
                }
            }
            out.append(String.join(" ", tok)).append("\r\n");
            if (dataLen >= 0 && pos + dataLen + 2 <= s.length()) {
                out.append(s, pos, pos + dataLen + 2);
                pos += dataLen + 2;
            }
        }
        return out.toString();
    }

    private static boolean isMetaStatus(String t) {
        switch (t) {
            case "HD":
            case "EN":
            case "NF":
            case "NS":
            case "EX":
            case "MN":
                return true;
            default:
                return false;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final Pattern LENIENT = Pattern.compile("(?<=[ =])(t|l|~)(-?\\d+)(?=[ \\r])");

    /** Equal, or equal but for meta's ttl/last-access numbers differing by at most 1. */
    static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        List<Long> na = new ArrayList<>();
        List<Long> nb = new ArrayList<>();
        String sa = skeleton(a, na);
        String sb = skeleton(b, nb);
        if (!sa.equals(sb) || na.size() != nb.size()) {
            return false;
        }
        for (int i = 0; i < na.size(); i++) {
            if (Math.abs(na.get(i) - nb.get(i)) > 1) {
                return false;
            }
        }
        return true;
    }

    private static String skeleton(String s, List<Long> nums) {
        Matcher m = LENIENT.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            nums.add(Long.parseLong(m.group(2)));
            m.appendReplacement(out, m.group(1) + "N");
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---------------------------------------------------------------- escapes and substitutions

    private static final Pattern SUBST = Pattern.compile("\\{(rep:(\\d+):([^}]*)|now([+-]\\d+)?|cas:(\\d+)|lastcas)\\}");

    static String substitute(String line, Side side) {
        Matcher m = SUBST.matcher(line);
        if (!m.find()) {
            return line;
        }
        m.reset();
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String rep;
            if (m.group(2) != null) {
                rep = m.group(3).repeat(Integer.parseInt(m.group(2)));
            } else if (m.group(1).equals("lastcas")) {
                rep = side.lastCas == 0 ? "0" : Long.toUnsignedString(side.lastCas);
            } else if (m.group(5) != null) {
                int t = Integer.parseInt(m.group(5));
                rep = t >= 1 && t <= side.casByToken.size() ? Long.toUnsignedString(side.casByToken.get(t - 1)) : "0";
            } else {
                long now = System.currentTimeMillis() / 1000;
                rep = Long.toString(now + (m.group(4) == null ? 0 : Long.parseLong(m.group(4))));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }

    static byte[] unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'r':
                        b.write('\r');
                        break;
                    case 'n':
                        b.write('\n');
                        break;
                    case 't':
                        b.write('\t');
                        break;
                    case '0':
                        b.write(0);
                        break;
                    case 's':
                        b.write(' ');
                        break;
                    case '\\':
                        b.write('\\');
                        break;
                    case 'x':
                        b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                        break;
                    default:
                        b.write('\\');
                        b.write(e);
                }
            } else if (ch < 0x80) {
                b.write(ch);
            } else {
                b.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
            }
        }
        return b.toByteArray();
    }

    static byte[] hex(String s) {
        String h = s.replaceAll("\\s+", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** CR and LF and other control bytes made visible. */
    public static String show(String raw) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
            if (b.length() > 4000) {
                b.append("...(").append(raw.length()).append(" chars)");
                break;
            }
        }
        return b.toString();
    }

    /** {@code show PORT SCRIPT...}: prints each group's normalised reply from one server; {@code diff PORT_A PORT_B SCRIPT...}. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("show")) {
            int port = Integer.parseInt(args[1]);
            for (int i = 2; i < args.length; i++) {
                System.out.println("=== " + args[i]);
                System.out.print(show(parse(Path.of(args[i])), port));
            }
        } else {
            int pa = Integer.parseInt(args[1]);
            int pb = Integer.parseInt(args[2]);
            for (int i = 3; i < args.length; i++) {
                Path p = Path.of(args[i]);
                for (Mismatch m : compare(p.getFileName().toString(), parse(p), pa, pb)) {
                    System.out.println(m);
                }
            }
        }
    }
}
