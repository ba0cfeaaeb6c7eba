package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The keyspace notifications of a corpus of commands, against what redis-server 7.0.15 published
 * for the same corpus (notifications/corpus.expected, recorded by
 * tools/record-keyspace-events.py): every message, channel and payload, in order. The time
 * directives run on the harness's manual clock: {@code !sleep} advances it, {@code !active} runs
 * one active expiry cycle.
 */
class KeyspaceNotificationsCorpusTest {
    private static final Pattern WORD = Pattern.compile("\"([^\"]*)\"|(\\S+)");

    static String resource(String name) throws IOException {
        try (InputStream in = KeyspaceNotificationsCorpusTest.class.getResourceAsStream("/notifications/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** Runs the corpus on a fresh engine; returns the transcript in the recorder's format. */
    static String run(String corpus) {
        EngineHarness h = new EngineHarness();
        StringBuilder out = new StringBuilder();
        h.server.keyspace().notifications().sink((channel, message) -> out.append(
                new String(channel, StandardCharsets.ISO_8859_1)).append('\t')
                .append(new String(message, StandardCharsets.ISO_8859_1)).append('\n'));
        for (String line : corpus.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            out.append("> ").append(line).append('\n');
            if (line.startsWith("!sleep")) {
                h.clock.advance(Long.parseLong(line.substring(7).trim()));
            } else if (line.equals("!active")) {
                h.server.keyspace().updateTime();
                h.server.activeExpire().enabled(true);
                h.server.activeExpire().slow(10, 1);
                h.server.activeExpire().enabled(false);
            } else {
                h.call(words(line).toArray(new String[0]));
            }
        }
        return out.toString();
    }

    @Test
    void everyEventMatchesRedis() throws IOException {
        String actual = run(resource("corpus.txt"));
        String expected = resource("corpus.expected");
        // For a diff with the resource when they differ.
        java.nio.file.Path file = java.nio.file.Path.of("target", "notifications-corpus.actual");
        if (!expected.equals(actual)) {
            java.nio.file.Files.writeString(file, actual, StandardCharsets.ISO_8859_1);
        } else {
            java.nio.file.Files.deleteIfExists(file);
        }
        assertEquals(expected, actual);
    }
}
