package dev.cinnabar.server.acl;

import dev.cinnabar.server.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user, as Redis 7.0 keeps it: on or off, its passwords as SHA-256 digests in hex (or
 * {@code nopass}), the payload-sanitizing flag, and its selectors, the root one first. Clients
 * hold the user itself, so a change made by ACL SETUSER applies to their next command; the
 * changes are staged on a {@link #copy} and copied back only when every rule was accepted.
 */
public final class AclUser {
    static final int SANITIZE_UNSET = 0;
    static final int SANITIZE = 1;
    static final int SKIP_SANITIZE = 2;
    private static final HexFormat HEX = HexFormat.of();

    public final String name;
    private final CommandTable table;
    boolean enabled;
    boolean noPass;
    int sanitize = SANITIZE_UNSET;
    /** The passwords' SHA-256 digests, lowercase hex, in the order they were added. */
    final List<String> passwords = new ArrayList<>();
    /** The root selector first. */
    final List<AclSelector> selectors = new ArrayList<>();
    /** True when a selector allows every command, key and channel: the dispatcher's fast path. */
    boolean unrestricted;
    /** ACL LIST's text, kept until the next change. */
    private String description;

    AclUser(String name, CommandTable table, boolean allChannelsByDefault) {
        this.name = name;
        this.table = table;
        selectors.add(new AclSelector(table, AclSelector.ROOT | (allChannelsByDefault ? AclSelector.ALL_CHANNELS : 0)));
        changed();
    }

    AclUser copy(String newName) {
        AclUser u = new AclUser(newName, table, false);
        u.copyFrom(this);
        return u;
    }

    /** Takes every rule of {@code other}, keeping this user's name. */
    void copyFrom(AclUser other) {
        enabled = other.enabled;
        noPass = other.noPass;
        sanitize = other.sanitize;
        passwords.clear();
        passwords.addAll(other.passwords);
        selectors.clear();
        for (AclSelector s : other.selectors) {
            selectors.add(s.copy());
        }
        changed();
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean noPass() {
        return noPass;
    }

    /** Whether one selector allows every command, key and channel. */
    public boolean unrestricted() {
        return unrestricted;
    }

    /** Whether RESTORE may skip the deep check of payloads for this user (sanitize-dump-payload clients). */
    public boolean skipsSanitizing() {
        return sanitize == SKIP_SANITIZE;
    }

    AclSelector root() {
        return selectors.get(0);
    }

    void changed() {
        description = null;
        boolean all = false;
        for (AclSelector s : selectors) {
            all |= s.unrestricted();
        }
        unrestricted = all;
    }

    /** Whether {@code password} opens this user (Redis's ACLCheckUserCredentials, the user known). */
    public boolean accepts(byte[] password) {
        if (!enabled) {
            return false;
        }
        if (noPass) {
            return true;
        }
        byte[] given = HEX.formatHex(sha256(password)).getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        // Every digest is compared in full, so the time taken does not tell which one matched.
        for (String p : passwords) {
            found |= MessageDigest.isEqual(p.getBytes(StandardCharsets.US_ASCII), given);
        }
        return found;
    }

    // ------------------------------------------------------------------ rules

    /** Applies one rule, as Redis's ACLSetUser; a selector rule goes to the root selector. */
    void apply(String op, boolean allChannelsByDefault) throws AclRuleException {
        try {
            applyRule(op, allChannelsByDefault);
        } finally {
            changed();
        }
    }

    private void applyRule(String op, boolean allChannelsByDefault) throws AclRuleException {
        if (op.isEmpty()) {
            return;
        }
        switch (op.toLowerCase(Locale.ROOT)) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "skip-sanitize-payload" -> sanitize = SKIP_SANITIZE;
            case "sanitize-payload" -> sanitize = SANITIZE;
            case "nopass" -> {
                noPass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                noPass = false;
                passwords.clear();
            }
            default -> prefixed(op, allChannelsByDefault);
        }
    }

    private void prefixed(String op, boolean allChannelsByDefault) throws AclRuleException {
        char first = op.charAt(0);
        if (first == '>' || first == '#') {
            String digest = first == '>' ? hash(op.substring(1)) : checkedHash(op.substring(1));
            if (!passwords.contains(digest)) {
                passwords.add(digest);
            }
            noPass = false;
        } else if (first == '<' || first == '!') {
            String digest = first == '<' ? hash(op.substring(1)) : checkedHash(op.substring(1));
            if (!passwords.remove(digest)) {
                throw AclRuleException.noSuchPassword();
            }
        } else if (first == '(' && op.charAt(op.length() - 1) == ')') {
            selectors.add(selector(op, allChannelsByDefault));
        } else if (op.equalsIgnoreCase("clearselectors")) {
            selectors.subList(1, selectors.size()).clear();
        } else if (op.equalsIgnoreCase("reset")) {
            noPass = false;
            passwords.clear();
            AclSelector root = root();
            root.apply("resetkeys");
            root.apply("resetchannels");
            if (allChannelsByDefault) {
                root.apply("allchannels");
            }
            enabled = false;
            sanitize = SANITIZE;
            selectors.subList(1, selectors.size()).clear();
            root.apply("-@all");
        } else {
            root().apply(op);
        }
    }

    /** A selector in parentheses: its rules split as a quoted argument list, each a selector rule. */
    private AclSelector selector(String op, boolean allChannelsByDefault) throws AclRuleException {
        AclSelector s = new AclSelector(table, allChannelsByDefault ? AclSelector.ALL_CHANNELS : 0);
        List<String> rules = dev.cinnabar.server.config.Quoting.splitArgs(op.substring(1, op.length() - 1));
        if (rules == null) {
            // Redis's splitter gives no rules for unbalanced quotes: an empty selector.
            return s;
        }
        for (String rule : rules) {
            s.apply(rule);
        }
        return s;
    }

    static String hash(String password) {
        return HEX.formatHex(sha256(password.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String checkedHash(String hex) throws AclRuleException {
        // As Redis: 64 characters of 0-9 and a-f, no capitals.
        if (hex.length() != 64 || !hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw AclRuleException.badHash();
        }
        return hex;
    }

    private static byte[] sha256(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ------------------------------------------------------------------ channels

    /** The channel patterns a user grants, to check its subscribers' channels against. */
    public static final class ChannelGrant {
        private final List<AclSelector.ChannelPattern> patterns;

        private ChannelGrant(List<AclSelector.ChannelPattern> patterns) {
            this.patterns = patterns;
        }

        /** A subscription's channel or pattern (a pattern subscription matched literally). */
        public boolean grants(byte[] name, boolean isPattern) {
            return AclSelector.channelAllowed(patterns, name, 0, name.length, isPattern);
        }
    }

    /**
     * The channel patterns {@code upcoming} grants, when they may not cover all that
     * {@code original} granted (Redis's ACLKillPubsubClientsIfNeeded before its scan of the
     * clients); null when no subscriber of the user can have lost a channel.
     */
    public static ChannelGrant channelsIfNarrowed(AclUser original, AclUser upcoming) {
        for (AclSelector s : upcoming.selectors) {
            if (s.has(AclSelector.ALL_CHANNELS)) {
                return null;
            }
        }
        List<AclSelector.ChannelPattern> granted = new ArrayList<>();
        for (AclSelector s : upcoming.selectors) {
            granted.addAll(s.channels);
        }
        for (AclSelector s : original.selectors) {
            if (s.has(AclSelector.ALL_CHANNELS) || !granted.containsAll(s.channels)) {
                return new ChannelGrant(granted);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ descriptions

    /** ACL GETUSER's flags, in Redis's order. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add(enabled ? "on" : "off");
        if (noPass) {
            flags.add("nopass");
        }
        if (sanitize == SKIP_SANITIZE) {
            flags.add("skip-sanitize-payload");
        } else if (sanitize == SANITIZE) {
            flags.add("sanitize-payload");
        }
        return flags;
    }

    public List<String> passwords() {
        return List.copyOf(passwords);
    }

    /** The user's rules as ACL LIST and a user line write them, without "user name". */
    public String describe() {
        if (description == null) {
            StringBuilder b = new StringBuilder();
            for (String f : flags()) {
                b.append(f).append(' ');
            }
            for (String p : passwords) {
                b.append('#').append(p).append(' ');
            }
            for (AclSelector s : selectors) {
                if (s.has(AclSelector.ROOT)) {
                    b.append(s.describe());
                } else {
                    b.append(" (").append(s.describe()).append(')');
                }
            }
            description = b.toString();
        }
        return description;
    }

    /** The number of selectors besides the root one. */
    public int extraSelectors() {
        return selectors.size() - 1;
    }

    /** ACL GETUSER's commands, keys and channels of a selector: 0 is the root one. */
    public String[] describeSelector(int i) {
        AclSelector s = selectors.get(i);
        return new String[] {AclCommandRules.describe(s), s.describeKeys(), s.describeChannels()};
    }
}
