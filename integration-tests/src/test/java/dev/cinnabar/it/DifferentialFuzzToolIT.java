package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.ServerProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tools/differential-fuzz.py} on three seeds a build, drawn at random so that every run of
 * the suite looks somewhere new: random commands of every type sent to redis-server and to this
 * build's JAR, compared reply by reply, with DUMP bytes, INFO's counters, blocked clients,
 * keyspace events, tracking invalidations and pub/sub messages (see the tool's docstring for
 * what it leaves out). A failure prints the tool's report; rerun the seeds it names with the tool,
 * adding {@code --history KEY} to see what led there, or here with {@code -Dfuzz.seed=N}.
 */
class DifferentialFuzzToolIT {
    private static final int SEEDS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"2", "3"})
    void randomCommandsGetRedissRepliesEventsAndCounters(String resp) throws Exception {
        long first = Long.getLong("fuzz.seed", 100_000 + Math.floorMod(System.nanoTime(), 900_000L));
        String seeds = first + "-" + (first + SEEDS - 1);
        File tool = new File("../tools/differential-fuzz.py");
        assertTrue(tool.isFile(), "no tool at " + tool.getAbsolutePath());
        File log = File.createTempFile("differential-fuzz", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(List.of("python3", tool.getPath(), "--jar", ServerProcess.jar(), "--seeds", seeds,
                "--commands", "3000", "--resp", resp, "--events", "--tracking", "--pubsub"))
                .redirectErrorStream(true).redirectOutput(log).start();
        boolean ended = p.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            // the tool stops its servers when it ends; a hung one is ended with them
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(ended, "tools/differential-fuzz.py --seeds " + seeds + " ran past 10 minutes:\n" + out);
        System.out.println("differential fuzz, RESP" + resp + ", seeds " + seeds + ":\n" + out);
        assertEquals(0, p.exitValue(), "tools/differential-fuzz.py --seeds " + seeds + " --resp " + resp
                + " --events --tracking --pubsub found a difference:\n" + out);
        assertTrue(out.contains("the same replies"), out);
    }
}
