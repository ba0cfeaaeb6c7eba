package dev.cinnabar.server.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The {@code user} lines of a config file, for a server without ACLs. Redis 7.0 applies each
 * line's rules to a user reset to nothing (off, no password, no keys, channels or commands). A
 * line that leaves the {@code default} user on with every key, channel and command only sets its
 * passwords, which Cinnabar serves ({@link DefaultUser}); that is what CONFIG REWRITE writes and
 * the usual way of setting a password through ACL. Any other line (another user, a narrower
 * default user, a selector) asks for access control that Cinnabar does not have, and running
 * without it would let clients do what the file forbids: the start fails instead, as Redis's
 * fails on a rule it cannot load.
 */
public final class AclUserLines {
    /** Why a config's users cannot be served; the message is for the log. */
    public static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    private static final HexFormat HEX = HexFormat.of();

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
        boolean on = false;
        boolean noPass = false;
        List<byte[]> digests = new ArrayList<>();
        boolean allKeys = false;
        boolean allChannels = false;
        boolean allCommands = false;
        for (String rule : rules) {
            String word = rule.toLowerCase(Locale.ROOT);
            switch (word) {
                case "on" -> on = true;
                case "off" -> on = false;
                case "nopass" -> {
                    noPass = true;
                    digests.clear();
                }
                case "resetpass" -> {
                    noPass = false;
                    digests.clear();
                }
                case "~*", "allkeys", "%rw~*", "%wr~*" -> allKeys = true;
                case "resetkeys" -> allKeys = false;
                case "&*", "allchannels" -> allChannels = true;
                case "resetchannels" -> allChannels = false;
                case "+@all", "allcommands" -> allCommands = true;
                case "-@all", "nocommands" -> allCommands = false;
                case "reset" -> {
                    on = false;
                    noPass = false;
                    digests.clear();
                    allKeys = false;
                    allChannels = false;
                    allCommands = false;
                }
                // Whether RESTORE checks this user's payloads: Cinnabar checks as sanitize-dump-payload says.
                case "sanitize-payload", "skip-sanitize-payload", "clearselectors" -> {
                }
                default -> {
                    if (rule.startsWith(">")) {
                        add(digests, DefaultUser.sha256(ServerConfig.bytes(rule.substring(1))));
                        noPass = false;
                    } else if (rule.startsWith("#")) {
                        add(digests, digest(rule));
                        noPass = false;
                    } else if (rule.startsWith("<") || rule.startsWith("!")) {
                        byte[] d = rule.startsWith("<") ? DefaultUser.sha256(ServerConfig.bytes(rule.substring(1)))
                                : digest(rule);
                        if (!digests.removeIf(x -> Arrays.equals(x, d))) {
                            throw new Unsupported("Error loading ACL rule '" + rule
                                    + "' for the user named 'default': The password you are trying to remove from the user does not exist");
                        }
                    } else {
                        throw new Unsupported("Cinnabar has no access control yet: rule '" + rule
                                + "' of the default user cannot be served");
                    }
                }
            }
        }
        if (!(on && allKeys && allChannels && allCommands)) {
            throw new Unsupported("Cinnabar has no access control yet: the default user can only be served "
                    + "on and with every key, channel and command (on ~* &* +@all)");
        }
        return new DefaultUser(noPass, digests);
    }

    private static byte[] digest(String rule) throws Unsupported {
        String hex = rule.substring(1);
        // As Redis: 64 characters of 0-9 and a-f, no capitals.
        if (hex.length() != 64 || !hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new Unsupported("Error loading ACL rule '" + rule
                    + "' for the user named 'default': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
        }
        return HEX.parseHex(hex);
    }

    private static void add(List<byte[]> digests, byte[] d) {
        for (byte[] x : digests) {
            if (Arrays.equals(x, d)) {
                return;
            }
        }
        digests.add(d);
    }
}
