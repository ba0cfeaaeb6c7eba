package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.acl.AclCheck;
import dev.cinnabar.server.command.CommandSpec;

/**
 * ACL LOG entries for refused commands (Redis's addACLLogEntry): the object is the command's
 * full name, or the key or channel refused, and the client line is that of the client that sent
 * the command, a script's caller when a script ran it.
 */
public final class AclDenials {
    private AclDenials() {
    }

    /**
     * Logs a refusal of {@code cmd}, whose line starts at argument {@code base} of {@code argv};
     * {@code position} is the key's or channel's, relative to the command name.
     */
    public static void log(Client c, int reason, int position, String context, CommandSpec cmd, Argv argv, int base) {
        String object = reason == AclCheck.DENIED_COMMAND ? cmd.fullName : argv.latin1(base + position);
        Client real = c.scriptCaller != null ? c.scriptCaller : c;
        StringBuilder info = new StringBuilder(320);
        ClientListFormat.append(info, real, c.server.clock().millis(), ClientListFormat.pendingOutput(real), true);
        c.server.stats().aclLog.add(AclCheck.logReason(reason), context, object, c.user.name,
                c.server.clock().millis(), info.toString(), c.server.config().acllogMaxLen);
    }
}
