package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.Client;
import java.util.List;

/**
 * Sends the replies the engine wrote during a batch. The transport implements it with one
 * hand-off per I/O thread per batch; each client's output buffer is taken with
 * {@link Client#takeOutput()}.
 */
public interface ReplyFlusher {
    void flush(List<Client> clients);

    /** Closes the client's connection without sending anything more. */
    void close(Client c);
}
