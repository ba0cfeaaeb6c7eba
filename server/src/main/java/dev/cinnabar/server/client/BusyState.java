package dev.cinnabar.server.client;

/**
 * Whether a {@link LongTask} holds the engine, and what the commands let through while it does
 * have asked of it. The dispatcher answers other clients' commands with {@link #rejection()}
 * unless the command may run then ({@code allow-busy} for scripts, {@code loading} while a
 * dataset loads), as Redis's processCommand does.
 */
public final class BusyState {
    /** Redis's replies while a script or function runs past the threshold, and while loading. */
    public static final String SCRIPT = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    public static final String FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    public static final String LOADING = "LOADING Redis is loading the dataset in memory";
    /**
     * Redis 7.0's async loading: a replica's swapdb load while its old data keeps being served.
     * Not a reply of its own: other clients' commands run, and only those flagged
     * {@code no_async_loading} get {@link #LOADING}.
     */
    public static final String ASYNC_LOADING = "async " + LOADING;

    private String rejection;
    private Client owner;
    private boolean killRequested;
    private int stopFlags = -1;

    /** True while a long task holds the engine. */
    public boolean active() {
        return rejection != null;
    }

    /**
     * True while the long task is a dataset loading, async loading included (Redis's
     * server.loading): SHUTDOWN does not save, CONFIG SET refuses the directives it would upset.
     */
    public boolean loading() {
        return rejection == LOADING || rejection == ASYNC_LOADING;
    }

    /** True while a replica loads its master's data aside and serves the old meanwhile. */
    public boolean asyncLoading() {
        return rejection == ASYNC_LOADING;
    }

    /**
     * True while the long task holds other clients' commands back (answering them its rejection
     * unless they are let through): every long task but async loading.
     */
    public boolean holdsClients() {
        return rejection != null && rejection != ASYNC_LOADING;
    }

    /** The error other clients get (those async loading refuses, there), or null when not busy. */
    public String rejection() {
        return rejection == ASYNC_LOADING ? LOADING : rejection;
    }

    /** The client whose command runs the task; null for a loading at start. */
    public Client owner() {
        return owner;
    }

    public void begin(Client owner, String rejection) {
        if (this.rejection != null) {
            throw new IllegalStateException("a long task is already running");
        }
        this.owner = owner;
        this.rejection = rejection;
        this.killRequested = false;
        this.stopFlags = -1;
    }

    public void end() {
        rejection = null;
        owner = null;
        killRequested = false;
    }

    /** A long task's state put away while another runs inside it; see {@link #suspend}. */
    public record Suspended(String rejection, Client owner, boolean killRequested) {
    }

    /**
     * Puts away the state of the task running, so that a task started inside it holds the
     * engine as it would alone: a script that goes busy during async loading answers -BUSY, as
     * in Redis, where the script's check comes after the loading's. A shutdown asked for
     * meanwhile stays asked for.
     */
    public Suspended suspend() {
        Suspended s = new Suspended(rejection, owner, killRequested);
        rejection = null;
        owner = null;
        killRequested = false;
        return s;
    }

    /** The inner task ended: the state {@link #suspend} put away is back. */
    public void resume(Suspended s) {
        rejection = s.rejection;
        owner = s.owner;
        killRequested = s.killRequested;
    }

    /** SCRIPT KILL and FUNCTION KILL. */
    public void requestKill() {
        killRequested = true;
    }

    public boolean killRequested() {
        return killRequested;
    }

    /** SHUTDOWN NOSAVE while busy: the task ends, then the shutdown runs with these flags. */
    public void requestStop(int shutdownFlags) {
        stopFlags = shutdownFlags;
    }

    public boolean stopRequested() {
        return stopFlags >= 0;
    }

    /** The flags of the shutdown asked for while busy, once; -1 when none was. */
    public int takeStopFlags() {
        int f = stopFlags;
        stopFlags = -1;
        return f;
    }
}
