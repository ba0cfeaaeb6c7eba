package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;

/**
 * Authentication of memcached clients when {@code requirepass} is set: the text protocol's
 * {@code set <any key> <flags> <exptime> <bytes>} whose data is {@code <user> <password>} (as
 * memcached 1.6 with an auth file), and the binary protocol's SASL PLAIN. The user name is not
 * checked: the password must be one of the default user's ({@code requirepass}, or those a
 * {@code user default} line or ACL SETUSER gives). Memcached requests do not pass through the ACL
 * checks, so they are served only while the default user may run every command on every key and
 * channel; a default user with fewer permissions keeps memcached clients unauthenticated. Until
 * then text clients get {@code CLIENT_ERROR unauthenticated}.
 */
public final class MemcachedAuth {
    private MemcachedAuth() {
    }

    /** True when the client must authenticate before anything else. */
    public static boolean required(Client c) {
        return !c.authenticated || !c.user.unrestricted();
    }

    /**
     * Checks a user name and password; on success the client is authenticated (as the default
     * user). Counts memcached's {@code auth_cmds} and {@code auth_errors}.
     */
    public static boolean check(Client c, byte[] user, int uoff, int ulen, byte[] pass, int poff, int plen) {
        c.server.stats().memcached.authCmds++;
        dev.cinnabar.server.acl.AclUser account = c.server.acl().defaultUser();
        if (!account.unrestricted() || !account.accepts(java.util.Arrays.copyOfRange(pass, poff, poff + plen))) {
            c.server.stats().memcached.authErrors++;
            return false;
        }
        c.user = account;
        c.authenticated = true;
        return true;
    }
}
