package dev.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The sizes of Redis's query buffer that the decoder keeps for CLIENT LIST. Every expected
 * number below was read from CLIENT LIST on Debian's redis-server 7.0.15 after the same steps
 * ({@code qbuf-free} is alloc minus qbuf; {@code tot-mem} counts the allocation).
 */
class RedisQueryBufferTest {
    private static final long MAX_BULK = 512L * 1024 * 1024;

    private final RequestDecoder d = new RequestDecoder();

    private static byte[] resp(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String a : args) {
            b.writeBytes(("$" + a.length() + "\r\n" + a + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void feed(byte[] b) {
        d.feed(b, 0, b.length);
    }

    private void feed(byte[] b, int from, int to) {
        d.feed(b, from, to - from);
    }

    /** Runs what was fed; returns qbuf as the last command saw it while running. */
    private long runAll() {
        long seen = -1;
        while (d.next(false, MAX_BULK) == RequestDecoder.COMMAND) {
            seen = d.redisQueryBufferLength();
        }
        return seen;
    }

    private long free() {
        return d.redisQueryBufferAlloc() - d.unparsedBytes();
    }

    @Test
    void jemallocSizeClasses() {
        long[][] cases = {{1, 8}, {4, 8}, {8, 8}, {9, 16}, {17, 32}, {100, 112}, {128, 128}, {129, 160}, {16384, 16384},
            {16390, 20480}, {40008, 40960}, {100012, 114688}, {1048588, 1310720}, {65546, 81920}};
        for (long[] c : cases) {
            assertEquals(c[1], RedisQueryBuffer.sizeClass(c[0]), "class of " + c[0]);
        }
    }

    @Test
    void aNewClientHasAnEmptyString() {
        assertEquals(4, d.redisQueryBufferAlloc());
        assertEquals(8, d.redisQueryBufferAllocation());
    }

    @Test
    void smallCommandsReadIntoSixteenKilobytes() {
        feed(resp("CLIENT", "INFO"));
        assertEquals(26, runAll(), "the running command is still in the buffer");
        assertEquals(20474, d.redisQueryBufferAlloc());
        assertEquals(20480, d.redisQueryBufferAllocation());
        assertEquals(0, d.unparsedBytes());

        feed(bytes("CLIENT INFO\r\n"));
        assertEquals(13, runAll(), "an inline command is its line");
        feed(concat(resp("PING"), resp("CLIENT", "INFO")));
        assertEquals(40, runAll(), "commands before it from the same read");
        feed(concat(resp("CLIENT", "INFO"), bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab")));
        assertEquals(RequestDecoder.COMMAND, d.next(false, MAX_BULK));
        assertEquals(52, d.redisQueryBufferLength(), "and the rest of the read");
        assertEquals(RequestDecoder.NEED_MORE, d.next(false, MAX_BULK));
        assertEquals(2, d.unparsedBytes(), "parsed arguments leave the buffer");
        assertEquals(20472, free());
        assertEquals(2, d.partialArgv().count());
        feed(bytes("cde\r\n"));
        runAll();
        assertNull(d.partialArgv());
    }

    @Test
    void idleMoreThanTwoSecondsGivesItAllBack() {
        feed(resp("PING"));
        runAll();
        d.cron(0);
        d.cron(2);
        assertEquals(20474, free(), "a buffer under 32 KB is left alone while in use");
        d.cron(3);
        assertEquals(0, d.redisQueryBufferAlloc());
        assertEquals(8, d.redisQueryBufferAllocation());
        feed(resp("PING"));
        runAll();
        assertEquals(20474, d.redisQueryBufferAlloc(), "and the next read takes 16 KB again");
    }

    @Test
    void aBigArgumentGetsABufferOfItsOwnSizeThatTheCronTakesBack() {
        feed(resp("PING"));
        runAll();
        feed(resp("SET", "k", "x".repeat(100_000)));
        runAll();
        assertEquals(0, d.unparsedBytes());
        assertEquals(114678, free(), "a fresh buffer the size of the last big argument");
        assertEquals(114688, d.redisQueryBufferAllocation());
        d.cron(0);
        assertEquals(114678, free(), "the peak of the read keeps it one cron round");
        d.cron(0);
        assertEquals(0, free());
        assertEquals(8, d.redisQueryBufferAllocation());
    }

    @Test
    void aBigArgumentStillArriving() {
        d.cron(3);
        byte[] set = resp("SET", "k", "y".repeat(1_048_576));
        feed(set, 0, 600_000);
        assertEquals(-1, runAll());
        assertEquals(599_970, d.unparsedBytes(), "the bulk's bytes so far; its header is gone");
        assertEquals(710_740, free());
        assertEquals(1_310_720, d.redisQueryBufferAllocation());
        assertEquals(2, d.partialArgv().count());
        d.cron(0);
        assertEquals(448_606, free(), "shrunk to the bulk's length, being more than twice the peak");
        d.cron(0);
        assertEquals(448_606, free(), "and no further: the peak is now the bulk's length");
        feed(set, 600_000, set.length);
        runAll();
        assertEquals(1_310_710, free());
        d.cron(0);
        d.cron(0);
        assertEquals(0, free());
    }

    @Test
    void aCronRoundWhileTheBulkArrivesKeepsItsBuffer() {
        d.cron(3);
        byte[] set = resp("SET", "k", "y".repeat(1_048_576));
        feed(set, 0, 300_000);
        runAll();
        d.cron(0);
        assertEquals(1_048_576 - 299_970, free(), "cut to the bulk's length, without its CRLF");
        feed(set, 300_000, 600_000);
        runAll();
        assertEquals(710_740, free(), "the next read asks for the CRLF too: back to the full size class");
        d.cron(0);
        d.cron(0);
        assertEquals(710_740, free(), "while the bulk arrives, its length is the peak");
    }

    @Test
    void theCronShrinksABigBufferToItsPeak() {
        d.cron(3);
        feed(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000\r\n" + "z".repeat(100)));
        runAll();
        assertEquals(100, d.unparsedBytes());
        assertEquals(40854, free());
        d.cron(0);
        assertEquals(39900, free(), "down to the bulk's length");
        feed(bytes("z".repeat(39_900) + "\r\n"));
        runAll();
        assertEquals(40954, free());
        d.cron(0);
        assertEquals(40954, free(), "the read of the bulk is the peak");
        feed(resp("SET", "k", "q".repeat(20_000)));
        runAll();
        assertEquals(40954, free(), "a read takes all the room there is");
        d.cron(0);
        assertEquals(20030, free(), "down to the peak, the last read");
        assertEquals(20480, d.redisQueryBufferAllocation());
        d.cron(3);
        assertEquals(0, free());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
