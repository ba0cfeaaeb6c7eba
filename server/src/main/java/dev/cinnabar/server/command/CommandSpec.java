package dev.cinnabar.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One command's metadata, as Redis publishes it through COMMAND INFO and COMMAND DOCS, plus its
 * call statistics; what runs it is bound to its {@link #id()} elsewhere, so metadata knows no
 * handlers. Container commands (CONFIG, CLIENT, OBJECT, ...) hold their
 * subcommands, each a CommandSpec of its own with the full name {@code container|sub}.
 */
public final class CommandSpec {
    /** Lowercase name; for a subcommand just the subcommand part, e.g. {@code get}. */
    public final String name;
    /** Lowercase name as Redis prints it in errors: {@code config|get} for a subcommand. */
    public final String fullName;
    final byte[] lowerName;
    private final byte[] fullNameBytes;
    /** Positive: exact argument count including the name; negative: at least that many. */
    public final int arity;
    public final long flags;
    public final long aclCategories;
    /** The legacy key range of COMMAND INFO. */
    public final int firstKey;
    public final int lastKey;
    public final int keyStep;
    public final List<String> tips;
    /** Where the keys are, parsed once; COMMAND INFO prints them and key extraction reads them. */
    public final List<KeySpec> keySpecs;
    /**
     * The docs' JSON until they are first asked for (for the shipped files, only where it lies
     * in its file): most starts never serve COMMAND DOCS, and the docs are half of the metadata.
     * Null once parsed, or for a command without docs.
     */
    private Json.Raw docsSource;
    private volatile CommandDocs docs;
    /** The command's own key finder where its specs are not enough (Redis's getkeys_proc). */
    final KeyFinder keyFinder;
    /** Some key spec names real keys, not shard channels. */
    final boolean hasRealKeySpec;
    /** Some key spec has flags that depend on the arguments. */
    final boolean hasVariableFlags;
    /** COMMAND INFO and COMMAND DOCS replies, encoded on first use, for RESP2 and RESP3. */
    byte[] info2;
    byte[] info3;
    byte[] docs2;
    byte[] docs3;
    public final CommandSpec parent;
    private final List<CommandSpec> subcommands = new ArrayList<>();
    private CommandLookup subcommandLookup;
    /** Position in the table: handlers and other per-command data are kept in arrays by it. */
    int id = -1;

    /** Counters for INFO commandstats. */
    public long calls;
    public long microseconds;
    public long rejectedCalls;
    public long failedCalls;
    /** Latencies of the calls since the last CONFIG RESETSTAT; created on the first call. */
    public dev.cinnabar.server.stats.LatencyHistogram latencyHistogram;

    CommandSpec(String name, CommandSpec parent, int arity, long flags, long aclCategories,
                int firstKey, int lastKey, int keyStep, List<String> tips,
                List<KeySpec> keySpecs, Json.Raw docsSource) {
        this.name = name;
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.lowerName = name.getBytes(StandardCharsets.US_ASCII);
        this.fullNameBytes = fullName.getBytes(StandardCharsets.US_ASCII);
        this.arity = arity;
        this.flags = flags;
        this.aclCategories = aclCategories;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.tips = tips;
        this.keySpecs = keySpecs;
        this.docsSource = docsSource;
        this.docs = docsSource == null ? CommandDocs.NONE : null;
        this.keyFinder = NativeKeyFinders.forCommand(fullName);
        boolean real = false;
        boolean variable = false;
        for (KeySpec k : keySpecs) {
            real |= !k.has(KeyFlags.NOT_KEY);
            variable |= k.has(KeyFlags.VARIABLE_FLAGS);
        }
        this.hasRealKeySpec = real;
        this.hasVariableFlags = variable;
    }

    /** Documentation for COMMAND DOCS: summary, since, group, complexity, arguments, ... */
    @SuppressWarnings("unchecked")
    public CommandDocs docs() {
        CommandDocs d = docs;
        if (d == null) {
            synchronized (this) {
                d = docs;
                if (d == null) {
                    Object parsed = docsSource.parse();
                    if (!(parsed instanceof java.util.Map)) {
                        throw new IllegalArgumentException(fullName + ": docs must be a JSON object");
                    }
                    try {
                        d = CommandDocs.parse((java.util.Map<String, Object>) parsed);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(fullName + ": " + e.getMessage(), e);
                    }
                    docs = d;
                    docsSource = null;
                }
            }
        }
        return d;
    }

    /** {@link #fullName} as bytes; callers must not change them. */
    public byte[] fullNameBytes() {
        return fullNameBytes;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    /**
     * True when the command runs a handler of its own: every plain command, and a container
     * that may be called without a subcommand (COMMAND, whose arity is -1).
     */
    public boolean needsHandler() {
        return !isContainer() || arityAccepts(1);
    }

    public List<CommandSpec> subcommands() {
        return Collections.unmodifiableList(subcommands);
    }

    public CommandSpec subcommand(dev.cinnabar.protocol.Argv argv, int index) {
        return subcommandLookup == null ? null : subcommandLookup.find(argv, index);
    }

    /** This command's position among all commands and subcommands of its table, from 0. */
    public int id() {
        return id;
    }

    /** Sets the subcommands, once, with their lookup built over all of them. */
    void setSubcommands(List<CommandSpec> subs) {
        if (!subcommands.isEmpty()) {
            throw new IllegalStateException(fullName + ": subcommands set twice");
        }
        subcommands.addAll(subs);
        subcommandLookup = subs.isEmpty() ? null : new CommandLookup(subcommands);
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
