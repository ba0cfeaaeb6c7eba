package dev.cinnabar.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The replication stream of a running redis-server, read as a replica would: a handshake, the
 * RDB payload skipped, then every propagated command as a list of byte[] arguments.
 *
 * <p><b>Handshake.</b> {@link Handshake#SYNC} (the default) sends the pre-PSYNC {@code SYNC}.
 * Redis 7.0 then always writes the RDB to disk first and sends it as {@code $<len>\r\n<bytes>},
 * streams commands at once after it, never expects an acknowledgement and never drops the
 * replica for not sending one. {@link Handshake#PSYNC} sends {@code REPLCONF capa eof capa
 * psync2} and {@code PSYNC ? -1}; the answer is {@code +FULLRESYNC <replid> <offset>}, and with
 * {@code repl-diskless-sync yes} the payload comes in the diskless form {@code $EOF:<40-byte
 * mark>\r\n<bytes><mark>}. After a diskless payload the master holds the command stream back
 * until the replica sends {@code REPLCONF ACK}, and it drops replicas that stay silent for
 * {@code repl-timeout}; in that mode this reader sends {@code REPLCONF ACK <offset>} whenever
 * it waits ({@link #ACK_INTERVAL_MILLIS}). Newlines the master sends while it prepares the
 * payload are skipped in both modes. Commands written while the payload is produced are
 * buffered by the master and arrive after it, so nothing is lost between {@link #open} and the
 * first command.
 *
 * <p><b>Filtering.</b> What the master sends on its own, not as the effect of a command, is
 * dropped and counted in {@link #filtered()}: the periodic {@code PING} (every
 * {@code repl-ping-replica-period} seconds; 7.0 sends it lowercase and never with a SELECT
 * before it) and {@code REPLCONF GETACK *} (sent after WAIT). Everything else is kept,
 * including {@code SELECT}, {@code MULTI} and {@code EXEC}: the rest is what an AOF or a
 * replica applies.
 *
 * <p><b>Knowing that everything has arrived.</b> {@link #drain(RawConnection, long)} publishes a
 * unique marker ({@code PUBLISH <channel> <n>}, which 7.0 propagates to replicas but not to the
 * AOF) on a connection the caller gives, reads until that marker arrives and returns what came
 * before it. The marker is propagated like any command, so when the stream's last db differs
 * from the db of the connection that publishes it (or when nothing was propagated yet), a
 * {@code SELECT} comes right before it. A SELECT is only ever emitted immediately in front of
 * the command it is for (PING and GETACK never get one), so a SELECT immediately before the
 * marker always belongs to the marker, never to the scenario, and is dropped with it
 * ({@link #droppedMarkerSelects()} counts them). What cannot be undone is its effect on later
 * commands: after a drain the master's idea of the replica's db is the marker's db, so a
 * command written after a drain in that db comes without the SELECT it would otherwise have
 * had. Drain once, at the end of a scenario, or publish from a connection in the db the
 * stream is known to be in.
 */
public final class ReplicationStream implements AutoCloseable {
    public enum Handshake { SYNC, PSYNC }

    /** How the RDB payload came. */
    public enum PayloadForm { DISK, DISKLESS }

    /** In PSYNC mode, how often an acknowledgement is sent while this reader waits. */
    public static final long ACK_INTERVAL_MILLIS = 100;

    private static final byte[] MARKER_CHANNEL = "__cinnabar_propagation_marker__".getBytes(StandardCharsets.US_ASCII);
    private static long markers;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Handshake handshake;
    private byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;
    private PayloadForm form;
    private long payloadBytes;
    private long offset;
    private long lastAck;
    private int filtered;
    private int droppedMarkerSelects;

    private ReplicationStream(Socket socket, Handshake handshake) throws IOException {
        this.socket = socket;
        this.handshake = handshake;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects with SYNC and skips the payload; waits for it at most {@code timeoutMillis}. */
    public static ReplicationStream open(int port, long timeoutMillis) throws IOException {
        return open(port, Handshake.SYNC, timeoutMillis);
    }

    public static ReplicationStream open(int port, Handshake handshake, long timeoutMillis) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        ReplicationStream r = new ReplicationStream(s, handshake);
        try {
            r.handshake(System.currentTimeMillis() + timeoutMillis);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return r;
    }

    public PayloadForm payloadForm() {
        return form;
    }

    /** Bytes of the RDB payload skipped (the diskless mark not counted). */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** PINGs and REPLCONF GETACKs dropped so far. */
    public int filtered() {
        return filtered;
    }

    /** SELECTs dropped because they came with a marker. */
    public int droppedMarkerSelects() {
        return droppedMarkerSelects;
    }

    private void handshake(long deadline) throws IOException {
        if (handshake == Handshake.PSYNC) {
            send("REPLCONF", "capa", "eof", "capa", "psync2");
            String ok = line(deadline);
            if (!ok.equals("+OK")) {
                throw new IOException("REPLCONF capa answered " + ok);
            }
            send("PSYNC", "?", "-1");
        } else {
            send("SYNC");
        }
        while (true) {
            String l = line(deadline);
            if (l.startsWith("+FULLRESYNC ")) {
                offset = Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
            } else if (l.startsWith("$EOF:")) {
                form = PayloadForm.DISKLESS;
                skipUntilMark(l.substring(5).getBytes(StandardCharsets.US_ASCII), deadline);
                sendAck();
                return;
            } else if (l.startsWith("$")) {
                form = PayloadForm.DISK;
                payloadBytes = Long.parseLong(l.substring(1));
                skip(payloadBytes, deadline);
                return;
            } else {
                throw new IOException("unexpected answer to " + handshake + ": " + l);
            }
        }
    }

    /** One line of the handshake, newlines sent as keep-alives skipped. */
    private String line(long deadline) throws IOException {
        while (true) {
            while (start < end && buf[start] == '\n') {
                start++;
            }
            for (int i = start; i + 1 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String s = new String(buf, start, i - start, StandardCharsets.ISO_8859_1);
                    start = i + 2;
                    return s;
                }
            }
            fill(deadline);
        }
    }

    private void skip(long n, long deadline) throws IOException {
        while (n > 0) {
            if (start == end) {
                fill(deadline);
            }
            int k = (int) Math.min(n, end - start);
            start += k;
            n -= k;
        }
    }

    private void skipUntilMark(byte[] mark, long deadline) throws IOException {
        while (true) {
            int at = indexOf(mark);
            if (at >= 0) {
                payloadBytes += at - start;
                start = at + mark.length;
                return;
            }
            // keep the tail that could be the start of the mark
            int keep = Math.min(end - start, mark.length - 1);
            payloadBytes += end - start - keep;
            start = end - keep;
            fill(deadline);
        }
    }

    private int indexOf(byte[] mark) {
        outer:
        for (int i = start; i + mark.length <= end; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (buf[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The next propagated command, PINGs and GETACKs filtered out. Throws
     * {@link SocketTimeoutException} when none is complete within {@code timeoutMillis}; what
     * was partly read stays buffered, so a later call goes on from there.
     */
    public List<byte[]> next(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<byte[]> cmd = parse();
            if (cmd == null) {
                fill(deadline);
                continue;
            }
            if (isKeepAlive(cmd)) {
                filtered++;
                continue;
            }
            return cmd;
        }
    }

    /**
     * Publishes a marker on {@code conn}, reads until it arrives and returns the commands that
     * came before it, the marker and a SELECT right before it left out (see the class comment).
     * {@code conn} must be an ordinary connection that may PUBLISH (not one in RESP2 pub/sub mode).
     */
    public List<List<byte[]>> drain(RawConnection conn, long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        byte[] nonce;
        synchronized (ReplicationStream.class) {
            nonce = (ProcessHandle.current().pid() + "-" + (++markers)).getBytes(StandardCharsets.US_ASCII);
        }
        conn.send("PUBLISH".getBytes(StandardCharsets.US_ASCII), MARKER_CHANNEL, nonce);
        String reply = conn.readReply();
        if (!reply.startsWith(":")) {
            throw new IOException("the marker's PUBLISH answered " + reply.strip());
        }
        List<List<byte[]>> out = new ArrayList<>();
        while (true) {
            List<byte[]> cmd = next(Math.max(1, deadline - System.currentTimeMillis()));
            if (cmd.size() == 3 && is(cmd.get(0), "PUBLISH") && Arrays.equals(cmd.get(1), MARKER_CHANNEL)) {
                // this drain's marker ends it; an earlier drain's (one that timed out) is dropped alike
                if (!out.isEmpty() && isSelect(out.get(out.size() - 1))) {
                    out.remove(out.size() - 1);
                    droppedMarkerSelects++;
                }
                if (Arrays.equals(cmd.get(2), nonce)) {
                    return out;
                }
                continue;
            }
            out.add(cmd);
        }
    }

    private static boolean isSelect(List<byte[]> cmd) {
        return cmd.size() == 2 && is(cmd.get(0), "SELECT");
    }

    private static boolean isKeepAlive(List<byte[]> cmd) {
        if (cmd.size() == 1 && is(cmd.get(0), "PING")) {
            return true;
        }
        return cmd.size() == 3 && is(cmd.get(0), "REPLCONF") && is(cmd.get(1), "GETACK");
    }

    static boolean is(byte[] a, String s) {
        return new String(a, StandardCharsets.ISO_8859_1).equalsIgnoreCase(s);
    }

    /** Parses one complete multibulk from the buffer, or returns null (consuming nothing). */
    private List<byte[]> parse() throws IOException {
        int p = start;
        int[] pos = {p};
        long n = number(pos, '*');
        if (n == Long.MIN_VALUE) {
            return null;
        }
        List<byte[]> args = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            long len = number(pos, '$');
            if (len == Long.MIN_VALUE) {
                return null;
            }
            if (pos[0] + len + 2 > end) {
                return null;
            }
            args.add(Arrays.copyOfRange(buf, pos[0], pos[0] + (int) len));
            if (buf[pos[0] + (int) len] != '\r' || buf[pos[0] + (int) len + 1] != '\n') {
                throw new IOException("no CRLF after a bulk in the replication stream");
            }
            pos[0] += (int) len + 2;
        }
        offset += pos[0] - start;
        start = pos[0];
        return args;
    }

    /** Reads {@code <type><digits>\r\n} at pos[0]; MIN_VALUE when incomplete. */
    private long number(int[] pos, char type) throws IOException {
        int p = pos[0];
        if (p >= end) {
            return Long.MIN_VALUE;
        }
        if (buf[p] != type) {
            throw new IOException("expected '" + type + "' in the replication stream, got: "
                    + new String(buf, p, Math.min(end - p, 80), StandardCharsets.ISO_8859_1));
        }
        for (int i = p + 1; i + 1 < end; i++) {
            if (buf[i] == '\r') {
                if (buf[i + 1] != '\n') {
                    throw new IOException("CR without LF in the replication stream");
                }
                long v = Long.parseLong(new String(buf, p + 1, i - p - 1, StandardCharsets.US_ASCII));
                if (v < 0) {
                    throw new IOException("negative length in the replication stream: " + v);
                }
                pos[0] = i + 2;
                return v;
            }
        }
        return Long.MIN_VALUE;
    }

    /** Reads more bytes, keeping what is buffered; SocketTimeoutException at the deadline. */
    private void fill(long deadline) throws IOException {
        if (start > 0 && start == end) {
            start = end = 0;
        } else if (end == buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            } else {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        while (true) {
            long now = System.currentTimeMillis();
            long left = deadline - now;
            if (left <= 0) {
                throw new SocketTimeoutException("nothing more from the replication stream in time; buffered: "
                        + new String(buf, start, Math.min(end - start, 200), StandardCharsets.ISO_8859_1));
            }
            boolean acking = handshake == Handshake.PSYNC && form != null;
            if (acking && now - lastAck >= ACK_INTERVAL_MILLIS) {
                sendAck();
            }
            socket.setSoTimeout((int) Math.max(1, acking ? Math.min(left, ACK_INTERVAL_MILLIS) : left));
            int n;
            try {
                n = in.read(buf, end, buf.length - end);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                throw new IOException("the master closed the replication stream");
            }
            end += n;
            return;
        }
    }

    private void sendAck() throws IOException {
        send("REPLCONF", "ACK", Long.toString(offset));
        lastAck = System.currentTimeMillis();
    }

    private void send(String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
