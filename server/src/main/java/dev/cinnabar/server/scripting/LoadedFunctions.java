package dev.cinnabar.server.scripting;

import dev.cinnabar.server.client.ServerContext;

/**
 * The server's functions if they were made, else null, making nothing: what INFO, a save and
 * the AOF ask. A class of its own, without a Lua value among its constants: a static method of
 * {@link Scripting} or {@link Functions} loads Lua's classes first, 3-7 ms of class loading on
 * the engine thread at the first BGSAVE of a server that never ran a script.
 */
public final class LoadedFunctions {
    private LoadedFunctions() {
    }

    public static Functions of(ServerContext server) {
        return server.scripting == null ? null : ((Scripting) server.scripting).functionsIfMade();
    }
}
