package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.ServerContext;
import java.nio.charset.StandardCharsets;

/**
 * The binary protocol's STAT: the groups memcached 1.6.18 serves there (none: the general
 * statistics; reset, settings, detail, items, slabs, sizes, matched as memcached matches them)
 * from mc-core's {@link Stats}, framed one packet per statistic; the caller sends the empty
 * closing packet.
 */
final class MemcachedStatsFrames {
    private MemcachedStatsFrames() {
    }

    /** Writes the group's packets; false for a group memcached answers with "Not found". */
    static boolean report(MemcachedSession s, BinaryProtocol.State st, byte[] b, int off, int len) {
        ServerContext server = s.client.server;
        Stats.Sink sink = (name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            BinaryProtocol.statPacket(s, st, n, 0, n.length, v, 0, v.length);
        };
        if (len == 0) {
            Stats.general(server, sink);
            return true;
        }
        // memcached compares these as prefixes (strncmp with the word's length)
        if (startsWith(b, off, len, "reset")) {
            server.stats().memcached.reset();
            return true;
        }
        if (startsWith(b, off, len, "settings")) {
            Stats.settings(server, sink);
            return true;
        }
        if (startsWith(b, off, len, "detail")) {
            int rest = off + 6;
            int restLen = len - 6;
            if (startsWith(b, rest, restLen, " dump")) {
                sink.stat("detailed", "END\r\n");
                return true;
            }
            return startsWith(b, rest, restLen, " on") || startsWith(b, rest, restLen, " off");
        }
        if (is(b, off, len, "items")) {
            Stats.items(server, sink);
            return true;
        }
        if (is(b, off, len, "slabs")) {
            Stats.slabs(server, sink);
            return true;
        }
        if (is(b, off, len, "sizes")) {
            sink.stat("sizes_status", "disabled");
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

    private static boolean is(byte[] b, int off, int len, String word) {
        return len == word.length() && startsWith(b, off, len, word);
    }
}
