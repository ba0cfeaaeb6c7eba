package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.config.ConfigRewriter;
import dev.cinnabar.server.config.ServerConfig;

/**
 * DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE that writes every directive, defaults included,
 * so that a test can see each directive survive a rewrite and a reload. Unlike CONFIG REWRITE it
 * logs nothing on success, and its error is Redis's: "CONFIG-REWRITE-FORCE-ALL failed: " and the
 * C library's text, which for a server started without a config file is "Bad address" (Redis
 * opens a null path).
 */
final class DebugConfigRewrite {
    private DebugConfigRewrite() {
    }

    // DEBUG CONFIG-REWRITE-FORCE-ALL
    static void forceAll(Client c) {
        ServerConfig config = c.server.config();
        if (config.configFile.isEmpty()) {
            throw failed("Bad address");
        }
        try {
            ConfigRewriter.rewriteFile(config, true);
        } catch (ConfigRewriter.RewriteFailed e) {
            throw failed(e.getMessage());
        }
        c.reply.ok();
    }

    private static CommandError failed(String reason) {
        return new CommandError("ERR CONFIG-REWRITE-FORCE-ALL failed: " + reason);
    }
}
