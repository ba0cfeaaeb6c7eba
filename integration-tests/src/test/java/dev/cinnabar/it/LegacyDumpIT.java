package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import dev.cinnabar.persistence.rdb.Rdb;
import dev.cinnabar.persistence.rdb.RdbOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump in the format of older Redis versions (version 9, with every value type Redis 7.0 reads
 * but no longer writes: ziplists, zipmaps, quicklists of ziplists, linked lists, text-score
 * sorted sets, the first stream format, and an empty collection to skip) loads into Cinnabar as
 * into redis-server 7.0.15: the same DEBUG DIGEST, the same log line for the empty key; and
 * Cinnabar's own dump of it passes redis-check-rdb and loads into Redis to the same digest.
 */
class LegacyDumpIT {
    @TempDir
    Path tmp;

    /** Keys {@link #legacyDump} wrote, the empty one apart. */
    static int keys;

    /** The legacy payloads of persistence's test table, as keys of one database. */
    static byte[] legacyDump() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("../persistence/src/test/resources/rdb/legacy-cases.tsv"));
        RdbOutput out = new RdbOutput(false);
        byte[] magic = "REDIS0009".getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(magic, 0, magic.length);
        out.writeByte(Rdb.OPCODE_SELECTDB);
        out.writeLength(0);
        int i = 0;
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] row = line.split("\t");
            boolean empty = row[0].equals("quicklist v1 only empty nodes");
            if (!row[1].equals("DEFAULTS") || (row[3].equals("ERR") && !empty)) {
                continue;
            }
            byte[] value = HexFormat.of().parseHex(row[2]);
            out.writeByte(value[0] & 0xff);
            out.writeString((empty ? "empty" : "k" + i++).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(value, 1, value.length - 1);
        }
        out.writeByte(Rdb.OPCODE_EOF);
        out.writeLittleEndian(out.crc(), 8);
        keys = i;
        return out.toByteArray();
    }

    @Test
    void anOldDumpLoadsAsInRedis() throws Exception {
        byte[] dump = legacyDump();
        Path rdir = Files.createDirectories(tmp.resolve("redis"));
        Path cdir = Files.createDirectories(tmp.resolve("cinnabar"));
        Files.write(rdir.resolve("dump.rdb"), dump);
        Files.write(cdir.resolve("dump.rdb"), dump);
        String digest;
        String size;
        try (ServerProcess redis = ServerProcess.redis("--dir", rdir.toString(), "--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            digest = r.call("DEBUG", "DIGEST");
            size = r.call("DBSIZE");
            assertTrue(redis.log().contains("rdbLoadObject skipping empty key: empty"), redis.log());
        }
        assertEquals(":" + keys + "\r\n", size);
        try (ServerProcess ours = ServerProcess.cinnabar("--dir", cdir.toString(), "--enable-debug-command", "yes",
                "--save", ""); RawConnection c = new RawConnection(ours.port())) {
            String log = ServerLifecycleIT.logWhenReady(ours);
            assertEquals(size, c.call("DBSIZE"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"), "an old dump loaded into Cinnabar");
            assertTrue(log.contains("rdbLoadObject skipping empty key: empty"), log);
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        assertEquals(0, checkRdb(cdir.resolve("dump.rdb")));
        Path rdir2 = Files.createDirectories(tmp.resolve("redis2"));
        Files.copy(cdir.resolve("dump.rdb"), rdir2.resolve("dump.rdb"));
        try (ServerProcess redis = ServerProcess.redis("--dir", rdir2.toString(), "--enable-debug-command", "yes");
                RawConnection r = new RawConnection(redis.port())) {
            assertEquals(digest, r.call("DEBUG", "DIGEST"), "Cinnabar's dump of it loaded into Redis");
        }
    }

    private static int checkRdb(Path file) throws Exception {
        Process p = new ProcessBuilder(ServerProcess.redisServerBinary().replace("redis-server", "redis-check-rdb"),
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("RDB looks OK!"), out);
        return p.exitValue();
    }
}
