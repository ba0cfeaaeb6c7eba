package dev.cinnabar.server.exec;

import dev.cinnabar.server.command.CommandSpec;
import java.util.Set;

/**
 * Redis's RESP2 pub/sub context: a RESP2 client with any subscription may only run these
 * commands; the dispatcher refuses the rest. A RESP3 client may run anything while subscribed.
 */
final class SubscribedContext {
    private static final Set<String> ALLOWED = Set.of("ping", "subscribe", "ssubscribe", "unsubscribe",
            "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    private SubscribedContext() {
    }

    static boolean allows(CommandSpec cmd) {
        return ALLOWED.contains(cmd.fullName);
    }
}
