package dev.cinnabar.server.config;

import java.util.List;

/**
 * The {@code user} lines of a config file, for a server without ACLs. Redis 7.0 applies each
 * line's rules to a user reset to nothing (off, no password, no keys, channels or commands). A
 * line that leaves the {@code default} user with every key, channel and command only sets what
 * {@link DefaultUser} holds (on/off, passwords), which Cinnabar serves; that is what CONFIG
 * REWRITE writes and the usual way of setting a password through ACL. Any other line (another
 * user, a narrower default user, a selector) asks for access control that Cinnabar does not
 * have, and running without it would let clients do what the file forbids: the start fails
 * instead, as Redis's fails on a rule it cannot load.
 */
public final class AclUserLines {
    /** Why a config's users cannot be served; the message is for the log. */
    public static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    private AclUserLines() {
    }

    /**
     * The default user that {@code users} (each line's words after {@code user}) leave, or null
     * when no line names it (requirepass then decides).
     */
    public static DefaultUser defaultUser(List<List<String>> users) throws Unsupported {
        DefaultUser result = null;
        for (List<String> line : users) {
            if (!line.get(0).equals("default")) {
                throw new Unsupported("Cinnabar has no ACL users but the default one yet: the user named '"
                        + line.get(0) + "' cannot be served");
            }
            // Redis resets a user its config file declares again, so the last line is the one that counts.
            result = apply(line.subList(1, line.size()));
        }
        return result;
    }

    private static DefaultUser apply(List<String> rules) throws Unsupported {
        try {
            return DefaultUserRules.applyToReset(rules);
        } catch (DefaultUserRules.RuleError e) {
            throw new Unsupported("Error loading ACL rule '" + e.rule + "' for the user named 'default': " + e.getMessage());
        } catch (DefaultUserRules.Narrower e) {
            throw new Unsupported(e.getMessage());
        }
    }
}
