package dev.cinnabar.server.acl;

import dev.cinnabar.datatypes.Glob;
import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandKeys;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.command.KeyFlags;
import dev.cinnabar.server.command.KeyResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One set of permissions of a user, Redis 7.0's selector: the commands it may run (a bit per
 * command and subcommand, plus the first arguments allowed of commands otherwise denied), the key
 * patterns with their read and write permissions, and the channel patterns. A user has its root
 * selector and any number of others; a command is allowed when one selector allows all of it.
 */
final class AclSelector {
    static final int ROOT = 1;
    static final int ALL_KEYS = 1 << 1;
    static final int ALL_CHANNELS = 1 << 2;
    static final int ALL_COMMANDS = 1 << 3;

    static final int READ = 1;
    static final int WRITE = 2;
    static final int READ_WRITE = READ | WRITE;

    /** A key pattern and what it grants: {@link #READ}, {@link #WRITE} or both. */
    static final class KeyPattern {
        final String text;
        final byte[] bytes;
        int permissions;

        KeyPattern(String text, int permissions) {
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            this.permissions = permissions;
        }

        /** As ACL LIST writes it: {@code ~p}, {@code %R~p} or {@code %W~p}. */
        String describe() {
            String prefix = permissions == READ_WRITE ? "~" : permissions == READ ? "%R~" : "%W~";
            return prefix + text;
        }
    }

    /** A channel pattern: its text for descriptions, its bytes so that a check allocates nothing. */
    static final class ChannelPattern {
        final String text;
        final byte[] bytes;

        ChannelPattern(String text) {
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChannelPattern p && p.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }

    final CommandTable table;
    int flags;
    /** A bit per command id ({@link CommandSpec#id()}). */
    final long[] commands;
    /**
     * Redis's reserved bit: set by {@code +@all} and cleared by {@code -@all} only, so that a
     * description starts from {@code +@all} (future commands allowed) or from {@code -@all}.
     */
    boolean allowsFutureCommands;
    /** First arguments allowed of a command whose bit is clear, by command id; null when none. */
    String[][] firstArgs;
    final List<KeyPattern> keys = new ArrayList<>();
    final List<ChannelPattern> channels = new ArrayList<>();

    AclSelector(CommandTable table, int flags) {
        this.table = table;
        this.flags = flags;
        this.commands = new long[(table.size() + 63) / 64];
    }

    AclSelector copy() {
        AclSelector s = new AclSelector(table, flags);
        System.arraycopy(commands, 0, s.commands, 0, commands.length);
        s.allowsFutureCommands = allowsFutureCommands;
        if (firstArgs != null) {
            s.firstArgs = new String[firstArgs.length][];
            for (int i = 0; i < firstArgs.length; i++) {
                s.firstArgs[i] = firstArgs[i] == null ? null : firstArgs[i].clone();
            }
        }
        for (KeyPattern k : keys) {
            s.keys.add(new KeyPattern(k.text, k.permissions));
        }
        s.channels.addAll(channels);
        return s;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Every command, key and channel: nothing to check. */
    boolean unrestricted() {
        return (flags & (ALL_KEYS | ALL_CHANNELS | ALL_COMMANDS)) == (ALL_KEYS | ALL_CHANNELS | ALL_COMMANDS);
    }

    // ------------------------------------------------------------------ rules

    /** Applies one selector rule (a key, channel or command rule), as Redis's ACLSetSelector. */
    void apply(String op) throws AclRuleException {
        String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "allkeys", "~*" -> {
                flags |= ALL_KEYS;
                keys.clear();
                return;
            }
            case "resetkeys" -> {
                flags &= ~ALL_KEYS;
                keys.clear();
                return;
            }
            case "allchannels", "&*" -> {
                flags |= ALL_CHANNELS;
                channels.clear();
                return;
            }
            case "resetchannels" -> {
                flags &= ~ALL_CHANNELS;
                channels.clear();
                return;
            }
            case "allcommands", "+@all" -> {
                Arrays.fill(commands, -1L);
                allowsFutureCommands = true;
                flags |= ALL_COMMANDS;
                firstArgs = null;
                return;
            }
            case "nocommands", "-@all" -> {
                Arrays.fill(commands, 0L);
                allowsFutureCommands = false;
                flags &= ~ALL_COMMANDS;
                firstArgs = null;
                return;
            }
            default -> {
            }
        }
        char first = op.isEmpty() ? 0 : op.charAt(0);
        char second = op.length() < 2 ? 0 : op.charAt(1);
        if (first == '~' || first == '%') {
            keyPattern(op);
        } else if (first == '&') {
            if (has(ALL_CHANNELS)) {
                throw AclRuleException.channelAfterAll();
            }
            String pattern = op.substring(1);
            if (Acl.hasSpaces(pattern)) {
                throw AclRuleException.syntax();
            }
            ChannelPattern p = new ChannelPattern(pattern);
            if (!channels.contains(p)) {
                channels.add(p);
            }
            flags &= ~ALL_CHANNELS;
        } else if (first == '+' && second != '@') {
            allowCommand(op.substring(1));
        } else if (first == '-' && second != '@') {
            CommandSpec cmd = table.get(op.substring(1));
            if (cmd == null) {
                throw AclRuleException.unknownCommand();
            }
            change(cmd, false);
        } else if ((first == '+' || first == '-') && second == '@') {
            long category = dev.cinnabar.server.command.AclCategories.find(op.substring(2));
            if (category == 0) {
                throw AclRuleException.unknownCommand();
            }
            changeCategory(category, first == '+');
        } else {
            throw AclRuleException.syntax();
        }
    }

    private void keyPattern(String op) throws AclRuleException {
        if (has(ALL_KEYS)) {
            throw AclRuleException.keyAfterAll();
        }
        int permissions = 0;
        int at = 1;
        if (op.charAt(0) == '%') {
            for (; at < op.length(); at++) {
                char ch = Character.toUpperCase(op.charAt(at));
                if (ch == 'R' && (permissions & READ) == 0) {
                    permissions |= READ;
                } else if (ch == 'W' && (permissions & WRITE) == 0) {
                    permissions |= WRITE;
                } else if (op.charAt(at) == '~') {
                    at++;
                    break;
                } else {
                    throw AclRuleException.syntax();
                }
            }
            if (permissions == 0) {
                // "%~pattern" grants nothing; Redis 7.0.15 takes it and then cannot describe
                // the user (its description aborts the server).
                throw AclRuleException.syntax();
            }
        } else {
            permissions = READ_WRITE;
        }
        String pattern = op.substring(Math.min(at, op.length()));
        if (Acl.hasSpaces(pattern)) {
            throw AclRuleException.syntax();
        }
        for (KeyPattern k : keys) {
            if (k.text.equals(pattern)) {
                k.permissions |= permissions;
                flags &= ~ALL_KEYS;
                return;
            }
        }
        keys.add(new KeyPattern(pattern, permissions));
        flags &= ~ALL_KEYS;
    }

    /** {@code +name}, {@code +container|sub} or {@code +command|first-arg}. */
    private void allowCommand(String name) throws AclRuleException {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            CommandSpec cmd = table.get(name);
            if (cmd == null) {
                throw AclRuleException.unknownCommand();
            }
            change(cmd, true);
            return;
        }
        CommandSpec cmd = table.get(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (cmd == null) {
            throw AclRuleException.unknownCommand();
        }
        if (cmd.parent != null) {
            throw AclRuleException.firstArgOfSubcommand();
        }
        if (sub.isEmpty()) {
            throw AclRuleException.syntax();
        }
        if (!cmd.subcommands().isEmpty()) {
            CommandSpec subcommand = table.get(name);
            if (subcommand == null) {
                throw AclRuleException.unknownCommand();
            }
            change(subcommand, true);
            return;
        }
        dev.cinnabar.server.log.ServerLog.warning("Deprecation warning: Allowing a first arg of an otherwise "
                + "blocked command is a misuse of ACL and may get disabled in the future (offender: +" + name + ")");
        addFirstArg(cmd.id(), sub);
    }

    private void addFirstArg(int id, String arg) {
        if (firstArgs == null) {
            firstArgs = new String[table.size()][];
        }
        String[] now = firstArgs[id];
        if (now == null) {
            firstArgs[id] = new String[] {arg};
            return;
        }
        for (String a : now) {
            if (a.equalsIgnoreCase(arg)) {
                return;
            }
        }
        String[] more = Arrays.copyOf(now, now.length + 1);
        more[now.length] = arg;
        firstArgs[id] = more;
    }

    /** A command and, for a container, its subcommands; its first arguments are dropped. */
    void change(CommandSpec cmd, boolean allow) {
        setBit(cmd.id(), allow);
        if (firstArgs != null) {
            firstArgs[cmd.id()] = null;
        }
        for (CommandSpec sub : cmd.subcommands()) {
            setBit(sub.id(), allow);
        }
    }

    private void setBit(int id, boolean allow) {
        if (allow) {
            commands[id >>> 6] |= 1L << id;
        } else {
            commands[id >>> 6] &= ~(1L << id);
            flags &= ~ALL_COMMANDS;
        }
    }

    boolean bit(int id) {
        return (commands[id >>> 6] & (1L << id)) != 0;
    }

    /**
     * Every command of the category, and each one's subcommands when a container is in it; then
     * the subcommands that are in it themselves, as Redis walks its table.
     */
    void changeCategory(long category, boolean allow) {
        for (CommandSpec cmd : table.topLevel()) {
            if ((cmd.aclCategories & category) != 0) {
                change(cmd, allow);
            }
            for (CommandSpec sub : cmd.subcommands()) {
                if ((sub.aclCategories & category) != 0) {
                    change(sub, allow);
                }
            }
        }
    }

    // ------------------------------------------------------------------ checks

    /**
     * Whether this selector allows the command line that starts at argument {@code base} of
     * {@code argv}: {@link AclCheck#OK} or the reason it does not, with the position (relative to
     * {@code base}) of the key or channel refused left in {@code check}.
     */
    int check(CommandSpec cmd, Argv argv, int base, AclCheck check) {
        int argc = argv.count() - base;
        if (!has(ALL_COMMANDS) && !cmd.has(CommandFlags.NO_AUTH) && !bit(cmd.id())) {
            if (!firstArgAllowed(cmd, argv, base, argc)) {
                return AclCheck.DENIED_COMMAND;
            }
        }
        if (!has(ALL_KEYS) && CommandKeys.mayHaveKeys(cmd)) {
            KeyResult keys = check.keys(cmd, argv, base, argc);
            for (int i = 0; i < keys.count(); i++) {
                int pos = keys.position(i);
                if (!keyAllowed(argv, base + pos, keys.flags(i))) {
                    check.position = pos;
                    return AclCheck.DENIED_KEY;
                }
            }
        }
        if (!has(ALL_CHANNELS)) {
            int channelKind = AclChannels.kind(cmd);
            if ((channelKind & (AclChannels.PUBLISH | AclChannels.SUBSCRIBE)) != 0) {
                int last = AclChannels.last(channelKind, argc);
                boolean patterns = (channelKind & AclChannels.PATTERN) != 0;
                for (int pos = 1; pos <= last; pos++) {
                    if (!channelAllowed(channels, argv.array(base + pos), argv.offset(base + pos),
                            argv.length(base + pos), patterns)) {
                        check.position = pos;
                        return AclCheck.DENIED_CHANNEL;
                    }
                }
            }
        }
        return AclCheck.OK;
    }

    private boolean firstArgAllowed(CommandSpec cmd, Argv argv, int base, int argc) {
        if (argc < 2 || firstArgs == null || firstArgs[cmd.id()] == null) {
            return false;
        }
        String given = argv.latin1(base + (cmd.parent != null ? 2 : 1));
        for (String a : firstArgs[cmd.id()]) {
            if (a.equalsIgnoreCase(given)) {
                return true;
            }
        }
        return false;
    }

    /** A key with the access its key spec says (read for ACCESS; write for INSERT, DELETE, UPDATE). */
    boolean keyAllowed(Argv argv, int i, long keySpecFlags) {
        if (has(ALL_KEYS)) {
            return true;
        }
        int needed = needed(keySpecFlags);
        for (KeyPattern p : keys) {
            if ((p.permissions & needed) != needed) {
                continue;
            }
            if (Glob.matches(p.bytes, 0, p.bytes.length, argv.array(i), argv.offset(i), argv.length(i), false)) {
                return true;
            }
        }
        return false;
    }

    private static int needed(long keySpecFlags) {
        int needed = 0;
        if ((keySpecFlags & KeyFlags.ACCESS) != 0) {
            needed |= READ;
        }
        if ((keySpecFlags & (KeyFlags.INSERT | KeyFlags.DELETE | KeyFlags.UPDATE)) != 0) {
            needed |= WRITE;
        }
        return needed;
    }

    /** Whether a pattern {@code *} grants every key the access {@code keySpecFlags} asks for. */
    boolean allKeysFor(long keySpecFlags) {
        if (has(ALL_KEYS)) {
            return true;
        }
        int needed = needed(keySpecFlags);
        for (KeyPattern p : keys) {
            if ((p.permissions & needed) == needed && p.text.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A channel against a list of channel patterns: a channel name matches them as globs, a
     * pattern (PSUBSCRIBE's) only one written exactly the same.
     */
    static boolean channelAllowed(List<ChannelPattern> patterns, byte[] a, int off, int len, boolean isPattern) {
        for (ChannelPattern p : patterns) {
            byte[] pb = p.bytes;
            if (isPattern ? Arrays.equals(pb, 0, pb.length, a, off, off + len)
                    : Glob.matches(pb, 0, pb.length, a, off, len, false)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ descriptions

    /** Keys, channels and commands, as a user line writes them (Redis's ACLDescribeSelector). */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (has(ALL_KEYS)) {
            b.append("~* ");
        } else {
            for (KeyPattern k : keys) {
                b.append(k.describe()).append(' ');
            }
        }
        if (has(ALL_CHANNELS)) {
            b.append("&* ");
        } else {
            b.append("resetchannels ");
            for (ChannelPattern ch : channels) {
                b.append('&').append(ch.text).append(' ');
            }
        }
        b.append(AclCommandRules.describe(this));
        return b.toString();
    }

    /** ACL GETUSER's "keys": the patterns, space-separated. */
    String describeKeys() {
        if (has(ALL_KEYS)) {
            return "~*";
        }
        List<String> out = new ArrayList<>();
        for (KeyPattern k : keys) {
            out.add(k.describe());
        }
        return String.join(" ", out);
    }

    /** ACL GETUSER's "channels". */
    String describeChannels() {
        if (has(ALL_CHANNELS)) {
            return "&*";
        }
        List<String> out = new ArrayList<>();
        for (ChannelPattern ch : channels) {
            out.add("&" + ch.text);
        }
        return String.join(" ", out);
    }
}
