package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.stats.LatencyDoctor;
import dev.cinnabar.server.stats.LatencyGraph;
import dev.cinnabar.server.stats.LatencyHistogram;
import dev.cinnabar.server.stats.LatencyMonitor;
import java.nio.charset.StandardCharsets;

/** LATENCY LATEST, HISTORY, RESET, GRAPH, DOCTOR, HISTOGRAM, HELP. */
public final class LatencyCommands {
    /** LATENCY HELP's lines as Redis 7.0.15 prints them: tools compare the reply. */
    private static final String[] HELP = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
    };

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("latency|latest", this, 0);
            t.bind("latency|history", this, 1);
            t.bind("latency|reset", this, 2);
            t.bind("latency|graph", this, 3);
            t.bind("latency|doctor", this, 4);
            t.bind("latency|histogram", this, 5);
            t.bind("latency|help", this, 6);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> LatencyCommands.latest(c);
                case 1 -> LatencyCommands.history(c);
                case 2 -> LatencyCommands.reset(c);
                case 3 -> LatencyCommands.graph(c);
                case 4 -> LatencyCommands.doctor(c);
                case 5 -> LatencyCommands.histogram(c);
                case 6 -> LatencyCommands.help(c);
                default -> throw new IllegalArgumentException("LatencyCommands has no handler " + handler);
            }
        }
    }

    private static LatencyMonitor monitor(Client c) {
        return c.server.stats().latency;
    }

    private static long nowSeconds(Client c) {
        return c.server.clock().millis() / 1000;
    }

    // LATENCY LATEST
    static void latest(Client c) {
        ReplyWriter r = c.reply;
        r.array(monitor(c).size());
        for (LatencyMonitor.Series s : monitor(c).all()) {
            r.array(4);
            r.bulk(s.event);
            r.integer(s.latestTime());
            r.integer(s.latestLatency());
            r.integer(s.max);
        }
    }

    // LATENCY HISTORY event
    static void history(Client c) {
        LatencyMonitor.Series s = monitor(c).get(c.argv.latin1(2));
        ReplyWriter r = c.reply;
        if (s == null) {
            r.emptyArray();
            return;
        }
        r.array(s.sampleCount());
        s.forEach((time, millis) -> {
            r.array(2);
            r.integer(time);
            r.integer(millis);
        });
    }

    // LATENCY RESET [event [event ...]]
    static void reset(Client c) {
        if (c.argv.count() == 2) {
            c.reply.integer(monitor(c).resetAll());
            return;
        }
        int n = 0;
        for (int i = 2; i < c.argv.count(); i++) {
            n += monitor(c).reset(c.argv.latin1(i));
        }
        c.reply.integer(n);
    }

    // LATENCY GRAPH event
    static void graph(Client c) {
        String event = c.argv.latin1(2);
        LatencyMonitor.Series s = monitor(c).get(event);
        if (s == null) {
            throw new CommandError("ERR No samples available for event '" + event + "'");
        }
        c.reply.verbatim("txt", LatencyGraph.render(s, nowSeconds(c)).getBytes(StandardCharsets.ISO_8859_1));
    }

    // LATENCY DOCTOR
    static void doctor(Client c) {
        String report = LatencyDoctor.report(monitor(c), c.server.config(), nowSeconds(c));
        c.reply.verbatim("txt", report.getBytes(StandardCharsets.ISO_8859_1));
    }

    // LATENCY HISTOGRAM [command [command ...]]
    static void histogram(Client c) {
        ReplyWriter r = c.reply;
        int mark = r.beginDeferred();
        int n = 0;
        if (c.argv.count() == 2) {
            for (CommandSpec cmd : c.server.commands().all()) {
                n += histogramOf(r, cmd);
            }
        } else {
            for (int i = 2; i < c.argv.count(); i++) {
                CommandSpec cmd = c.server.commands().get(c.argv.latin1(i));
                if (cmd == null) {
                    continue;
                }
                // A container stands for its subcommands.
                n += histogramOf(r, cmd);
                for (CommandSpec sub : cmd.subcommands()) {
                    n += histogramOf(r, sub);
                }
            }
        }
        r.endMap(mark, n);
    }

    /** Writes one command's entry of LATENCY HISTOGRAM when it has a histogram; returns 1 if so. */
    private static int histogramOf(ReplyWriter r, CommandSpec cmd) {
        LatencyHistogram h = cmd.latencyHistogram;
        if (h == null) {
            return 0;
        }
        r.bulk(cmd.fullName);
        r.map(2);
        r.bulk("calls");
        r.integer(h.totalCount());
        r.bulk("histogram_usec");
        int mark = r.beginDeferred();
        int[] rows = {0};
        h.cumulativeRows((micros, count) -> {
            r.integer(micros);
            r.integer(count);
            rows[0]++;
        });
        r.endMap(mark, rows[0]);
        return 1;
    }

    // LATENCY HELP
    static void help(Client c) {
        Help.reply(c, HELP);
    }
}
