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

    private String rejection;
    private Client owner;
    private boolean killRequested;
    private int stopFlags = -1;

    /** True while a long task holds the engine. */
    public boolean active() {
        return rejection != null;
    }

    /** True while the long task is a dataset loading (commands flagged {@code loading} pass). */
    public boolean loading() {
        return rejection == LOADING;
    }

    /** The error other clients get, or null when not busy. */
    public String rejection() {
        return rejection;
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
