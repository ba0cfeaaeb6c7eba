package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandSpec;

/**
 * {@code # Commandstats}: one line per command or subcommand (named {@code container|sub}) that was
 * called, rejected or failed since the last CONFIG RESETSTAT.
 */
final class CommandStatsSection implements InfoSection {
    @Override
    public String name() {
        return "commandstats";
    }

    @Override
    public boolean isDefault() {
        return false;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Commandstats");
        StringBuilder line = new StringBuilder(128);
        for (CommandSpec c : server.commands().all()) {
            if (c.calls == 0 && c.failedCalls == 0 && c.rejectedCalls == 0) {
                continue;
            }
            double perCall = c.calls == 0 ? 0 : (double) c.microseconds / c.calls;
            line.setLength(0);
            line.append("cmdstat_").append(c.fullName)
                    .append(":calls=").append(c.calls)
                    .append(",usec=").append(c.microseconds)
                    .append(",usec_per_call=").append(Doubles.fixed(perCall, 2))
                    .append(",rejected_calls=").append(c.rejectedCalls)
                    .append(",failed_calls=").append(c.failedCalls);
            out.line(line.toString());
        }
    }
}
