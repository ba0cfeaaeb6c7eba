package dev.cinnabar.server.replication;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ClientPause;
import dev.cinnabar.server.client.ReplicaLink;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.log.ServerLog;

/**
 * Redis's coordinated FAILOVER, the master's side: writes are paused, and once a replica (the one
 * named, or any) has acknowledged the whole stream, this master becomes its replica and asks it
 * with {@code PSYNC <id> <offset> FAILOVER} to take over, which it does (see MasterLink) before it
 * answers +CONTINUE. A timeout aborts, or with FORCE fails over to the named replica anyway;
 * FAILOVER ABORT aborts; a refused PSYNC aborts and this server is a master again.
 */
public final class Failover {
    enum State {
        NONE("no-failover"), WAIT_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    private final ServerContext server;
    private State state = State.NONE;
    private String targetHost;
    private int targetPort;
    /** Unix milliseconds at which the wait for a replica ends, 0 for none. */
    private long endMillis;
    private boolean force;
    /** The write pause is the failover's own (not a CLIENT PAUSE that was on before). */
    private boolean pausedHere;

    Failover(ServerContext server) {
        this.server = server;
    }

    public static Failover of(ServerContext server) {
        Replication r = Replication.of(server);
        if (r.failover == null) {
            r.failover = new Failover(server);
        }
        return r.failover;
    }

    /** INFO's master_failover_state. */
    public String stateName() {
        return state.info;
    }

    public boolean active() {
        return state != State.NONE;
    }

    boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    /** FAILOVER ABORT. */
    public void abortCommand() {
        if (state == State.NONE) {
            throw new CommandError("ERR No failover in progress.");
        }
        abort("Failover manually aborted");
    }

    /**
     * FAILOVER [TO host port [FORCE]] [TIMEOUT ms], its arguments parsed ({@code host} null
     * without TO, {@code timeoutMillis} 0 without TIMEOUT): Redis's checks, then the wait.
     */
    public void start(String host, int port, long timeoutMillis, boolean force) {
        if (state != State.NONE) {
            throw new CommandError("ERR FAILOVER already in progress.");
        }
        if (!server.config().masterHost.isEmpty()) {
            throw new CommandError("ERR FAILOVER is not valid when server is a replica.");
        }
        if (Replication.of(server).replicas().isEmpty()) {
            throw new CommandError("ERR FAILOVER requires connected replicas.");
        }
        if (force && (timeoutMillis == 0 || host == null)) {
            throw new CommandError("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
        }
        if (host != null) {
            Client replica = find(host, port);
            if (replica == null) {
                throw new CommandError("ERR FAILOVER target HOST and PORT is not a replica.");
            }
            if (replica.replica.state != ReplicaLink.ONLINE) {
                throw new CommandError("ERR FAILOVER target replica is not online.");
            }
            targetHost = host;
            targetPort = port;
            ServerLog.notice("FAILOVER requested to " + host + ":" + port + ".");
        } else {
            ServerLog.notice("FAILOVER requested to any replica.");
        }
        endMillis = timeoutMillis == 0 ? 0 : server.clock().millis() + timeoutMillis;
        this.force = force;
        state = State.WAIT_FOR_SYNC;
        ClientPause pause = server.clients().pause();
        pausedHere = !pause.active();
        pause.pause(Long.MAX_VALUE, ClientPause.WRITE, server.clock().millis());
    }

    /** Redis's findReplica: by the address it announced or connected from, and its listening port. */
    private Client find(String host, int port) {
        for (Client c : Replication.of(server).replicas()) {
            if (Replication.ip(c).equalsIgnoreCase(host) && c.replica.listeningPort == port) {
                return c;
            }
        }
        return null;
    }

    /** Redis's updateFailoverStatus, before the loop sleeps: the timeout, or a replica that caught up. */
    void update() {
        if (state != State.WAIT_FOR_SYNC) {
            return;
        }
        if (endMillis != 0 && endMillis <= server.clock().millis()) {
            if (force) {
                ServerLog.notice("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                state = State.IN_PROGRESS;
                MasterLink.of(server).failOverTo(targetHost, targetPort);
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        long offset = server.ids().replicationOffset();
        Client replica = null;
        if (targetHost != null) {
            replica = find(targetHost, targetPort);
        } else {
            for (Client c : Replication.of(server).replicas()) {
                if (c.replica.ackOffset == offset) {
                    targetHost = Replication.ip(c);
                    targetPort = c.replica.listeningPort;
                    replica = c;
                    break;
                }
            }
        }
        if (replica != null && replica.replica.ackOffset == offset) {
            state = State.IN_PROGRESS;
            ServerLog.notice("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
            MasterLink.of(server).failOverTo(targetHost, targetPort);
        }
    }

    /** The target took over and accepted this server as its replica. */
    void succeeded() {
        clear();
    }

    /** Redis's abortFailover: a failover in progress makes this server a master again. */
    void abort(String why) {
        if (state == State.NONE) {
            return;
        }
        if (targetHost != null) {
            ServerLog.notice("FAILOVER to " + targetHost + ":" + targetPort + " aborted: " + why);
        } else {
            ServerLog.notice("FAILOVER to any replica aborted: " + why);
        }
        if (state == State.IN_PROGRESS) {
            MasterLink.of(server).unsetMaster();
        }
        clear();
    }

    private void clear() {
        state = State.NONE;
        targetHost = null;
        targetPort = 0;
        endMillis = 0;
        force = false;
        if (pausedHere) {
            server.clients().pause().unpause();
            pausedHere = false;
        }
    }
}
