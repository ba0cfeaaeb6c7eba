package dev.cinnabar.server.engine;

/** Work handed to the engine thread: a batch of network input, or anything else that touches data. */
@FunctionalInterface
public interface EngineTask {
    void run(Engine engine);
}
