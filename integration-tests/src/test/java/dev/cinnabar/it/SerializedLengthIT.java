package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DEBUG OBJECT's {@code encoding} and {@code serializedlength} (the size of the value's RDB
 * payload, as DUMP and SAVE write it) for every type in every encoding, compared between Redis and
 * Cinnabar built by the same commands: with and without {@code rdbcompression}, with compressed
 * quicklist nodes, and after lowering the listpack thresholds. The rest of DEBUG OBJECT's line
 * holds addresses and clocks, so a differential script cannot compare it (DebugIT checks its form).
 */
class SerializedLengthIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair("--enable-debug-command", "yes");

    private static final Pattern FIELDS = Pattern.compile("encoding:(\\S+) serializedlength:(\\d+)");

    private static List<String> facts(RawConnection c, List<String[]> setup, List<String> keys) throws IOException {
        c.call("FLUSHALL");
        for (String[] cmd : setup) {
            String r = c.call(cmd);
            assertTrue(!r.startsWith("-"), String.join(" ", cmd) + " -> " + r);
        }
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String r = c.call("DEBUG", "OBJECT", k);
            Matcher m = FIELDS.matcher(r);
            assertTrue(m.find(), k + ": " + r);
            out.add(k + " " + m.group(1) + " " + m.group(2));
        }
        return out;
    }

    private static void compare(List<String[]> setup) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String[] cmd : setup) {
            if (cmd[0].equals("CONFIG")) {
                continue;
            }
            String key = cmd[0].equals("XGROUP") ? cmd[2] : cmd[0].equals("XREADGROUP") ? cmd[cmd.length - 2] : cmd[1];
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        try (RawConnection redis = new RawConnection(SERVERS.redis().port());
                RawConnection cinnabar = new RawConnection(SERVERS.cinnabar().port())) {
            List<String> expected = facts(redis, setup, keys);
            assertTrue(expected.size() >= 25, expected.toString());
            assertEquals(String.join("\n", expected), String.join("\n", facts(cinnabar, setup, keys)));
        }
    }

    private static List<String[]> everything() {
        List<String[]> all = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : MigrateIT.dataset().entrySet()) {
            all.addAll(e.getValue());
        }
        // Longer compressible strings: LZF applies from 21 bytes when it saves at least 4 bytes.
        all.add(new String[] {"SET", "s:lzf", "abcabcabcabcabcabcabcabcabcabc"});
        all.add(new String[] {"SET", "s:lzf20", "aaaaaaaaaaaaaaaaaaaa"});
        all.add(new String[] {"SET", "s:lzf21", "aaaaaaaaaaaaaaaaaaaaa"});
        all.add(new String[] {"SET", "s:lzfbig", "0123456789".repeat(2000)});
        all.add(new String[] {"SET", "s:intlike", "12345678901234567890"});
        List<String> bigHash = new ArrayList<>(List.of("HSET", "h:compressible"));
        for (int i = 0; i < 300; i++) {
            bigHash.add("field:" + i);
            bigHash.add("value-value-value-value-value-" + i);
        }
        all.add(bigHash.toArray(new String[0]));
        List<String> strSet = new ArrayList<>(List.of("SADD", "set:bigstr"));
        for (int i = 0; i < 300; i++) {
            strSet.add("member-member-member-member-" + i);
        }
        all.add(strSet.toArray(new String[0]));
        return all;
    }

    private static List<String[]> withConfig(String... pairs) {
        List<String[]> all = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            all.add(new String[] {"CONFIG", "SET", pairs[i], pairs[i + 1]});
        }
        all.addAll(everything());
        return all;
    }

    private static void restoreDefaults() throws IOException {
        for (var s : SERVERS.both()) {
            try (RawConnection c = new RawConnection(s.port())) {
                c.call("CONFIG", "SET", "rdbcompression", "yes", "list-compress-depth", "0",
                        "list-max-listpack-size", "-2", "hash-max-listpack-entries", "128",
                        "set-max-intset-entries", "512", "zset-max-listpack-entries", "128");
            }
        }
    }

    @Test
    void everyTypeAndEncodingWithDefaults() throws IOException {
        restoreDefaults();
        compare(everything());
    }

    @Test
    void withoutCompression() throws IOException {
        try {
            compare(withConfig("rdbcompression", "no"));
        } finally {
            restoreDefaults();
        }
    }

    @Test
    void compressedQuicklistNodesAndSmallNodes() throws IOException {
        try {
            compare(withConfig("list-compress-depth", "1", "list-max-listpack-size", "5"));
        } finally {
            restoreDefaults();
        }
    }

    @Test
    void lowThresholdsMakeTheBigEncodings() throws IOException {
        try {
            compare(withConfig("hash-max-listpack-entries", "1", "set-max-intset-entries", "2",
                    "zset-max-listpack-entries", "1"));
        } finally {
            restoreDefaults();
        }
    }
}
