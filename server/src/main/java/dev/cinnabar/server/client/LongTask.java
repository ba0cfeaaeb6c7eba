package dev.cinnabar.server.client;

/**
 * A command's work that holds the engine for longer than clients should wait in silence: a
 * script past {@code busy-reply-threshold}, a dataset loading. While it runs, it calls
 * {@link #poll} often (every few milliseconds at least); each poll serves the other clients,
 * who get the task's rejection (-BUSY, -LOADING) for everything but the commands Redis lets
 * through. Those reach the task as requests it reads here: {@link #killRequested()} (SCRIPT KILL,
 * FUNCTION KILL) and {@link #stopRequested()} (SHUTDOWN NOSAVE), upon which it should end.
 *
 * <p>The client running the task is left alone meanwhile: what it sends is kept for later, and
 * its half-written reply is not sent. Closed with try-with-resources on the engine thread.
 */
public interface LongTask extends AutoCloseable {
    /** Serves other clients if a few milliseconds have passed since the last time; cheap otherwise. */
    void poll();

    /** SCRIPT KILL or FUNCTION KILL asked the task to stop. */
    boolean killRequested();

    /** The server is to shut down (SHUTDOWN NOSAVE): the task must end now. */
    boolean stopRequested();

    /**
     * Sends what was written to the owner so far although its command still runs: the Lua
     * debugger's side of its conversation with the client debugging (the client's input
     * arrives meanwhile in {@link Client#takeHeldInput()}).
     */
    void sendToOwner();

    /** The task is over: clients are served normally again, the owner's held input runs. */
    @Override
    void close();
}
