package dev.cinnabar.server;

import dev.cinnabar.server.log.ServerLog;
import java.util.function.Supplier;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as redis-server handles them: a line from the signal handler, the orderly
 * shutdown, and exit status 0. The JVM's own handling would run shutdown hooks but exit with
 * 128 + the signal, which service managers and scripts read as a failure; sun.misc.Signal is
 * the only way to take the signal over.
 */
final class ShutdownSignals {
    private ShutdownSignals() {
    }

    static void install(Supplier<CinnabarServer> server) {
        try {
            Signal.handle(new Signal("TERM"), s -> shutdown("SIGTERM", server.get()));
            Signal.handle(new Signal("INT"), s -> shutdown("SIGINT", server.get()));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No signal support here: the shutdown hook still stops the server, with the JVM's status.
        }
    }

    private static void shutdown(String name, CinnabarServer server) {
        ServerLog.fromSignalHandler("Received " + name + " scheduling shutdown...");
        if (server != null) {
            server.shutdown();
        }
        System.exit(0);
    }
}
