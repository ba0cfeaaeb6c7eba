package dev.cinnabar.server.acl;

/**
 * A rule Redis refuses, with Redis's reason (ACLSetUserStringError's texts). {@link #unknown}
 * marks an unknown command or category, which a config file's user line may still name at the
 * time it is read, as Redis checks those only once the users are loaded.
 */
public final class AclRuleException extends Exception {
    private final boolean unknown;

    private AclRuleException(String reason, boolean unknown) {
        super(reason, null, false, false);
        this.unknown = unknown;
    }

    /** An unknown command or category name. */
    public boolean unknown() {
        return unknown;
    }

    static AclRuleException syntax() {
        return new AclRuleException("Syntax error", false);
    }

    static AclRuleException unknownCommand() {
        return new AclRuleException("Unknown command or category name in ACL", true);
    }

    static AclRuleException keyAfterAll() {
        return new AclRuleException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
                + "does not have any effect. Try 'resetkeys' to start with an empty list of patterns", false);
    }

    static AclRuleException channelAfterAll() {
        return new AclRuleException("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
                + "and does not have any effect. Try 'resetchannels' to start with an empty list of channels", false);
    }

    static AclRuleException noSuchPassword() {
        return new AclRuleException("The password you are trying to remove from the user does not exist", false);
    }

    static AclRuleException badHash() {
        return new AclRuleException("The password hash must be exactly 64 characters and contain only lowercase "
                + "hexadecimal characters", false);
    }

    static AclRuleException duplicateUser() {
        return new AclRuleException("Duplicate user found. A user can only be defined once in config files", false);
    }

    static AclRuleException firstArgOfSubcommand() {
        return new AclRuleException("Allowing first-arg of a subcommand is not supported", false);
    }
}
