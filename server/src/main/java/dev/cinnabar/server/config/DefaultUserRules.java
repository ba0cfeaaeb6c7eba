package dev.cinnabar.server.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Redis 7.0's ACL rules (ACL SETUSER's modifiers, a {@code user} line's words) applied to the
 * default user, for a server without access control: the rules that only change what
 * {@link DefaultUser} holds (on/off, passwords, the payload-sanitizing flag) are applied as Redis
 * applies them, with Redis's errors; rules about keys, channels and commands are followed only so
 * far as to tell whether the user ends with every permission, which is all Cinnabar can serve.
 * All rules are checked before any takes effect, as Redis stages ACL SETUSER on a copy.
 */
public final class DefaultUserRules {
    /** A rule Redis itself refuses: the message is Redis's reason, without the rule. */
    public static final class RuleError extends Exception {
        public final String rule;

        RuleError(String rule, String reason) {
            super(reason);
            this.rule = rule;
        }
    }

    /** Rules Redis accepts that would leave the default user less than every permission. */
    public static final class Narrower extends Exception {
        Narrower(String message) {
            super(message);
        }
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final String HASH_ERROR =
            "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    private static final String ALLKEYS_ERROR = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not "
            + "valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    private static final String ALLCHANNELS_ERROR = "Adding a pattern after the * pattern (or the 'allchannels' flag) "
            + "is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";

    private DefaultUserRules() {
    }

    /** Where a {@code user} line starts: Redis's {@code reset} (off, no password, no permission). */
    public static DefaultUser applyToReset(List<String> rules) throws RuleError, Narrower {
        State s = new State();
        s.reset();
        return s.apply(rules);
    }

    /** ACL SETUSER default: the rules applied to the user as it is. */
    public static DefaultUser apply(DefaultUser from, List<String> rules) throws RuleError, Narrower {
        State s = new State();
        s.enabled = from.enabled();
        s.noPass = from.noPass();
        s.digests.addAll(from.digests());
        s.sanitize = from.sanitize();
        s.allKeys = true;
        s.allChannels = true;
        s.allCommands = true;
        return s.apply(rules);
    }

    /** What the rules make of the user while they are read. */
    private static final class State {
        boolean enabled;
        boolean noPass;
        final List<byte[]> digests = new ArrayList<>();
        int sanitize;
        boolean allKeys;
        /** Read and write permission on the pattern {@code *} given with {@code %}, which is all keys too. */
        boolean starRead;
        boolean starWrite;
        boolean otherKeys;
        boolean allChannels;
        boolean otherChannels;
        boolean allCommands;
        boolean otherCommands;

        void reset() {
            enabled = false;
            noPass = false;
            digests.clear();
            sanitize = DefaultUser.SANITIZE;
            resetKeys();
            allChannels = false;
            otherChannels = false;
            allCommands = false;
            otherCommands = false;
        }

        void resetKeys() {
            allKeys = false;
            starRead = false;
            starWrite = false;
            otherKeys = false;
        }

        DefaultUser apply(List<String> rules) throws RuleError, Narrower {
            for (String rule : rules) {
                one(rule);
            }
            List<String> missing = new ArrayList<>();
            if (!(allKeys || (starRead && starWrite)) || otherKeys) {
                missing.add("key");
            }
            if (!allChannels || otherChannels) {
                missing.add("channel");
            }
            if (!allCommands || otherCommands) {
                missing.add("command");
            }
            if (!missing.isEmpty()) {
                throw new Narrower("Cinnabar has no access control yet: the default user can only have every key, "
                        + "channel and command (~* &* +@all), and these rules leave it without every "
                        + String.join(", ", missing));
            }
            return new DefaultUser(enabled, noPass, digests, sanitize);
        }

        private void one(String rule) throws RuleError {
            switch (rule.toLowerCase(Locale.ROOT)) {
                case "on" -> enabled = true;
                case "off" -> enabled = false;
                case "nopass" -> {
                    noPass = true;
                    digests.clear();
                }
                case "resetpass" -> {
                    noPass = false;
                    digests.clear();
                }
                case "sanitize-payload" -> sanitize = DefaultUser.SANITIZE;
                case "skip-sanitize-payload" -> sanitize = DefaultUser.SKIP_SANITIZE;
                case "allkeys", "~*" -> {
                    resetKeys();
                    allKeys = true;
                }
                case "resetkeys" -> {
                    resetKeys();
                }
                case "allchannels", "&*" -> {
                    allChannels = true;
                    otherChannels = false;
                }
                case "resetchannels" -> {
                    allChannels = false;
                    otherChannels = false;
                }
                case "allcommands", "+@all" -> {
                    allCommands = true;
                    otherCommands = false;
                }
                case "nocommands", "-@all" -> {
                    allCommands = false;
                    otherCommands = false;
                }
                case "reset" -> {
                    reset();
                }
                case "clearselectors" -> {
                }
                default -> prefixed(rule);
            }
        }

        private void prefixed(String rule) throws RuleError {
            char first = rule.isEmpty() ? ' ' : rule.charAt(0);
            switch (first) {
                case '>' -> {
                    add(DefaultUser.sha256(ServerConfig.bytes(rule.substring(1))));
                    noPass = false;
                }
                case '#' -> {
                    add(digest(rule));
                    noPass = false;
                }
                case '<', '!' -> {
                    byte[] d = first == '<' ? DefaultUser.sha256(ServerConfig.bytes(rule.substring(1))) : digest(rule);
                    if (!digests.removeIf(x -> Arrays.equals(x, d))) {
                        throw new RuleError(rule, "The password you are trying to remove from the user does not exist");
                    }
                }
                case '~', '%' -> keyPattern(rule);
                case '&' -> {
                    if (allChannels) {
                        throw new RuleError(rule, ALLCHANNELS_ERROR);
                    }
                    otherChannels = true;
                }
                case '+', '-' -> {
                    // A command or category, or a first argument: Cinnabar cannot enforce any of them.
                    otherCommands = true;
                }
                case '(' -> {
                    // A selector grants more to some commands, which takes access control to check.
                    throw new RuleError(rule, "Cinnabar has no access control yet, and no selectors");
                }
                default -> throw new RuleError(rule, "Syntax error");
            }
        }

        private void keyPattern(String rule) throws RuleError {
            if (allKeys) {
                throw new RuleError(rule, ALLKEYS_ERROR);
            }
            boolean read = true;
            boolean write = true;
            int at = 1;
            if (rule.charAt(0) == '%') {
                read = false;
                write = false;
                for (; at < rule.length(); at++) {
                    char ch = Character.toUpperCase(rule.charAt(at));
                    if (ch == 'R' && !read) {
                        read = true;
                    } else if (ch == 'W' && !write) {
                        write = true;
                    } else if (rule.charAt(at) == '~') {
                        at++;
                        break;
                    } else {
                        throw new RuleError(rule, "Syntax error");
                    }
                }
            }
            String pattern = rule.substring(Math.min(at, rule.length()));
            if (pattern.equals("*")) {
                starRead |= read;
                starWrite |= write;
            } else {
                otherKeys = true;
            }
        }

        private void add(byte[] d) {
            for (byte[] x : digests) {
                if (Arrays.equals(x, d)) {
                    return;
                }
            }
            digests.add(d);
        }
    }

    private static byte[] digest(String rule) throws RuleError {
        String hex = rule.substring(1);
        // As Redis: 64 characters of 0-9 and a-f, no capitals.
        if (hex.length() != 64 || !hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new RuleError(rule, HASH_ERROR);
        }
        return HEX.parseHex(hex);
    }
}
