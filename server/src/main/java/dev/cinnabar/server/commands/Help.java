package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;

/**
 * Redis's help replies for container commands (CLIENT HELP, MEMORY HELP, ...): a usage line
 * naming the command as the client typed it, in capitals, the command's own lines, then HELP's,
 * each a status reply.
 */
final class Help {
    private Help() {
    }

    static void reply(Client c, String[] lines) {
        c.reply.array(lines.length + 3);
        c.reply.simple(c.argv.cStringUpper(0) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply.simple(line);
        }
        c.reply.simple("HELP");
        c.reply.simple("    Prints this help.");
    }
}
