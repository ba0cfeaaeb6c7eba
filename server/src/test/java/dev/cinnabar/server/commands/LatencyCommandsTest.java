package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.stats.LatencyMonitor;
import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

class LatencyCommandsTest {
    private final EngineHarness h = new EngineHarness();

    private LatencyMonitor monitor() {
        return h.server.stats().latency;
    }

    @Test
    void latestHistoryAndResetOfTheMonitor() {
        assertEquals("*0\r\n", h.call("LATENCY", "LATEST"));
        assertEquals("*0\r\n", h.call("LATENCY", "HISTORY", "command"));
        monitor().add("command", 20, 1_699_999_990L);
        monitor().add("command", 5, 1_699_999_995L);
        monitor().add("fast-command", 2, 1_699_999_999L);
        assertEquals("*2\r\n*4\r\n$7\r\ncommand\r\n:1699999995\r\n:5\r\n:20\r\n"
                + "*4\r\n$12\r\nfast-command\r\n:1699999999\r\n:2\r\n:2\r\n", h.call("LATENCY", "LATEST"));
        assertEquals("*2\r\n*2\r\n:1699999990\r\n:20\r\n*2\r\n:1699999995\r\n:5\r\n",
                h.call("LATENCY", "HISTORY", "command"));
        // Names are exact for HISTORY and GRAPH, any case for RESET.
        assertEquals("*0\r\n", h.call("LATENCY", "HISTORY", "COMMAND"));
        assertEquals(":1\r\n", h.call("LATENCY", "RESET", "COMMAND", "nosuch", "command"));
        assertEquals(":1\r\n", h.call("LATENCY", "RESET"));
        assertEquals(":0\r\n", h.call("LATENCY", "RESET"));
    }

    @Test
    void graphAndDoctor() {
        assertEquals("-ERR No samples available for event 'command'\r\n", h.call("LATENCY", "GRAPH", "command"));
        String doctor = h.call("LATENCY", "DOCTOR");
        assertTrue(doctor.startsWith("$") && doctor.contains("CONFIG SET latency-monitor-threshold <milliseconds>"), doctor);
        h.call("CONFIG", "SET", "latency-monitor-threshold", "10");
        assertTrue(h.call("LATENCY", "DOCTOR").contains("No latency spike"));
        h.call("CONFIG", "SET", "latency-monitor-threshold", "5");
        monitor().add("command", 20, 1_700_000_000L);
        String graph = h.call("LATENCY", "GRAPH", "command");
        assertTrue(graph.startsWith("$149\r\ncommand - high 20 ms, low 20 ms (all time high 20 ms)\n---"), graph);
        h.call("HELLO", "3");
        assertTrue(h.call("LATENCY", "GRAPH", "command").startsWith("=153\r\ntxt:command - high"));
        doctor = h.call("LATENCY", "DOCTOR");
        assertTrue(doctor.contains("1. command: 1 latency spikes (average 20ms, mean deviation 0ms, period 1.00 sec)."), doctor);
        assertTrue(doctor.contains("SLOWLOG GET"), doctor);
        assertTrue(doctor.contains("CONFIG SET slowlog-log-slower-than 5000"), doctor);
    }

    @Test
    void histogramOfCalledCommands() {
        h.call("SET", "k", "v");
        h.call("CONFIG", "GET", "maxmemory");
        String set = "$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:1\r\n:1\r\n";
        assertEquals("*2\r\n" + set, h.call("LATENCY", "HISTOGRAM", "SET", "nosuch", "get"));
        String configGet = "$10\r\nconfig|get\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:1\r\n:1\r\n";
        // A container stands for its subcommands; names repeat as often as they are asked for.
        assertEquals("*4\r\n" + configGet + configGet, h.call("LATENCY", "HISTOGRAM", "config", "CONFIG|GET"));
        String all = h.call("LATENCY", "HISTOGRAM");
        assertTrue(all.contains(set) && all.contains(configGet) && all.contains("$17\r\nlatency|histogram\r\n"), all);
        h.call("HELLO", "3");
        assertEquals("%1\r\n$3\r\nset\r\n%2\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n%1\r\n:1\r\n:1\r\n",
                h.call("LATENCY", "HISTOGRAM", "set"));
        assertEquals("%0\r\n", h.call("LATENCY", "HISTOGRAM", "nosuch"));
        h.call("CONFIG", "RESETSTAT");
        assertEquals("%0\r\n", h.call("LATENCY", "HISTOGRAM", "set"));
    }

    @Test
    void arityAndHelp() {
        assertEquals("-ERR wrong number of arguments for 'latency|history' command\r\n", h.call("LATENCY", "HISTORY"));
        assertEquals("-ERR wrong number of arguments for 'latency|latest' command\r\n", h.call("LATENCY", "LATEST", "x"));
        assertEquals("-ERR unknown subcommand 'nope'. Try LATENCY HELP.\r\n", h.call("LATENCY", "nope"));
        String help = h.call("LATENCY", "HELP");
        assertTrue(help.startsWith("*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n"), help);
        assertTrue(help.contains("+HISTOGRAM [COMMAND ...]\r\n"), help);
    }
}
