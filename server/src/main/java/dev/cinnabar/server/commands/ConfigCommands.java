package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.BusyState;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ConfigGet;
import dev.cinnabar.server.config.ConfigRewriter;
import dev.cinnabar.server.config.ConfigSet;
import dev.cinnabar.server.config.Directive;
import dev.cinnabar.server.config.Directives;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.exec.ProtectedCommands;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import java.util.ArrayList;
import java.util.List;

/** CONFIG GET, SET, RESETSTAT, REWRITE, HELP. */
public final class ConfigCommands {
    private static final String[] HELP = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    };

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("config|get", this, 0);
            t.bind("config|set", this, 1);
            t.bind("config|resetstat", this, 2);
            t.bind("config|rewrite", this, 3);
            t.bind("config|help", this, 4);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ConfigCommands.get(c);
                case 1 -> ConfigCommands.set(c);
                case 2 -> ConfigCommands.resetstat(c);
                case 3 -> ConfigCommands.rewrite(c);
                case 4 -> ConfigCommands.help(c);
                default -> throw new IllegalArgumentException("ConfigCommands has no handler " + handler);
            }
        }
    }

    // CONFIG GET parameter [parameter ...]
    static void get(Client c) {
        List<String> patterns = new ArrayList<>();
        for (int i = 2; i < c.argv.count(); i++) {
            patterns.add(c.argv.latin1(i));
        }
        List<String[]> found = ConfigGet.get(c.server.config(), patterns);
        ReplyWriter r = c.reply;
        r.map(found.size());
        for (String[] nv : found) {
            r.bulk(ServerConfig.bytes(nv[0]));
            r.bulk(ServerConfig.bytes(nv[1]));
        }
    }

    // CONFIG SET parameter value [parameter value ...]
    static void set(Client c) {
        if ((c.argv.count() & 1) != 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 2; i < c.argv.count(); i++) {
            pairs.add(c.argv.latin1(i));
            if ((i & 1) == 1) {
                Directive d = Directives.lookup(c.argv.latin1(i - 1));
                if (d != null && d.has(Directive.SENSITIVE)) {
                    c.redactArgument(i); // the slow log shows "(redacted)" for secrets
                }
            }
        }
        String error = ConfigSet.set(c.server.config(), pairs, isLocal(c), c.server.busy().loading());
        if (error != null) {
            throw new CommandError(error == ConfigSet.DENIED_WHILE_LOADING ? BusyState.LOADING : error);
        }
        c.reply.ok();
    }

    /** Redis's test for enable-protected-configs local: a Unix socket or a loopback peer. */
    static boolean isLocal(Client c) {
        return ProtectedCommands.isLocal(c);
    }

    // CONFIG RESETSTAT
    static void resetstat(Client c) {
        c.server.stats().reset();
        Keyspace ks = c.server.keyspace();
        ks.hits = 0;
        ks.misses = 0;
        ks.expiredKeys = 0;
        ks.lazyFree().resetStats();
        c.server.commands().resetStats();
        AppendOnlyFile.resetStats(c.server);
        c.reply.ok();
    }

    // CONFIG REWRITE
    static void rewrite(Client c) {
        ServerConfig config = c.server.config();
        if (config.configFile.isEmpty()) {
            throw new CommandError("ERR The server is running without a config file");
        }
        try {
            ConfigRewriter.rewriteFile(config);
        } catch (ConfigRewriter.RewriteFailed e) {
            ServerLog.warning("CONFIG REWRITE failed: " + e.getMessage());
            throw new CommandError("ERR Rewriting config file: " + e.getMessage());
        }
        ServerLog.warning("CONFIG REWRITE executed with success.");
        c.reply.ok();
    }

    // CONFIG HELP
    static void help(Client c) {
        c.reply.array(HELP.length);
        for (String line : HELP) {
            c.reply.simple(line);
        }
    }
}
