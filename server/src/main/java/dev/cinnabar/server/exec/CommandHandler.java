package dev.cinnabar.server.exec;

import dev.cinnabar.server.client.Client;

/** Runs one command for a client whose arguments have passed the dispatcher's checks. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c);
}
