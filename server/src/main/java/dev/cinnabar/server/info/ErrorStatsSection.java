package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;
import java.util.Map;

/** {@code # Errorstats}: error replies counted by their code (ERR, WRONGTYPE, ...), sorted by code. */
final class ErrorStatsSection implements InfoSection {
    @Override
    public String name() {
        return "errorstats";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Errorstats");
        for (Map.Entry<String, long[]> e : server.stats().errors.counts().entrySet()) {
            out.line("errorstat_" + e.getKey() + ":count=" + e.getValue()[0]);
        }
    }
}
