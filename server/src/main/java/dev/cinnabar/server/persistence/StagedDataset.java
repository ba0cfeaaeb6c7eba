package dev.cinnabar.server.persistence;

import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.scripting.Functions;
import dev.cinnabar.server.scripting.LoadedFunctions;
import dev.cinnabar.server.scripting.Scripting;

/**
 * A dataset loaded apart from the live one: what a replica with {@code repl-diskless-load
 * swapdb} reads its master's RDB into (Redis's temporary databases and function library
 * context). The live databases and functions stay as they are until {@link #swapIn}, so a load
 * that fails leaves them untouched, and async loading serves them meanwhile.
 */
public final class StagedDataset {
    private final ServerContext server;
    private final Db[] dbs;
    /** Made at the RDB's first library: a load without one builds no Lua environment. */
    private Functions.Staged functions;

    public StagedDataset(ServerContext server) {
        this.server = server;
        this.dbs = server.keyspace().newStaged();
    }

    Db db(int index) {
        return dbs[index];
    }

    void loadFunction(byte[] code) throws Functions.LoadError {
        if (functions == null) {
            functions = Scripting.of(server).functions().stage();
        }
        functions.load(code);
    }

    /** The load succeeded: its databases and libraries become the live ones, the old ones go. */
    public void swapIn() {
        server.keyspace().swapInStaged(dbs);
        Functions live = LoadedFunctions.of(server);
        if (live != null) {
            live.adopt(functions);
        }
    }

    /** The load failed: what it read goes, the live data stays. */
    public void discard() {
        server.keyspace().discardStaged(dbs);
    }
}
