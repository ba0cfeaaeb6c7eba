package dev.cinnabar.server.scripting;

import dev.cinnabar.server.command.CommandSpec;
import java.util.Set;

/**
 * DEBUG SET-DISABLE-DENY-SCRIPTS lets scripts call commands flagged {@code noscript}, for
 * Redis's tests (DEBUG PROTOCOL and CLIENT LIST from a script). Some of those would act on the
 * script's own fake client or run a script inside the script, which Redis does not survive
 * either: they stay refused, with the same error, whatever the switch says.
 */
final class DenyScriptsOverride {
    private static final Set<String> STILL_DENIED = Set.of(
            "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "script|debug",
            "function|load", "function|delete", "function|flush", "function|restore", "function|kill", "script|kill",
            "multi", "exec", "discard", "watch", "unwatch",
            "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
            "monitor", "sync", "psync", "replconf", "hello", "auth", "reset", "quit", "shutdown",
            "blpop", "brpop", "brpoplpush", "blmove", "bzpopmin", "bzpopmax", "wait",
            "client|reply", "client|tracking", "client|caching");

    private DenyScriptsOverride() {
    }

    static boolean stillDenied(CommandSpec cmd) {
        return STILL_DENIED.contains(cmd.fullName);
    }
}
