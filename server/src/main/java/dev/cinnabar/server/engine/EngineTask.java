package dev.cinnabar.server.engine;

/** Work handed to the engine thread: a batch of network input, or anything else that touches data. */
@FunctionalInterface
public interface EngineTask {
    void run(Engine engine);

    /**
     * True for a batch of network input. While a long task holds the engine only these run, so
     * that other clients are answered (-BUSY); any other task waits for the long task to end.
     */
    default boolean isInput() {
        return false;
    }
}
