package dev.cinnabar.server.exec;

import dev.cinnabar.server.client.Client;

/**
 * The handlers of a command family behind one switch, numbered from 0 in the order the family
 * binds them. A method reference per command would spin a class of its own at every start (some
 * 300 of them, a tenth of the start's CPU); the dispatch costs the same one megamorphic call.
 */
public interface HandlerSwitch {
    void execute(int handler, Client c);
}
