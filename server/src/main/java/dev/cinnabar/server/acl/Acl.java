package dev.cinnabar.server.acl;

import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.config.ConfigRewriter;
import dev.cinnabar.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * The ACL users, Redis 7.0's Users table: the {@code default} user, which every new connection
 * starts as and which this object never replaces (a change or a load is copied into it), and the
 * others by name, in byte order as ACL LIST and ACL USERS show them. Changes are staged on a
 * copy and only taken whole. Engine thread only, but for {@link #defaultUser()}'s flags, which
 * protected mode reads when a connection arrives.
 */
public final class Acl implements dev.cinnabar.server.config.AclView {
    public static final String DEFAULT = "default";

    private final ServerConfig config;
    private final CommandTable table;
    private TreeMap<String, AclUser> users = new TreeMap<>();
    private final AclUser defaultUser;
    /** The checker the dispatcher, EXEC and scripts share. */
    public final AclCheck check = new AclCheck();

    public Acl(ServerConfig config, CommandTable table) {
        this.config = config;
        this.table = table;
        this.defaultUser = newDefaultUser();
        users.put(DEFAULT, defaultUser);
        applyRequirePass(config.requirePass);
    }

    private AclUser newDefaultUser() {
        AclUser u = new AclUser(DEFAULT, table, allChannelsByDefault());
        try {
            for (String rule : List.of("+@all", "~*", "&*", "on", "nopass")) {
                u.apply(rule, false);
            }
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        return u;
    }

    boolean allChannelsByDefault() {
        return "allchannels".equals(config.aclPubsubDefault);
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    /** The user of that name (case-sensitive), or null. */
    public AclUser user(String name) {
        return users.get(name);
    }

    /** Every user, in byte order of their names. */
    public Collection<AclUser> users() {
        return Collections.unmodifiableCollection(users.values());
    }

    /** Whether a connection that has not authenticated must: unless the default user is on and nopass. */
    public boolean authRequired() {
        return !(defaultUser.noPass && defaultUser.enabled);
    }

    /** requirepass: the default user's passwords become that one, or none and nopass when it is empty. */
    @Override
    public void applyRequirePass(String requirePass) {
        try {
            defaultUser.apply("resetpass", false);
            defaultUser.apply(requirePass.isEmpty() ? "nopass" : ">" + requirePass, false);
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ ACL SETUSER

    /** What ACL SETUSER staged: the user as its rules leave it, before it is taken. */
    public static final class Staged {
        public final AclUser existing;
        public final AclUser staged;

        Staged(AclUser existing, AclUser staged) {
            this.existing = existing;
            this.staged = staged;
        }
    }

    /**
     * Applies {@code rules} to a copy of user {@code name} (a new user when there is none):
     * returns the copy, or throws Redis's error text naming the rule refused. Nothing changes
     * until {@link #take}.
     */
    public Staged stage(String name, List<String> rules) throws AclError {
        List<String> merged = mergeSelectors(rules);
        AclUser existing = users.get(name);
        AclUser staged = existing != null ? existing.copy(name) : new AclUser(name, table, allChannelsByDefault());
        for (String rule : merged) {
            try {
                staged.apply(rule, allChannelsByDefault());
            } catch (AclRuleException e) {
                throw new AclError("Error in ACL SETUSER modifier '" + rule + "': " + e.getMessage());
            }
        }
        return new Staged(existing, staged);
    }

    /** Makes a staged user the real one; returns it. */
    public AclUser take(Staged s) {
        if (s.existing != null) {
            s.existing.copyFrom(s.staged);
            return s.existing;
        }
        users.put(s.staged.name, s.staged);
        return s.staged;
    }

    /** Removes the user; returns it, or null when there was none. The default user cannot go. */
    public AclUser delete(String name) {
        if (name.equals(DEFAULT)) {
            throw new IllegalArgumentException("the default user cannot be removed");
        }
        return users.remove(name);
    }

    /** A refusal, with Redis's text (without "ERR "). */
    public static final class AclError extends Exception {
        public AclError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Joins a selector written over several arguments ({@code "(~a" "+get)"}) into one, as
     * Redis lets ACL SETUSER and user lines do.
     */
    public static List<String> mergeSelectors(List<String> rules) throws AclError {
        List<String> out = new ArrayList<>(rules.size());
        StringBuilder selector = null;
        String openedAt = null;
        for (String op : rules) {
            if (selector == null && op.startsWith("(") && !op.endsWith(")")) {
                selector = new StringBuilder(op);
                openedAt = op;
                continue;
            }
            if (selector != null) {
                selector.append(' ').append(op);
                if (op.endsWith(")")) {
                    out.add(selector.toString());
                    selector = null;
                }
                continue;
            }
            out.add(op);
        }
        if (selector != null) {
            throw new AclError("Unmatched parenthesis in acl selector starting at '" + openedAt + "'.");
        }
        return out;
    }

    // ------------------------------------------------------------------ loading

    /**
     * Checks a config file's user line (its words after {@code user}) as Redis does while it
     * reads the file: the rules on a scratch user, unknown commands let through. Returns null, or
     * the error for the FATAL CONFIG FILE ERROR banner.
     */
    public String checkUserLine(List<String> words, List<String> namesSeen) {
        if (namesSeen.contains(words.get(0))) {
            return "Error in user declaration '" + words.get(0) + "': " + AclRuleException.duplicateUser().getMessage();
        }
        List<String> rules;
        try {
            rules = mergeSelectors(words.subList(1, words.size()));
        } catch (AclError e) {
            // Redis names the word at the selector's index among the rules, counted from "user"
            // itself, and gives the reason its last failed lookup left (an unknown name).
            int opened = 0;
            while (!words.get(1 + opened).startsWith("(") || words.get(1 + opened).endsWith(")")) {
                opened++;
            }
            String named = opened == 0 ? "user" : words.get(opened - 1);
            return "Error in user declaration '" + named + "': " + AclRuleException.unknownCommand().getMessage();
        }
        AclUser scratch = new AclUser("__fakeuser__", table, allChannelsByDefault());
        for (int j = 0; j < rules.size(); j++) {
            try {
                scratch.apply(rules.get(j), allChannelsByDefault());
            } catch (AclRuleException e) {
                if (!e.unknown()) {
                    // Redis names the line's j-th word here, counting from "user" itself.
                    String named = j == 0 ? "user" : words.get(j - 1);
                    return "Error in user declaration '" + named + "': " + e.getMessage();
                }
            }
        }
        return null;
    }

    /**
     * Loads the config file's user lines at start (Redis's ACLLoadConfiguredUsers): each user
     * from a reset, the default user declared again reset in place. Throws the log line of the
     * first rule refused.
     */
    public void loadConfigured(List<List<String>> lines) throws AclError {
        for (List<String> line : lines) {
            String name = line.get(0);
            if (hasSpaces(name)) {
                throw new AclError("Spaces not allowed in ACL usernames");
            }
            AclUser u = users.get(name);
            try {
                if (u == null) {
                    u = new AclUser(name, table, allChannelsByDefault());
                    users.put(name, u);
                } else {
                    u.apply("reset", allChannelsByDefault());
                }
                for (String rule : mergeSelectors(line.subList(1, line.size()))) {
                    try {
                        u.apply(rule, allChannelsByDefault());
                    } catch (AclRuleException e) {
                        throw new AclError("Error loading ACL rule '" + rule + "' for the user named '" + name + "': "
                                + e.getMessage());
                    }
                }
            } catch (AclRuleException e) {
                throw new IllegalStateException(e);
            }
            if (!u.enabled) {
                dev.cinnabar.server.log.ServerLog.notice("The user '" + name + "' is disabled (there is no 'on' "
                        + "modifier in the user description). Make sure this is not a configuration error.");
            }
        }
    }

    /**
     * ACL LOAD and an {@code aclfile} at start (Redis's ACLLoadFromFile): every line must be a
     * user line; any error keeps the users as they were and is returned as one text, else null.
     * Users that vanish are returned through {@code removed} so that their clients can go.
     */
    public String loadFile(String path, List<AclUser> removed) {
        List<String> lines;
        try {
            String text = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path)),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            lines = List.of(text.split("\n", -1));
        } catch (java.io.IOException e) {
            return "Error loading ACLs, opening file '" + path + "': " + ConfigRewriter.strerror(e);
        }
        String file = config.aclFile;
        StringBuilder errors = new StringBuilder();
        TreeMap<String, AclUser> loaded = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = AclFiles.trim(lines.get(i), " \t\r\n");
            if (line.isEmpty()) {
                continue;
            }
            List<String> argv = AclFiles.splitOnSpaces(line);
            if (argv.isEmpty()) {
                continue;
            }
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(file).append(':').append(lineNumber)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (hasSpaces(name)) {
                errors.append('\'').append(file).append(':').append(lineNumber).append(": username '").append(name)
                        .append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(lineNumber)
                        .append(". ");
                continue;
            }
            AclUser u = new AclUser(name, table, allChannelsByDefault());
            loaded.put(name, u);
            List<String> rules;
            try {
                rules = mergeSelectors(argv.subList(2, argv.size()));
            } catch (AclError e) {
                errors.append(file).append(':').append(lineNumber).append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            boolean syntaxError = false;
            for (String rule : rules) {
                rule = AclFiles.trim(rule, "\t\r\n");
                try {
                    u.apply(rule, allChannelsByDefault());
                } catch (AclRuleException e) {
                    if (e.unknown()) {
                        errors.append(file).append(':').append(lineNumber).append(": Error in applying operation '")
                                .append(rule).append("': ").append(e.getMessage()).append(". ");
                    } else if (!syntaxError) {
                        errors.append(file).append(':').append(lineNumber).append(": ").append(e.getMessage()).append(". ");
                        syntaxError = true;
                    }
                }
            }
        }
        if (errors.length() > 0) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
                    .toString();
        }
        AclUser newDefault = loaded.remove(DEFAULT);
        defaultUser.copyFrom(newDefault != null ? newDefault : newDefaultUser());
        for (AclUser old : users.values()) {
            if (old != defaultUser) {
                removed.add(old);
            }
        }
        loaded.put(DEFAULT, defaultUser);
        users = loaded;
        return null;
    }

    /** The users as an ACL file holds them, a line each. */
    public String fileText() {
        StringBuilder b = new StringBuilder();
        for (String line : userLines()) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    @Override
    public List<String> userLines() {
        List<String> lines = new ArrayList<>(users.size());
        for (AclUser u : users.values()) {
            lines.add("user " + u.name + " " + u.describe());
        }
        return lines;
    }

    /** C's isspace, and NUL: what Redis refuses in user names and patterns. */
    public static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == ' ' || (ch >= '\t' && ch <= '\r') || ch == 0) {
                return true;
            }
        }
        return false;
    }
}
