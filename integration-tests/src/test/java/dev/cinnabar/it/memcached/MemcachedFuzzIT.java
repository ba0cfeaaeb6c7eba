package dev.cinnabar.it.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Cinnabar's memcached listener under at least 100k random and mutated text lines, meta lines
 * and binary frames (generated, and the corpus's groups as seeds, some mutated) over several
 * connections at once. Each connection writes its frames and a
 * sync marker ({@code mn}, or a binary NOOP), shuts down its sending side and reads to the end:
 * what comes back must be well-formed memcached replies, and the server must close the
 * connection (never hang). Every tenth connection sends one line or frame that is malformed by
 * construction and must get an error line or an error status back. Meanwhile a bystander keeps
 * checking its own set/get replies; afterwards the server answers, holds no leftover clients
 * and logged no failure.
 *
 * <p>Reproducing: every message names the seed; rerun with {@code -Dfuzz.seed=<seed>}.
 */
class MemcachedFuzzIT {
    private static final int FRAMES = Integer.getInteger("fuzz.frames", 100_000);
    private static final int WORKERS = 4;
    private static final int HANG_MILLIS = 10_000;
    private static final Pattern TEXT_REPLY = Pattern.compile(
            "(VALUE [^ ]+ \\d+ \\d+( \\d+)?|END|STORED|NOT_STORED|EXISTS|NOT_FOUND|DELETED|TOUCHED|OK|RESET|ERROR|ERROR .*"
                    + "|CLIENT_ERROR .*|SERVER_ERROR .*|VERSION .*|STAT .*|\\d+|VA \\d+( .*)?|HD( .*)?|EN( .*)?|NF( .*)?"
                    + "|NS( .*)?|EX( .*)?|MN|ME .*)", Pattern.DOTALL); // a key may hold a CR: memcached splits lines at LF

    /** The corpus's groups as bytes, text and binary apart: seeds that the fuzzer mutates. */
    static final List<byte[]> TEXT_SEEDS = new ArrayList<>();
    static final List<byte[]> BINARY_SEEDS = new ArrayList<>();

    static synchronized void loadSeeds() throws IOException {
        if (!TEXT_SEEDS.isEmpty()) {
            return;
        }
        McScript.Side side = new McScript.Side(0);
        for (java.nio.file.Path p : MemcachedDifferentialIT.scripts()) {
            for (McScript.Step step : McScript.parse(p)) {
                if (step.lines.isEmpty()) {
                    continue;
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                boolean binary = step.lines.get(0).startsWith("bin ");
                for (String l : step.lines) {
                    String sub = McScript.substitute(l, side);
                    if (sub.length() > 100_000) {
                        sub = sub.substring(0, 100_000); // the biggest values: a cut is a mutation too
                    }
                    if (sub.startsWith("bin ")) {
                        b.writeBytes(BinFrame.build(sub.substring(4)));
                    } else if (sub.startsWith("hex ")) {
                        b.writeBytes(McScript.hex(sub.substring(4)));
                    } else if (sub.startsWith("!raw ")) {
                        b.writeBytes(McScript.unescape(sub.substring(5)));
                    } else if (!sub.startsWith("!")) {
                        b.writeBytes(sub.equals("\\z") ? new byte[0] : McScript.unescape(sub));
                        b.writeBytes(new byte[] {'\r', '\n'});
                    }
                }
                byte[] bytes = b.toByteArray();
                if (bytes.length > 0 && !new String(bytes, StandardCharsets.ISO_8859_1).contains("flush")) {
                    (binary && (bytes[0] & 0xff) == 0x80 ? BINARY_SEEDS : TEXT_SEEDS).add(bytes);
                }
            }
        }
    }

    @Test
    void randomAndMutatedInputNeverKillsOrHangsTheServer() throws Exception {
        loadSeeds();
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        String run = "memcached fuzz seed=" + seed + " (rerun with -Dfuzz.seed=" + seed + ")";
        System.out.println(run);
        long started = System.nanoTime();
        // -Dfuzz.against=memcached runs the same against memcached 1.6 itself, to check the checks.
        boolean real = "memcached".equals(System.getProperty("fuzz.against"));
        try (AutoCloseable closer = real ? McServers.memcached("-t", "1", "-I", "64k", "-o", "slab_chunk_max=32768")
                : McServers.cinnabar("--memcached-max-item-size", "64kb")) {
            dev.cinnabar.it.support.ServerProcess process = real ? (dev.cinnabar.it.support.ServerProcess) closer
                    : ((McServers.Cinnabar) closer).process;
            int port = real ? process.port() : ((McServers.Cinnabar) closer).memcachedPort;
            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicLong bystanderOps = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
            AtomicInteger nextConnection = new AtomicInteger();
            AtomicLong framesSent = new AtomicLong();
            AtomicLong errorsSeen = new AtomicLong();
            try {
                Future<?> bystander = pool.submit(() -> bystander(port, fuzzing, bystanderOps, failures));
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    workers.add(pool.submit(() -> {
                        while (framesSent.get() < FRAMES && failures.isEmpty()) {
                            int id = nextConnection.getAndIncrement();
                            Random r = new Random(seed * 1_000_003L + id);
                            String problem;
                            if (id % 10 == 0) {
                                Fuzzer f = new Fuzzer(r);
                                byte[] bad = f.malformed();
                                framesSent.incrementAndGet();
                                problem = exchange(port, bad, f.binary, true, errorsSeen);
                                if (problem != null) {
                                    problem += "\ninput: " + McScript.show(new String(bad, StandardCharsets.ISO_8859_1));
                                }
                            } else {
                                Fuzzer f = new Fuzzer(r);
                                byte[] input = f.connectionInput(1 + r.nextInt(60));
                                framesSent.addAndGet(f.frames);
                                problem = exchange(port, input, f.binary, false, errorsSeen);
                                if (problem != null) {
                                    problem += "\ninput: " + McScript.show(new String(input, StandardCharsets.ISO_8859_1));
                                }
                            }
                            if (problem != null) {
                                failures.add(run + ", connection " + id + ": " + problem);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get(180, TimeUnit.SECONDS);
                }
                fuzzing.set(false);
                bystander.get(30, TimeUnit.SECONDS);
            } finally {
                fuzzing.set(false);
                pool.shutdownNow();
            }
            String first = failures.peek();
            assertTrue(failures.isEmpty(), failures.size() + " failures; the first: "
                    + (first == null ? "" : first.substring(0, Math.min(first.length(), 6000))));
            assertTrue(framesSent.get() >= FRAMES, run + ": sent only " + framesSent.get());
            assertTrue(bystanderOps.get() > 100, run + ": the bystander got few replies: " + bystanderOps.get());
            assertTrue(errorsSeen.get() > 1000, run + ": few error replies: " + errorsSeen.get());
            System.out.println(run + ": " + framesSent.get() + " frames on " + nextConnection.get() + " connections, "
                    + errorsSeen.get() + " error replies, " + bystanderOps.get() + " bystander checks in "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
            assertTrue(process.process().isAlive(), run);
            try (Socket s = connect(port)) {
                s.getOutputStream().write("set after 0 0 2\r\nok\r\nget after\r\n".getBytes(StandardCharsets.US_ASCII));
                String expected = "STORED\r\nVALUE after 0 2\r\nok\r\nEND\r\n";
                assertEquals(expected, readExactly(s.getInputStream(), expected.length()), run);
            }
            if (!real) {
                // every fuzzing connection is gone
                long deadline = System.currentTimeMillis() + 10_000;
                String clients;
                do {
                    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", process.port())) {
                        clients = dev.cinnabar.it.support.Waits.field(j.info("memcached"), "memcached_connected_clients");
                    }
                    if ("0".equals(clients)) {
                        break;
                    }
                    Thread.sleep(50);
                } while (System.currentTimeMillis() < deadline);
                assertEquals("0", clients, run + ": memcached clients left over");
            }
            String log = real ? "" : process.log();
            for (String bad : new String[] {"Exception", "internal error", "LEAK"}) {
                assertFalse(log.contains(bad), run + ": the server logged '" + bad + "':\n" + log);
            }
        }
    }

    /** A line that never ends is answered or cut, never buffered without bound, and the server lives on. */
    @Test
    void anEndlessLineIsNotBufferedWithoutBound() throws Exception {
        try (McServers.Cinnabar server = McServers.cinnabar()) {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            long sent = 0;
            try (Socket s = connect(server.memcachedPort)) {
                s.setSoTimeout(200);
                OutputStream out = s.getOutputStream();
                try {
                    while (sent < 64L * 1024 * 1024) {
                        out.write(chunk);
                        sent += chunk.length;
                    }
                } catch (IOException closedOnUs) {
                    // the server dropped the connection: what we want
                }
                String got = drain(s.getInputStream());
                assertTrue(got.isEmpty() || got.startsWith("CLIENT_ERROR") || got.startsWith("SERVER_ERROR")
                        || got.startsWith("ERROR"), got);
            }
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", server.respPort())) {
                long used = Long.parseLong(dev.cinnabar.it.support.Waits.field(j.info("memory"), "used_memory"));
                assertTrue(used < 48L * 1024 * 1024, "used_memory " + used + " after an endless line");
            }
            try (Socket s = connect(server.memcachedPort)) {
                s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readLine(s.getInputStream()).startsWith("VERSION "));
            }
        }
    }

    // ---------------------------------------------------------------- one connection

    /**
     * Sends {@code input} and a sync marker, half-closes and reads to the end. Returns a problem,
     * or null. {@code mustErr}: the input is one malformed command that must get an error.
     */
    static String exchange(int port, byte[] input, boolean binary, boolean mustErr, AtomicLong errors) {
        try (Socket s = connect(port)) {
            s.setSoTimeout(HANG_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                out.write(input);
                out.write(binary ? BinFrame.noop(McScript.SYNC_OPAQUE) : "mn\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput();
            } catch (IOException closed) {
                // the server may close first (a binary protocol error, quit); read what it said
            }
            byte[] buf = new byte[65536];
            long deadline = System.currentTimeMillis() + HANG_MILLIS;
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    return "no reply and no close within " + HANG_MILLIS + " ms; got so far: "
                            + McScript.show(new String(got.toByteArray(), StandardCharsets.ISO_8859_1));
                } catch (IOException reset) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
                if (got.size() > 64 * 1024 * 1024 || System.currentTimeMillis() > deadline) {
                    return "a reply without end";
                }
            }
            byte[] reply = got.toByteArray();
            String problem = binary ? checkBinary(reply, errors) : checkText(reply, errors);
            if (problem != null) {
                return problem;
            }
            if (mustErr) {
                String r = new String(reply, StandardCharsets.ISO_8859_1);
                boolean err = binary ? binaryError(reply) : r.contains("ERROR");
                if (!err) {
                    return "malformed input got no error: " + McScript.show(r);
                }
            }
            return null;
        } catch (IOException e) {
            return "connection failed: " + e;
        }
    }

    static String checkText(byte[] reply, AtomicLong errors) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < s.length()) {
            int eol = s.indexOf("\r\n", pos);
            if (eol < 0) {
                return "a reply that does not end in CRLF: " + McScript.show(s.substring(pos));
            }
            String line = s.substring(pos, eol);
            pos = eol + 2;
            if (!TEXT_REPLY.matcher(line).matches()) {
                return "not a memcached reply line: " + McScript.show(line) + " in " + McScript.show(s);
            }
            if (line.contains("ERROR")) {
                errors.incrementAndGet();
            }
            String[] t = line.split(" ");
            int len = -1;
            if (t[0].equals("VALUE")) {
                len = Integer.parseInt(t[3]);
            } else if (t[0].equals("VA")) {
                len = Integer.parseInt(t[1]);
            }
            if (len >= 0) {
                if (pos + len + 2 > s.length() || !s.startsWith("\r\n", pos + len)) {
                    return "a data block of the wrong length after " + McScript.show(line);
                }
                pos += len + 2;
            }
        }
        return null;
    }

    static String checkBinary(byte[] b, AtomicLong errors) {
        int pos = 0;
        while (pos < b.length) {
            if (pos + 24 > b.length) {
                return "a truncated binary header at " + pos;
            }
            if ((b[pos] & 0xff) != 0x81) {
                // a text reply to a connection that did not start with 0x80 is fine; here all did
                return "a response without magic 0x81 at " + pos + ": "
                        + McScript.show(new String(b, pos, Math.min(200, b.length - pos), StandardCharsets.ISO_8859_1));
            }
            ByteBuffer h = ByteBuffer.wrap(b, pos, 24);
            int keylen = h.getShort(pos + 2) & 0xffff;
            int extlen = b[pos + 4] & 0xff;
            int status = h.getShort(pos + 6) & 0xffff;
            int body = h.getInt(pos + 8);
            if (body < keylen + extlen || pos + 24L + body > b.length) {
                return "a binary response whose lengths do not add up at " + pos;
            }
            if (status != 0) {
                errors.incrementAndGet();
            }
            pos += 24 + body;
        }
        return null;
    }

    static boolean binaryError(byte[] b) {
        int pos = 0;
        while (pos + 24 <= b.length) {
            ByteBuffer h = ByteBuffer.wrap(b);
            int status = h.getShort(pos + 6) & 0xffff;
            if (status != 0) {
                return true;
            }
            pos += 24 + h.getInt(pos + 8);
        }
        return false;
    }

    // ---------------------------------------------------------------- the bystander

    private static void bystander(int port, AtomicBoolean fuzzing, AtomicLong ops, ConcurrentLinkedQueue<String> failures) {
        try (Socket s = connect(port)) {
            s.setSoTimeout(HANG_MILLIS);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int i = 0;
            int bursts = 0;
            long burstStart = 0;
            while (fuzzing.get() && failures.isEmpty()) {
                String key = "bystander:" + (i % 50);
                String value = "v" + i;
                out.write(("set " + key + " 5 0 " + value.length() + "\r\n" + value + "\r\nget " + key + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String expected = "STORED\r\nVALUE " + key + " 5 " + value.length() + "\r\n" + value + "\r\nEND\r\n";
                String got = readLine(in) + "\n" + readLine(in) + "\n";
                if (got.equals("STORED\r\nEND\r\n")) {
                    // A miss right after the store: a mutated corpus frame can be a delayed
                    // flush, and during the second it takes effect memcached (and Cinnabar, as
                    // it) treats what is stored as flushed. So misses may come in bursts of
                    // about a second (every store then misses), but only a few such bursts.
                    long now = System.nanoTime();
                    if (bursts == 0 || now - burstStart > 2_500_000_000L) {
                        burstStart = now;
                        if (++bursts > 5) {
                            failures.add("bystander: misses right after a store in " + bursts + " separate bursts");
                            return;
                        }
                    }
                } else {
                    got += readLine(in) + "\n" + readLine(in) + "\n";
                    if (!expected.equals(got)) {
                        failures.add("bystander: expected " + McScript.show(expected) + ", got " + McScript.show(got));
                        return;
                    }
                }
                ops.incrementAndGet();
                i++;
                Thread.sleep(2);
            }
        } catch (Exception e) {
            failures.add("bystander: " + e);
        }
    }

    // ---------------------------------------------------------------- inputs

    /** Random and mutated memcached input for one connection: text (with meta) or binary. */
    static final class Fuzzer {
        final Random r;
        final boolean binary;
        int frames;

        Fuzzer(Random r) {
            this.r = r;
            this.binary = r.nextInt(3) == 0;
        }

        byte[] connectionInput(int n) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                if (r.nextInt(4) == 0) {
                    List<byte[]> seeds = binary ? BINARY_SEEDS : TEXT_SEEDS;
                    byte[] seed = seeds.get(r.nextInt(seeds.size()));
                    b.writeBytes(r.nextBoolean() ? seed : mutateAny(seed));
                    frames++;
                    continue;
                }
                byte[] f = binary ? binaryFrame() : textCommand();
                b.writeBytes(f);
                frames++;
            }
            byte[] all = b.toByteArray();
            if (!binary && all.length > 0 && (all[0] & 0xff) == 0x80) {
                all[0] = 'x'; // a mutation must not turn a text connection into a binary one
            }
            if (binary && all.length > 0) {
                all[0] = (byte) 0x80; // nor a binary connection into a text one
            }
            return all;
        }

        private static final String[] TEXT = {"set", "add", "replace", "append", "prepend", "cas", "get", "gets", "gat",
            "gats", "delete", "incr", "decr", "touch", "version", "verbosity", "stats", "mg", "ms", "md",
            "ma", "mn", "me"};

        private String key() {
            switch (r.nextInt(8)) {
                case 0:
                    return "k".repeat(240 + r.nextInt(20));
                case 1:
                    return "";
                case 2:
                    return "ключ" + r.nextInt(10);
                default:
                    return "k" + r.nextInt(20);
            }
        }

        private String number() {
            switch (r.nextInt(10)) {
                case 0:
                    return "-" + r.nextInt(100);
                case 1:
                    return "18446744073709551616";
                case 2:
                    return "abc";
                case 3:
                    return Long.toUnsignedString(r.nextLong());
                case 4:
                    return "4294967296";
                default:
                    return Integer.toString(r.nextInt(100));
            }
        }

        byte[] textCommand() {
            String cmd = TEXT[r.nextInt(TEXT.length)];
            StringBuilder line = new StringBuilder(cmd);
            byte[] data = null;
            switch (cmd) {
                case "set": case "add": case "replace": case "append": case "prepend": case "cas": {
                    int len = r.nextInt(5) == 0 ? r.nextInt(3000) : r.nextInt(20);
                    line.append(' ').append(key()).append(' ').append(r.nextInt(4) == 0 ? number() : "0").append(' ')
                            .append(r.nextInt(4) == 0 ? number() : "0").append(' ')
                            .append(r.nextInt(8) == 0 ? number() : Integer.toString(len));
                    if (cmd.equals("cas")) {
                        line.append(' ').append(number());
                    }
                    if (r.nextInt(4) == 0) {
                        line.append(" noreply");
                    }
                    data = new byte[len + r.nextInt(8) / 7];
                    r.nextBytes(data);
                    break;
                }
                case "ms": {
                    int len = r.nextInt(30);
                    line.append(' ').append(key()).append(' ').append(r.nextInt(8) == 0 ? number() : Integer.toString(len));
                    appendMetaFlags(line, "bcCEFIkOqsSTMN");
                    data = new byte[len];
                    r.nextBytes(data);
                    break;
                }
                case "mg": case "md": case "ma": case "me":
                    line.append(' ').append(key());
                    appendMetaFlags(line, "bcfhklOqstuvNRTWXZEMIJDC");
                    break;
                default: {
                    int args = r.nextInt(4);
                    for (int i = 0; i < args; i++) {
                        line.append(' ').append(r.nextBoolean() ? key() : number());
                    }
                }
            }
            byte[] l = line.toString().getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(l);
            b.writeBytes(new byte[] {'\r', '\n'});
            if (data != null) {
                b.writeBytes(data);
                b.writeBytes(new byte[] {'\r', '\n'});
            }
            return mutate(b.toByteArray());
        }

        private void appendMetaFlags(StringBuilder line, String flags) {
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                char f = flags.charAt(r.nextInt(flags.length()));
                line.append(' ').append(f);
                if (Character.isUpperCase(f)) {
                    line.append(r.nextBoolean() ? number() : "S");
                }
            }
        }

        byte[] binaryFrame() {
            int op = r.nextInt(10) == 0 ? r.nextInt(256) : r.nextInt(0x25);
            byte[] key = key().getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[r.nextInt(4) == 0 ? r.nextInt(2000) : r.nextInt(20)];
            r.nextBytes(value);
            int extlen;
            switch (op) {
                case 0x01: case 0x02: case 0x03: case 0x11: case 0x12: case 0x13:
                    extlen = 8;
                    break;
                case 0x05: case 0x06: case 0x15: case 0x16:
                    extlen = 20;
                    break;
                case 0x1c: case 0x1d: case 0x1e: case 0x23: case 0x24: case 0x08: case 0x18: case 0x1b:
                    extlen = 4;
                    break;
                default:
                    extlen = 0;
                    key = r.nextBoolean() ? new byte[0] : key;
                    value = r.nextInt(3) == 0 ? value : new byte[0];
            }
            if (r.nextInt(8) == 0) {
                extlen = r.nextInt(24);
            }
            byte[] extras = new byte[extlen];
            r.nextBytes(extras);
            if (op == 0x07 || op == 0x17 || op == 0x08 || op == 0x18) {
                op = 0x0a; // quit would end the connection early, flush would empty the bystander's keys
            }
            byte[] f = BinFrame.frame(0x80, op, extras, key, value, r.nextInt(20) == 0 ? r.nextInt(256) : 0, r.nextInt(),
                    r.nextInt(5) == 0 ? r.nextLong() : 0, 0, -1, -1, -1);
            if (r.nextInt(12) == 0) {
                // lie about a length: the body length smaller or larger (bounded) than sent
                int which = r.nextInt(3);
                int off = which == 0 ? 2 : which == 1 ? 4 : 8;
                if (off == 8) {
                    ByteBuffer.wrap(f).putInt(8, r.nextInt(3000));
                } else if (off == 2) {
                    ByteBuffer.wrap(f).putShort(2, (short) r.nextInt(300));
                } else {
                    f[4] = (byte) r.nextInt(256);
                }
            }
            return f;
        }

        /** A byte flipped, a cut, or random bytes inserted, anywhere. */
        private byte[] mutateAny(byte[] b) {
            byte[] m = b.clone();
            switch (r.nextInt(3)) {
                case 0:
                    for (int i = 1 + r.nextInt(3); i > 0; i--) {
                        m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                    }
                    return m;
                case 1:
                    return java.util.Arrays.copyOf(m, r.nextInt(m.length));
                default: {
                    byte[] junk = new byte[1 + r.nextInt(20)];
                    r.nextBytes(junk);
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    int at = r.nextInt(m.length);
                    o.write(m, 0, at);
                    o.writeBytes(junk);
                    o.write(m, at, m.length - at);
                    return o.toByteArray();
                }
            }
        }

        private byte[] mutate(byte[] b) {
            if (r.nextInt(6) != 0 || b.length == 0) {
                return b;
            }
            byte[] m = b.clone();
            switch (r.nextInt(4)) {
                case 0:
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                    return m;
                case 1:
                    return java.util.Arrays.copyOf(m, r.nextInt(m.length));
                case 2: {
                    byte[] junk = new byte[r.nextInt(40)];
                    r.nextBytes(junk);
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    int at = r.nextInt(m.length);
                    o.write(m, 0, at);
                    o.writeBytes(junk);
                    o.write(m, at, m.length - at);
                    return o.toByteArray();
                }
                default: {
                    byte[] line = new byte[r.nextInt(3000)];
                    for (int i = 0; i < line.length; i++) {
                        line[i] = (byte) (' ' + r.nextInt(95));
                    }
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    o.writeBytes(line);
                    o.writeBytes(new byte[] {'\r', '\n'});
                    return o.toByteArray();
                }
            }
        }

        /** One command that is malformed by construction; memcached answers each with an error. */
        byte[] malformed() {
            if (binary) {
                switch (r.nextInt(4)) {
                    case 0: // get without a key
                        return BinFrame.frame(0x80, 0x00, new byte[0], new byte[0], new byte[0], 0, 1, 0, 0, -1, -1, -1);
                    case 1: // set without its extras
                        return BinFrame.frame(0x80, 0x01, new byte[0], "k".getBytes(StandardCharsets.US_ASCII),
                                new byte[] {1}, 0, 1, 0, 0, -1, -1, -1);
                    case 2: // a key of 251 bytes
                        return BinFrame.frame(0x80, 0x00, new byte[0], "k".repeat(251).getBytes(StandardCharsets.US_ASCII),
                                new byte[0], 0, 1, 0, 0, -1, -1, -1);
                    default: // an unknown opcode without a body
                        return BinFrame.frame(0x80, 0x40 + r.nextInt(0x40), new byte[0], new byte[0], new byte[0], 0, 1, 0, 0,
                                -1, -1, -1);
                }
            }
            String line;
            switch (r.nextInt(8)) {
                case 0:
                    line = "z" + Long.toHexString(r.nextLong());
                    break;
                case 1:
                    line = "set k " + number2bad() + " 0 1\r\nx";
                    break;
                case 2:
                    line = "get " + "k".repeat(251 + r.nextInt(100));
                    break;
                case 3:
                    line = "incr k " + number2bad();
                    break;
                case 4:
                    line = "set k 0 0 2\r\nabcd";
                    break;
                case 5:
                    line = "touch k " + number2bad();
                    break;
                case 6:
                    line = "x".repeat(2100 + r.nextInt(1000));
                    break;
                default:
                    line = "ms k 2 T" + number2bad() + "\r\nab";
            }
            return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private String number2bad() {
            String[] bad = {"abc", "-1x", "1x", "18446744073709551616x", "+-1"};
            return bad[r.nextInt(bad.length)];
        }
    }

    // ---------------------------------------------------------------- sockets

    static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSoTimeout(HANG_MILLIS);
        return s;
    }

    static String readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }

    static String drain(InputStream in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
                if (b.size() > 4096) {
                    break;
                }
            }
        } catch (IOException timeoutOrReset) {
            // done
        }
        return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
