package dev.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other one way, from the top of {@link #LAYERS} down, as
 * HACKING.md draws them: a newcomer reads the architecture from the package list, and no
 * package can reach back up (the engine into the keyspace, a handler into the loop).
 */
class PackageLayersTest {
    /** Bottom first; a package may use only the packages before it. */
    static final List<String> LAYERS = List.of(
            "log", "lua", "config", "stats", "command", "db", "memory", "acl", "client", "exec", "scripting", "persistence", "replication", "cluster", "info", "commands", "memcached", "engine",
            "net", "(root)");

    private static final Path SOURCES = Path.of("src/main/java/dev/cinnabar/server");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.cinnabar\\.server\\.([a-z]+)\\.[A-Z]");

    @Test
    void dependenciesPointDown() throws IOException {
        Map<String, TreeSet<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path dir = SOURCES.relativize(f).getParent();
                String from = dir == null ? "(root)" : dir.toString();
                TreeSet<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(LAYERS), new TreeSet<>(uses.keySet()), "every package has its place in LAYERS");
        List<String> upward = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> e : uses.entrySet()) {
            int level = LAYERS.indexOf(e.getKey());
            for (String target : e.getValue()) {
                if (LAYERS.indexOf(target) >= level) {
                    upward.add(e.getKey() + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), upward);
    }
}
