package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandSpec;

/**
 * Where a command's keys are served, in cluster mode: the dispatcher asks before running a
 * command with keys (or an EXEC), after the ACL check, as Redis's processCommand calls
 * getNodeByQuery, and scripts ask before each command they call. Installed by the cluster in
 * {@link ServerContext#router}; null otherwise.
 */
public interface CommandRouter {
    /**
     * Null when this node serves the command; otherwise the error to answer with, without its
     * leading '-' ({@code MOVED 3999 127.0.0.1:6381}, {@code CROSSSLOT ...}, {@code CLUSTERDOWN ...}).
     * {@code asking} tells whether the client sent ASKING just before.
     */
    String redirect(Client c, CommandSpec cmd, long flags, boolean asking);

    /**
     * For a script's command (Redis's scriptVerifyClusterState): null when this node serves it,
     * else the error the script gets. {@code allowCrossSlot}: the script may touch keys of
     * several slots (no shebang, or {@code allow-cross-slot-keys}); otherwise every command's
     * keys must be in the slot the script's caller declared or first touched.
     */
    String scriptDenial(Client caller, Client scriptClient, CommandSpec cmd, Argv argv, long flags, boolean allowCrossSlot);
}
