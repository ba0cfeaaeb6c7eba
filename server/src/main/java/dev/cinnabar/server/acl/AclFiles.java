package dev.cinnabar.server.acl;

import dev.cinnabar.server.config.ConfigRewriter;
import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The ACL file's text: Redis's way of splitting its lines, and ACL SAVE's write-and-rename. */
public final class AclFiles {
    private AclFiles() {
    }

    /**
     * ACL SAVE: the users written to a temporary file beside {@code path}, then renamed over it,
     * so that a failed save leaves the old file whole. Returns false (after a log line) on failure.
     */
    public static boolean save(Acl acl, String path) {
        Path target = Path.of(path);
        Path tmp = Path.of(path + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.write(tmp, acl.fileText().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            ServerLog.warning("Opening temp ACL file for ACL SAVE: " + ConfigRewriter.strerror(e));
            deleteQuietly(tmp);
            return false;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ServerLog.warning("Renaming ACL file for ACL SAVE: " + ConfigRewriter.strerror(e));
            deleteQuietly(tmp);
            return false;
        }
        return true;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Nothing more to do: the save already failed.
        }
    }

    /** Removes the characters of {@code set} from both ends, as sdstrim. */
    static String trim(String s, String set) {
        int from = 0;
        int to = s.length();
        while (from < to && set.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && set.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }

    /** Splits on every single space, so that two spaces make an empty word (sdssplitlen). */
    static List<String> splitOnSpaces(String line) {
        List<String> out = new ArrayList<>();
        if (line.isEmpty()) {
            return out;
        }
        int from = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == ' ') {
                out.add(line.substring(from, i));
                from = i + 1;
            }
        }
        return out;
    }
}
