package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;

/** One section of INFO's text, such as {@code # Server}. */
public interface InfoSection {
    /** The lowercase name INFO takes as an argument, e.g. {@code server}. */
    String name();

    /** True when INFO without arguments, and {@code INFO default}, includes this section. */
    boolean isDefault();

    /** True when {@code INFO all} and {@code everything} include it (Cinnabar's own sections may not). */
    default boolean inAll(ServerContext server) {
        return true;
    }

    /** Writes the header and every field, in Redis's order. */
    void write(ServerContext server, InfoWriter out);
}
