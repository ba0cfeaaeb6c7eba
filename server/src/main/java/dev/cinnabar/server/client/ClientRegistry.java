package dev.cinnabar.server.client;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The connected clients, by id, in connection order (as CLIENT LIST shows them). */
public final class ClientRegistry {
    private final Map<Long, Client> byId = new LinkedHashMap<>();

    public void add(Client c) {
        byId.put(c.id, c);
    }

    public void remove(Client c) {
        byId.remove(c.id);
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
}
