package dev.cinnabar.server.config;

import dev.cinnabar.datatypes.Glob;
import java.nio.charset.StandardCharsets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code include} with wildcards, as glob(3) expands it: any path component may hold
 * {@code * ? [...]}, a wildcard never matches a leading dot, matches come sorted, and a pattern
 * that matches nothing includes nothing (so an empty conf.d directory is fine).
 */
final class IncludeFiles {
    private IncludeFiles() {
    }

    static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
    }

    static List<Path> expand(String pattern, ServerConfig config) {
        boolean absolute = pattern.startsWith("/");
        Path base = absolute ? Path.of("/") : Path.of(config.dir);
        List<Path> current = new ArrayList<>();
        current.add(base);
        String[] parts = pattern.split("/+");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                continue;
            }
            boolean last = i == parts.length - 1;
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (!isPattern(part)) {
                    Path p = dir.resolve(part);
                    if (last ? Files.exists(p) : Files.isDirectory(p)) {
                        next.add(p);
                    }
                    continue;
                }
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                    for (Path child : s) {
                        String n = child.getFileName().toString();
                        if (matches(part, n) && (last || Files.isDirectory(child))) {
                            names.add(n);
                        }
                    }
                } catch (IOException e) {
                    continue;
                }
                names.sort(null);
                for (String n : names) {
                    next.add(dir.resolve(n));
                }
            }
            current = next;
        }
        if (current.size() == 1 && current.get(0).equals(base)) {
            return List.of();
        }
        return current;
    }

    /** fnmatch with glob's rule that a wildcard or bracket does not match a leading dot. */
    static boolean matches(String pattern, String name) {
        if (name.startsWith(".") && !pattern.startsWith(".")) {
            return false;
        }
        return Glob.matches(pattern.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8));
    }
}
