package dev.cinnabar.server.acl;

import dev.cinnabar.server.command.CommandSpec;

/**
 * Which arguments of a command are Pub/Sub channels, and how it uses them: Redis 7.0's table of
 * commands with channels (getChannelsFromCommand). ACL checks the channels a command publishes
 * to or subscribes to; unsubscribing is always allowed.
 */
final class AclChannels {
    static final int PUBLISH = 1;
    static final int SUBSCRIBE = 2;
    static final int UNSUBSCRIBE = 4;
    static final int PATTERN = 8;
    /** Only the first argument is a channel. */
    private static final int ONE = 16;

    private AclChannels() {
    }

    /** The command's channel kind, or 0 when it names no channel. */
    static int kind(CommandSpec cmd) {
        return switch (cmd.fullName) {
            case "subscribe", "ssubscribe" -> SUBSCRIBE;
            case "psubscribe" -> SUBSCRIBE | PATTERN;
            case "unsubscribe", "sunsubscribe" -> UNSUBSCRIBE;
            case "punsubscribe" -> UNSUBSCRIBE | PATTERN;
            case "publish", "spublish" -> PUBLISH | ONE;
            default -> 0;
        };
    }

    /** The position of the last channel among {@code argc} arguments (the name is position 0). */
    static int last(int kind, int argc) {
        return (kind & ONE) != 0 ? Math.min(1, argc - 1) : argc - 1;
    }
}
