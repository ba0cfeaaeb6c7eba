package dev.cinnabar.server.client;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.engine.Engine;
import dev.cinnabar.server.log.ServerLog;

/**
 * The per-client work of the cron, Redis's clientsCron: ends a pause whose time has passed,
 * closes idle clients ({@code timeout}) and clients over the soft output limit for too long,
 * resizes the reply buffer figures, drops idle query buffers, and lets clients held by
 * back-pressure go on when the cron sees their replies drained.
 */
public final class ClientsCron {
    /** An idle query buffer is given back after this many seconds, as Redis does. */
    private static final long QUERY_BUFFER_IDLE_SECONDS = 2;

    private ClientsCron() {
    }

    public static void run(Engine engine) {
        ClientRegistry clients = engine.clients();
        long now = engine.clock().millis();
        clients.pause().checkTimeout(now);
        if (clients.size() == 0) {
            return;
        }
        ServerConfig config = engine.config();
        // A copy: closing a client changes the registry.
        for (Client c : clients.all().toArray(new Client[0])) {
            if (c.closed) {
                continue;
            }
            if (isIdle(config, c, now)) {
                ServerLog.verbose("Closing idle client");
                engine.kill(c);
                continue;
            }
            if (engine.closeIfOverOutputLimit(c, false)) {
                continue;
            }
            c.output.cron(now);
            long idleSeconds = now / 1000 - c.lastInteractionMillis / 1000;
            c.decoder.cron(idleSeconds);
            if (idleSeconds > QUERY_BUFFER_IDLE_SECONDS && !c.isPostponed()) {
                c.decoder.trim();
            }
            if (c.output.held) {
                engine.resumeIfDrained(c);
            }
        }
    }

    /**
     * {@code timeout}: idle for more than that many whole seconds, counted on Unix seconds as
     * Redis counts them. Monitors, held and pub/sub clients never time out.
     */
    static boolean isIdle(ServerConfig config, Client c, long nowMillis) {
        long timeout = config.timeoutSeconds;
        return timeout > 0 && !c.monitor && !c.isPostponed() && !c.pubsub
                && nowMillis / 1000 - c.lastInteractionMillis / 1000 > timeout;
    }
}
