package dev.cinnabar.server.scripting;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandSpec;

/**
 * The flags EVAL, EVALSHA, FCALL and their read-only forms have before they run, as Redis's
 * evalGetCommandFlags and fcallGetCommandFlags find them: a script or function that declares
 * flags is a write (and DENYOOM) command unless it says {@code no-writes} (or {@code
 * allow-oom}), and never merely may-replicate. CLIENT PAUSE WRITE, the OOM refusal and the flags
 * a transaction collects all read these. A script without a shebang keeps the command's flags.
 */
public final class ScriptCommandFlags {
    private ScriptCommandFlags() {
    }

    /** Makes the server's dispatcher ask here for the flags of the script commands. */
    public static void install(ServerContext server) {
        server.commandFlags((c, cmd) -> of(server, c, cmd));
    }

    static long of(ServerContext server, Client c, CommandSpec cmd) {
        String name = cmd.fullName;
        Argv argv = c.argv;
        if (argv.count() < 2) {
            return cmd.flags;
        }
        if (name.equals("fcall") || name.equals("fcall_ro")) {
            Functions functions = LoadedFunctions.of(server);
            Functions.Function f = functions == null ? null
                    : functions.function(new String(argv.copy(1), java.nio.charset.StandardCharsets.ISO_8859_1));
            return f == null ? cmd.flags : declared(cmd.flags, f.flags());
        }
        boolean evalsha = name.equals("evalsha") || name.equals("evalsha_ro");
        if (!evalsha && !name.equals("eval") && !name.equals("eval_ro")) {
            return cmd.flags;
        }
        if (evalsha && argv.length(1) != 40) {
            return cmd.flags;
        }
        Scripting engine = server.scripting == null ? null : Scripting.of(server);
        Scripting.Script cached = engine == null ? null
                : evalsha ? engine.lookup(argv, 1) : engine.lookupBody(argv, 1);
        int flags;
        if (cached != null) {
            flags = cached.flags();
        } else if (evalsha) {
            return cmd.flags;
        } else {
            try {
                flags = Shebang.parse(argv.copy(1)).flags();
            } catch (Shebang.Error e) {
                return cmd.flags;
            }
        }
        return (flags & Shebang.EVAL_COMPAT) != 0 ? cmd.flags : declared(cmd.flags, flags);
    }

    /** Redis's scriptFlagsToCmdFlags. */
    private static long declared(long cmdFlags, int scriptFlags) {
        long f = cmdFlags & ~(CommandFlags.STALE | CommandFlags.DENYOOM | CommandFlags.WRITE | CommandFlags.MAY_REPLICATE);
        if ((scriptFlags & (Shebang.ALLOW_OOM | Shebang.NO_WRITES)) == 0) {
            f |= CommandFlags.DENYOOM;
        }
        if ((scriptFlags & Shebang.NO_WRITES) == 0) {
            f |= CommandFlags.WRITE;
        }
        if ((scriptFlags & Shebang.ALLOW_STALE) != 0) {
            f |= CommandFlags.STALE;
        }
        return f;
    }
}
