package dev.cinnabar.server.exec;

import dev.cinnabar.server.client.Client;

/**
 * Work the server does after each command a client sent, once the command and everything it
 * propagated are done and before the next command runs: Redis serves the clients blocked on
 * keys the command made ready here (handleClientsBlockedOnKeys), and client tracking remembers
 * the keys the command read. Commands run inside an EXEC or a script do not get it; the EXEC or
 * the script as a whole does.
 */
@FunctionalInterface
public interface AfterCommandStep {
    void afterCommand(Client c);
}
