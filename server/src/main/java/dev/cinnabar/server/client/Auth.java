package dev.cinnabar.server.client;

import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Credential checks for AUTH and HELLO AUTH. Until ACL users exist there is one user,
 * {@code default}, whose passwords are {@code requirepass} or those a {@code user default} line
 * gave it ({@link dev.cinnabar.server.config.DefaultUser}); without any it accepts every
 * password, like Redis's {@code nopass} default user.
 */
public final class Auth {
    private static final byte[] DEFAULT_USER = Client.DEFAULT_USER.getBytes(StandardCharsets.US_ASCII);

    private Auth() {
    }

    /** True when the default user is nopass, so AUTH with a password alone is a mistake. */
    public static boolean defaultUserHasNoPassword(Client c) {
        return c.server.config().defaultUser().noPass();
    }

    /**
     * Checks user {@code argv[userIndex]} with password {@code argv[passwordIndex]}; on success
     * the client is authenticated as that user. A failure leaves the client as it was.
     */
    public static boolean authenticate(Client c, Argv argv, int userIndex, int passwordIndex) {
        // User names are case-sensitive in Redis.
        int from = argv.offset(userIndex);
        if (!Arrays.equals(argv.array(userIndex), from, from + argv.length(userIndex),
                DEFAULT_USER, 0, DEFAULT_USER.length)) {
            return false;
        }
        return authenticateDefault(c, argv, passwordIndex);
    }

    /** Checks {@code argv[passwordIndex]} as the default user's password; see {@link #authenticate}. */
    public static boolean authenticateDefault(Client c, Argv argv, int passwordIndex) {
        if (!c.server.config().defaultUser().accepts(argv.copy(passwordIndex))) {
            return false;
        }
        c.user = Client.DEFAULT_USER;
        c.authenticated = true;
        return true;
    }
}
