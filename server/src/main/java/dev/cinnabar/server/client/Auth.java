package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.acl.AclUser;

/**
 * Credential checks for AUTH and HELLO AUTH against the ACL users (Redis's
 * ACLAuthenticateUser): the user must exist and be on, and the password must be one of its own
 * unless it is {@code nopass}. User names are case-sensitive.
 */
public final class Auth {
    private Auth() {
    }

    /** True when the default user is nopass, so AUTH with a password alone is a mistake. */
    public static boolean defaultUserHasNoPassword(Client c) {
        return c.server.acl().defaultUser().noPass();
    }

    /**
     * Checks user {@code argv[userIndex]} with password {@code argv[passwordIndex]}; on success
     * the client is authenticated as that user. A failure leaves the client as it was.
     */
    public static boolean authenticate(Client c, Argv argv, int userIndex, int passwordIndex) {
        return authenticate(c, c.server.acl().user(argv.latin1(userIndex)), argv, passwordIndex);
    }

    /** Checks {@code argv[passwordIndex]} as the default user's password; see {@link #authenticate}. */
    public static boolean authenticateDefault(Client c, Argv argv, int passwordIndex) {
        return authenticate(c, c.server.acl().defaultUser(), argv, passwordIndex);
    }

    private static boolean authenticate(Client c, AclUser user, Argv argv, int passwordIndex) {
        if (user == null || !user.accepts(argv.copy(passwordIndex))) {
            return false;
        }
        c.user = user;
        c.authenticated = true;
        return true;
    }
}
