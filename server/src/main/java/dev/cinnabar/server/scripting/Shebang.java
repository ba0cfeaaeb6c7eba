package dev.cinnabar.server.scripting;

import dev.cinnabar.protocol.ArgumentSplitter;

/** The {@code #!lua flags=...} line that may open an EVAL script, parsed as Redis 7.0 does. */
final class Shebang {
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 1 << 1;
    static final int ALLOW_STALE = 1 << 2;
    static final int NO_CLUSTER = 1 << 3;
    static final int ALLOW_CROSS_SLOT = 1 << 4;
    /** No shebang: the script runs as before Redis 7.0 (EVAL's compatibility mode). */
    static final int EVAL_COMPAT = 1 << 5;

    /** The flags and where the body starts (at the shebang's line feed, keeping line numbers). */
    record Parsed(int flags, int bodyStart) {
    }

    static final class Error extends Exception {
        Error(String message) {
            super(message, null, false, false);
        }
    }

    private Shebang() {
    }

    /** Where the body of a script that parsed starts: {@link Parsed#bodyStart()} again. */
    static int bodyStart(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return 0;
        }
        for (int i = 2; i < body.length; i++) {
            if (body[i] == '\n') {
                return i;
            }
        }
        return body.length;
    }

    static Parsed parse(byte[] body) throws Error {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return new Parsed(EVAL_COMPAT, 0);
        }
        int end = -1;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new Error("Invalid script shebang");
        }
        java.util.List<byte[]> split = ArgumentSplitter.split(java.util.Arrays.copyOf(body, end));
        if (split == null || split.isEmpty()) {
            throw new Error("Invalid engine in script shebang");
        }
        String[] parts = new String[split.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new String(split.get(i), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        if (!parts[0].equals("#!lua")) {
            throw new Error("Unexpected engine in script shebang: " + parts[0]);
        }
        int flags = 0;
        for (int j = 1; j < parts.length; j++) {
            if (!parts[j].startsWith("flags=")) {
                throw new Error("Unknown lua shebang option: " + parts[j]);
            }
            String list = parts[j].substring(6);
            if (list.isEmpty()) {
                continue;
            }
            for (String f : list.split(",", -1)) {
                switch (f) {
                    case "no-writes" -> flags |= NO_WRITES;
                    case "allow-oom" -> flags |= ALLOW_OOM;
                    case "allow-stale" -> flags |= ALLOW_STALE;
                    case "no-cluster" -> flags |= NO_CLUSTER;
                    case "allow-cross-slot-keys" -> flags |= ALLOW_CROSS_SLOT;
                    default -> throw new Error("Unexpected flag in script shebang: " + f);
                }
            }
        }
        return new Parsed(flags, end);
    }
}
