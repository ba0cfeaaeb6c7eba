package dev.cinnabar.server.client;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connected clients, by id, in connection order (as CLIENT LIST shows them), with the
 * client state kept across clients: the monitors and the pause with its held clients.
 */
public final class ClientRegistry {
    private final Map<Long, Client> byId = new LinkedHashMap<>();
    private final Monitors monitors = new Monitors();
    private final ClientPause pause = new ClientPause();
    private final ReplyBufferSettings replyBuffers = new ReplyBufferSettings();

    public void add(Client c) {
        byId.put(c.id, c);
    }

    /** The client is gone: it no longer monitors nor waits for the pause to end. */
    public void remove(Client c) {
        byId.remove(c.id);
        if (c.monitor) {
            monitors.remove(c);
        }
        pause.forget(c);
    }

    public Client get(long id) {
        return byId.get(id);
    }

    public int size() {
        return byId.size();
    }

    public Collection<Client> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public Monitors monitors() {
        return monitors;
    }

    public ClientPause pause() {
        return pause;
    }

    /** How the cron sizes reply buffers (DEBUG REPLYBUFFER). */
    public ReplyBufferSettings replyBuffers() {
        return replyBuffers;
    }

    /** Clients held by a pause or by a blocking command (INFO's {@code blocked_clients}). */
    public int blockedCount() {
        return pause.postponedCount();
    }
}
