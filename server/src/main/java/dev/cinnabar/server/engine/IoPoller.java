package dev.cinnabar.server.engine;

/**
 * Serves the event loop the engine runs on from inside a task on that loop, without blocking:
 * reads and writes whatever sockets are ready and runs what is queued on the loop. The transport
 * provides it; a long task calls it through its poll so that other clients are answered.
 */
@FunctionalInterface
public interface IoPoller {
    void pollNow();
}
