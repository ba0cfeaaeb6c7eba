package dev.cinnabar.server.info;

import dev.cinnabar.server.engine.Engine;
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
    public void write(Engine engine, InfoWriter out) {
        out.header("Errorstats");
        for (Map.Entry<String, long[]> e : engine.stats().errors.counts().entrySet()) {
            out.line("errorstat_" + e.getKey() + ":count=" + e.getValue()[0]);
        }
    }
}
