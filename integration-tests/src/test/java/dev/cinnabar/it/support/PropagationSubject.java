package dev.cinnabar.it.support;

import java.util.List;

/**
 * Something that runs a propagation scenario and reports what it propagated: a real
 * redis-server ({@link RedisPropagation}), or Cinnabar.
 */
@FunctionalInterface
public interface PropagationSubject {
    /**
     * Runs {@code scenario} from an empty dataset, on a fresh connection in db 0 with RESP2, its
     * {@code !config} and {@code !debug} settings in force for this scenario only, and returns
     * the commands it propagated, in order, each as its arguments: exactly what a replica or the
     * AOF would be fed, SELECT, MULTI and EXEC included, starting as a fresh replica would (so
     * the first command of any db comes with a SELECT). Nothing the server sends on its own
     * (replication PINGs) and no marker used to find the end belongs in it.
     */
    List<List<byte[]>> run(PropagationScenario scenario) throws Exception;
}
