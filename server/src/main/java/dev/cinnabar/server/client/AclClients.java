package dev.cinnabar.server.client;

import dev.cinnabar.server.acl.AclUser;

/**
 * What a change of ACL users does to the connections: a deleted user's clients are
 * disconnected (after the reply when one of them deleted it), as are the subscribers of a user
 * whose channel permissions no longer cover a channel or pattern they listen to.
 */
public final class AclClients {
    private AclClients() {
    }

    /** ACL DELUSER, ACL LOAD: every client authenticated as {@code gone} goes. */
    public static void disconnect(Client running, AclUser gone) {
        for (Client other : running.server.clients().all().toArray(new Client[0])) {
            if (other.user != gone) {
                continue;
            }
            // As Redis, defensively: the client is the default user, unauthenticated, until it is gone.
            other.user = running.server.acl().defaultUser();
            other.authenticated = false;
            if (other == running) {
                other.closeAfterReply();
            } else {
                running.server.control().kill(other);
            }
        }
    }

    /**
     * ACL SETUSER: before {@code upcoming} replaces {@code original}, the user's subscribers
     * to a channel or pattern it no longer grants are disconnected.
     */
    public static void disconnectRevokedSubscribers(Client running, AclUser original, AclUser upcoming) {
        AclUser.ChannelGrant granted = AclUser.channelsIfNarrowed(original, upcoming);
        if (granted == null) {
            return;
        }
        for (Client other : running.server.clients().all().toArray(new Client[0])) {
            if (other.user != original || !other.pubsub || !lostAny(other, granted)) {
                continue;
            }
            if (other == running) {
                other.closeAfterReply();
            } else {
                running.server.control().kill(other);
            }
        }
    }

    private static boolean lostAny(Client c, AclUser.ChannelGrant granted) {
        for (byte[] p : PubSub.subscribed(c, true, false)) {
            if (!granted.grants(p, true)) {
                return true;
            }
        }
        for (boolean shard : new boolean[] {false, true}) {
            for (byte[] ch : PubSub.subscribed(c, false, shard)) {
                if (!granted.grants(ch, false)) {
                    return true;
                }
            }
        }
        return false;
    }
}
