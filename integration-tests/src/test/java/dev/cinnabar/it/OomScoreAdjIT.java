package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code oom-score-adj}: the same steps on redis-server and Cinnabar leave the same score in
 * /proc/PID/oom_score_adj and get the same replies (Redis's tests/unit/oom-score-adj.tcl, but
 * for the replica and fork-child classes, which have no process here).
 */
class OomScoreAdjIT {

    @Test
    void theScoreFollowsTheConfigurationAsInRedis() throws Exception {
        assertEquals(steps(ServerProcess.redis()), steps(ServerProcess.cinnabar()));
    }

    @Test
    void appliedAtStart() throws Exception {
        String[] args = {"--oom-score-adj", "absolute", "--oom-score-adj-values", "123 200 300"};
        try (ServerProcess redis = ServerProcess.redis(args); ServerProcess ours = ServerProcess.cinnabar(args);
                RawConnection r = new RawConnection(redis.port()); RawConnection c = new RawConnection(ours.port())) {
            // Redis sets it just before its event loop runs: a reply means it has.
            assertEquals(r.call("PING"), c.call("PING"));
            // 123 where the process may set it (an unprivileged one cannot go below its start).
            assertEquals(score(redis), score(ours));
        }
    }

    /** What each step left: the reply and the score, relative to the score at start. */
    private static List<String> steps(ServerProcess server) throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServerProcess s = server; RawConnection c = new RawConnection(s.port())) {
            int base = score(s);
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "10 20 30");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj", "yes");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "15 20 30");
            // A replica takes the second value, a master again the first.
            step(seen, s, base, c, "REPLICAOF", "127.0.0.1", "1");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "16 21 30");
            step(seen, s, base, c, "REPLICAOF", "NO", "ONE");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj", "no");
            // Not ours to touch while off; the score found when turned on is the new base.
            setScore(s, base + 22);
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "1 1 1");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "9 9 9", "oom-score-adj", "relative");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj", "no");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "999 999 999", "oom-score-adj", "absolute");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "2000 2000 2000");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "2001 0 0");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj-values", "1 2");
            step(seen, s, base, c, "CONFIG", "GET", "oom-score-adj");
            step(seen, s, base, c, "CONFIG", "GET", "oom-score-adj-values");
            step(seen, s, base, c, "CONFIG", "SET", "oom-score-adj", "no");
        }
        return seen;
    }

    private static void step(List<String> seen, ServerProcess s, int base, RawConnection c, String... command)
            throws IOException {
        seen.add(String.join(" ", command) + " -> " + c.call(command).trim() + " score " + (score(s) - base));
    }

    private static int score(ServerProcess s) throws IOException {
        return Integer.parseInt(Files.readString(proc(s)).trim());
    }

    private static void setScore(ServerProcess s, int score) throws IOException {
        Files.writeString(proc(s), score + "\n");
    }

    private static Path proc(ServerProcess s) {
        return Path.of("/proc/" + s.pid() + "/oom_score_adj");
    }
}
