package dev.cinnabar.server.exec;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.config.ServerConfig;
import io.netty.channel.unix.DomainSocketChannel;

/**
 * Redis's gate for commands flagged {@code protected}: DEBUG follows {@code enable-debug-command}
 * and MODULE {@code enable-module-command}, each {@code no} (nobody), {@code local} (clients on a
 * Unix socket or a loopback address) or {@code yes} (everybody). The dispatcher asks before
 * authentication, right after arity, as Redis does.
 */
public final class ProtectedCommands {
    private ProtectedCommands() {
    }

    /** The error for a client not allowed to run {@code cmd}, or null when it may. */
    static String denial(Client c, CommandSpec cmd) {
        String name = (cmd.parent == null ? cmd : cmd.parent).name;
        ServerConfig config = c.server.config();
        boolean module = name.equals("module");
        String setting = module ? config.enableModuleCommand : config.enableDebugCommand;
        if (allowed(setting, c)) {
            return null;
        }
        return "ERR " + (module ? "MODULE" : "DEBUG") + " command not allowed. If the "
                + (module ? "enable-module-command" : "enable-debug-command") + " option is set to \"local\", "
                + "you can run it from a local connection, otherwise you need to set this option in the "
                + "configuration file, and then restart the server.";
    }

    /** Redis's allowProtectedAction for a setting of yes, no or local. */
    public static boolean allowed(String setting, Client c) {
        return setting.equals("yes") || (setting.equals("local") && isLocal(c));
    }

    /** A client on a Unix socket or from 127.0.0.1 or ::1, as Redis's islocalClient decides. */
    public static boolean isLocal(Client c) {
        if (c.channel instanceof DomainSocketChannel) {
            return true;
        }
        String addr = c.remoteAddress;
        int colon = addr.lastIndexOf(':');
        String host = colon >= 0 ? addr.substring(0, colon) : addr;
        // Java spells the IPv6 loopback in full.
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }
}
