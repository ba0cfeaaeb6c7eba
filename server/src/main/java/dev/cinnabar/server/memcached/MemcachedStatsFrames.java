package dev.cinnabar.server.memcached;

import dev.cinnabar.server.stats.MemcachedStats;
import java.nio.charset.StandardCharsets;

/**
 * The binary protocol's STAT: memcached's statistics groups framed as one packet per
 * statistic ({@link BinaryProtocol#statPacket}); the caller sends the empty closing packet.
 */
final class MemcachedStatsFrames {
    private MemcachedStatsFrames() {
    }

    /** Writes the group's packets; false for a group memcached does not know (a "Not found" reply). */
    static boolean report(MemcachedSession s, BinaryProtocol.State st, byte[] b, int off, int len) {
        MemcachedStats m = s.client.server.stats().memcached;
        if (len == 0) {
            long now = s.client.server.clock().millis();
            long started = s.client.server.stats().startMillis;
            stat(s, st, "pid", ProcessHandle.current().pid());
            stat(s, st, "uptime", (now - started) / 1000);
            stat(s, st, "time", now / 1000);
            stat(s, st, "version", "1.6.18");
            stat(s, st, "curr_connections", m.currConnections);
            stat(s, st, "total_connections", m.totalConnections);
            stat(s, st, "rejected_connections", m.rejectedConnections);
            stat(s, st, "cmd_get", m.getCmds);
            stat(s, st, "cmd_set", m.setCmds);
            stat(s, st, "cmd_flush", m.flushCmds);
            stat(s, st, "cmd_touch", m.touchCmds);
            stat(s, st, "cmd_meta", m.metaCmds);
            stat(s, st, "get_hits", m.getHits);
            stat(s, st, "get_misses", m.getMisses);
            stat(s, st, "get_expired", m.getExpired);
            stat(s, st, "get_flushed", m.getFlushed);
            stat(s, st, "delete_misses", m.deleteMisses);
            stat(s, st, "delete_hits", m.deleteHits);
            stat(s, st, "incr_misses", m.incrMisses);
            stat(s, st, "incr_hits", m.incrHits);
            stat(s, st, "decr_misses", m.decrMisses);
            stat(s, st, "decr_hits", m.decrHits);
            stat(s, st, "cas_misses", m.casMisses);
            stat(s, st, "cas_hits", m.casHits);
            stat(s, st, "cas_badval", m.casBadval);
            stat(s, st, "touch_hits", m.touchHits);
            stat(s, st, "touch_misses", m.touchMisses);
            stat(s, st, "store_too_large", m.storeTooLarge);
            stat(s, st, "store_no_memory", m.storeNoMemory);
            stat(s, st, "auth_cmds", m.authCmds);
            stat(s, st, "auth_errors", m.authErrors);
            stat(s, st, "bytes_read", m.bytesRead);
            stat(s, st, "bytes_written", m.bytesWritten);
            stat(s, st, "total_items", m.totalItems);
            return true;
        }
        if (startsWith(b, off, len, "reset")) {
            m.reset();
            return true;
        }
        return false;
    }

    private static boolean startsWith(byte[] b, int off, int len, String word) {
        if (len < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[off + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void stat(MemcachedSession s, BinaryProtocol.State st, String name, long value) {
        stat(s, st, name, Long.toString(value));
    }

    private static void stat(MemcachedSession s, BinaryProtocol.State st, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        BinaryProtocol.statPacket(s, st, n, 0, n.length, v, 0, v.length);
    }
}
