package dev.cinnabar.server.command;

import dev.cinnabar.protocol.Argv;

/**
 * A command's own way to find its keys, for the commands whose key specs cannot say it alone:
 * flags that depend on other arguments (SET, BITFIELD), specs that may miss keys (MIGRATE,
 * SORT), and the fallback when a spec meets arguments it cannot read (a bad key count).
 */
@FunctionalInterface
interface KeyFinder {
    /**
     * Finds the keys of the command whose name is argument {@code base} of {@code argv} and
     * which has {@code argc} arguments, name included. Returns the number found; zero means
     * none, or arguments the command itself will reject.
     */
    int find(Argv argv, int base, int argc, KeyResult out);
}
