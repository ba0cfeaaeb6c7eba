package dev.cinnabar.server.acl;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.KeyResult;

/**
 * Checks a command line against a user's selectors, as Redis's ACLCheckAllUserCommandPerm: the
 * command is allowed when one selector allows it all; otherwise the reason kept is the most
 * telling one (a key or a channel over the command itself) at the last position any selector
 * refused. The keys are found once for all selectors. One instance serves the engine thread.
 */
public final class AclCheck {
    public static final int OK = 0;
    public static final int DENIED_COMMAND = 1;
    public static final int DENIED_KEY = 2;
    public static final int DENIED_AUTH = 3;
    public static final int DENIED_CHANNEL = 4;

    /** The position of the key or channel refused, relative to the command name. */
    int position;
    private final KeyResult keys = new KeyResult();
    private boolean keysFound;

    /** The position (relative to the command name) of the key or channel the last check refused. */
    public int position() {
        return position;
    }

    /** Whether {@code user} may run the command line at argument {@code base} of {@code argv}. */
    public int check(AclUser user, CommandSpec cmd, Argv argv, int base) {
        if (user.unrestricted) {
            return OK;
        }
        keysFound = false;
        int relevant = DENIED_COMMAND;
        int lastPosition = 0;
        for (AclSelector s : user.selectors) {
            position = 0;
            int r = s.check(cmd, argv, base, this);
            if (r == OK) {
                return OK;
            }
            if (r > relevant || (r == relevant && position > lastPosition)) {
                relevant = r;
                lastPosition = position;
            }
        }
        position = lastPosition;
        return relevant;
    }

    /**
     * Whether {@code user} may run the command and has {@code keySpecFlags} access to every key,
     * in one selector: what SORT asks before it follows BY and GET patterns.
     */
    public boolean checkWithEveryKey(AclUser user, CommandSpec cmd, Argv argv, int base, long keySpecFlags) {
        if (user.unrestricted) {
            return true;
        }
        keysFound = false;
        for (AclSelector s : user.selectors) {
            if (s.check(cmd, argv, base, this) == OK && s.allKeysFor(keySpecFlags)) {
                return true;
            }
        }
        return false;
    }

    /** The command's keys, found once per check whichever selectors ask. */
    KeyResult keys(CommandSpec cmd, Argv argv, int base, int argc) {
        if (!keysFound) {
            CommandKeys.find(cmd, argv, base, argc, keys);
            keysFound = true;
        }
        return keys;
    }

    /** The error a refused command gets from the dispatcher (Redis's processCommand), without "-". */
    public static String refusal(int reason, CommandSpec cmd) {
        return switch (reason) {
            case DENIED_COMMAND -> "NOPERM this user has no permissions to run the '" + cmd.fullName + "' command";
            case DENIED_KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case DENIED_CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            default -> "ERR no permission";
        };
    }

    /** The error of a queued command that EXEC finds refused since it was queued (Redis's execCommand). */
    public static String refusalAtExec(int reason) {
        String why = switch (reason) {
            case DENIED_COMMAND -> "no permission to execute the command or subcommand";
            case DENIED_KEY -> "no permission to touch the specified keys";
            case DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
            default -> "no permission";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + why;
    }

    /** The words Redis uses for a reason in script errors (getAclErrorMessage). */
    public static String scriptMessage(int reason) {
        return switch (reason) {
            case DENIED_COMMAND -> "can't run this command or subcommand";
            case DENIED_KEY -> "can't access at least one of the keys mentioned in the command arguments";
            case DENIED_CHANNEL -> "can't publish to the channel mentioned in the command";
            default -> "lacking the permissions for the command";
        };
    }

    /** ACL LOG's "reason". */
    public static String logReason(int reason) {
        return switch (reason) {
            case DENIED_COMMAND -> "command";
            case DENIED_KEY -> "key";
            case DENIED_CHANNEL -> "channel";
            case DENIED_AUTH -> "auth";
            default -> "unknown";
        };
    }
}
