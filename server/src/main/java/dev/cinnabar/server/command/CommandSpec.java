package dev.cinnabar.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One command's metadata, as Redis publishes it through COMMAND INFO and COMMAND DOCS, plus its
 * handler and call statistics. Container commands (CONFIG, CLIENT, OBJECT, ...) hold their
 * subcommands, each a CommandSpec of its own with the full name {@code container|sub}.
 */
public final class CommandSpec {
    /** Lowercase name; for a subcommand just the subcommand part, e.g. {@code get}. */
    public final String name;
    /** Lowercase name as Redis prints it in errors: {@code config|get} for a subcommand. */
    public final String fullName;
    final byte[] lowerName;
    /** Positive: exact argument count including the name; negative: at least that many. */
    public final int arity;
    public final long flags;
    public final long aclCategories;
    /** The legacy key range of COMMAND INFO. */
    public final int firstKey;
    public final int lastKey;
    public final int keyStep;
    public final List<String> tips;
    /** Key specs exactly as in the metadata file: begin_search, find_keys, flags, notes. */
    public final List<Map<String, Object>> keySpecs;
    /** Documentation for COMMAND DOCS: summary, since, group, complexity, arguments, ... */
    public final Map<String, Object> docs;
    public final CommandSpec parent;
    private final List<CommandSpec> subcommands = new ArrayList<>();
    private CommandLookup subcommandLookup;
    CommandHandler handler;

    /** Counters for INFO commandstats. */
    public long calls;
    public long microseconds;
    public long rejectedCalls;
    public long failedCalls;

    CommandSpec(String name, CommandSpec parent, int arity, long flags, long aclCategories,
                int firstKey, int lastKey, int keyStep, List<String> tips,
                List<Map<String, Object>> keySpecs, Map<String, Object> docs) {
        this.name = name;
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.lowerName = name.getBytes(StandardCharsets.US_ASCII);
        this.arity = arity;
        this.flags = flags;
        this.aclCategories = aclCategories;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.tips = tips;
        this.keySpecs = keySpecs;
        this.docs = docs;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public List<CommandSpec> subcommands() {
        return Collections.unmodifiableList(subcommands);
    }

    public CommandSpec subcommand(dev.cinnabar.protocol.Argv argv, int index) {
        return subcommandLookup == null ? null : subcommandLookup.find(argv, index);
    }

    public CommandHandler handler() {
        return handler;
    }

    /** Runs the handler; the dispatcher has checked arity and permissions already. */
    public void execute(dev.cinnabar.server.client.Client c) {
        handler.execute(c);
    }

    void addSubcommand(CommandSpec sub) {
        subcommands.add(sub);
        subcommandLookup = new CommandLookup(subcommands);
    }

    /** True when argument count {@code argc} (name included) satisfies the arity. */
    public boolean arityAccepts(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    @Override
    public String toString() {
        return fullName;
    }
}
