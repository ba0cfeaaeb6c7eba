package dev.cinnabar.server.command;

import dev.cinnabar.protocol.Argv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every command the server knows: metadata read from the JSON files under
 * {@code /commands/} (one per Redis command group, listed in {@code groups.txt}). The handlers
 * that command families bind by name are joined to it by the command handlers of the exec
 * package, which refuse a command without a handler and a handler without metadata.
 */
public final class CommandTable {
    private static final String RESOURCE_DIR = "/commands/";
    /** Parsed on first use, by {@link CommandSpec#docs()}. */
    private static final java.util.Set<String> DEFERRED = java.util.Set.of("docs");

    private final Map<String, CommandSpec> byFullName = new LinkedHashMap<>();
    private final List<CommandSpec> topLevel = new ArrayList<>();
    private CommandLookup lookup;
    /** The names commands answer to, once rename-command changed them; null until then. */
    private Map<String, CommandSpec> lookupNames;

    /**
     * Loads the metadata shipped with the server. The docs (COMMAND DOCS's texts and argument
     * trees, half of the files) are neither parsed nor kept: each command remembers where its
     * docs lie in its file, which is read again on the first {@link CommandSpec#docs()} that
     * needs it. Most servers never serve COMMAND DOCS, and the docs' text was 220 KB of an idle
     * server's 4 MB of live heap (bench/RESULTS.md, "The idle floor, cut again").
     */
    public static CommandTable load() {
        CommandTable t = new CommandTable();
        for (String file : readResource(RESOURCE_DIR + "groups.txt").split("\\s+")) {
            if (!file.isBlank()) {
                ResourceText source = new ResourceText(RESOURCE_DIR + file.trim());
                t.addAll(source.text(), file.trim(), source);
            }
        }
        t.lookup = new CommandLookup(t.topLevel);
        return t;
    }

    /**
     * A shipped file's text, read again when asked for. The last reading is kept until the
     * next collection, so that a COMMAND DOCS of every command reads each file once.
     */
    private static final class ResourceText implements Json.Source {
        private final String path;
        private java.lang.ref.WeakReference<String> last = new java.lang.ref.WeakReference<>(null);

        ResourceText(String path) {
            this.path = path;
        }

        @Override
        public synchronized String text() {
            String text = last.get();
            if (text == null) {
                text = readResource(path);
                last = new java.lang.ref.WeakReference<>(text);
            }
            return text;
        }
    }

    /**
     * Loads metadata from JSON text, docs included (the shipped files' docs are read on first
     * use; CommandTableTest reads them all); for tests.
     */
    public static CommandTable fromJson(String json) {
        CommandTable t = new CommandTable();
        t.addAll(json, "<test>", null);
        t.readAllDocs("<test>");
        t.lookup = new CommandLookup(t.topLevel);
        return t;
    }

    /**
     * Adds the commands described by {@code json} (an array of commands in the shipped files'
     * form) to this table; for commands that exist only in tests.
     */
    public void add(String json, String source) {
        addAll(json, source, null);
        readAllDocs(source);
        lookup = new CommandLookup(topLevel);
    }

    /** {@code text}: where the deferred docs are read from later; null to keep their text. */
    private void addAll(String json, String source, Json.Source text) {
        Object parsed = Json.parse(json, DEFERRED, text);
        if (!(parsed instanceof List)) {
            throw new IllegalArgumentException(source + ": expected a JSON array of commands");
        }
        for (Object o : (List<?>) parsed) {
            CommandSpec spec = build(asMap(o), null, source);
            if (byFullName.containsKey(spec.fullName)) {
                throw new IllegalArgumentException(source + ": command " + spec.name + " defined twice");
            }
            topLevel.add(spec);
            index(spec);
        }
    }

    private void readAllDocs(String source) {
        for (CommandSpec spec : byFullName.values()) {
            try {
                spec.docs();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": command " + e.getMessage(), e);
            }
        }
    }

    private void index(CommandSpec spec) {
        spec.id = byFullName.size();
        byFullName.put(spec.fullName, spec);
        for (CommandSpec sub : spec.subcommands()) {
            index(sub);
        }
    }

    @SuppressWarnings("unchecked")
    private static CommandSpec build(Map<String, Object> m, CommandSpec parent, String source) {
        String name = ((String) m.get("name")).toLowerCase(java.util.Locale.ROOT);
        try {
            List<KeySpec> keySpecs = new ArrayList<>();
            for (Object k : list(m, "key_specs")) {
                keySpecs.add(KeySpec.parse(asMap(k)));
            }
            CommandSpec spec = new CommandSpec(
                    name, parent,
                    num(m, "arity"),
                    CommandFlags.parse(list(m, "flags")),
                    AclCategories.parse(list(m, "acl_categories")),
                    num(m, "first_key"), num(m, "last_key"), num(m, "step"),
                    CommandDocs.strings(m.getOrDefault("tips", List.of()), "tips"),
                    Collections.unmodifiableList(keySpecs),
                    (Json.Raw) m.get("docs"));
            List<CommandSpec> subs = new ArrayList<>();
            for (Object sub : list(m, "subcommands")) {
                subs.add(build(asMap(sub), spec, source));
            }
            spec.setSubcommands(subs);
            return spec;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": command " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * rename-command: the command called {@code from} (any case) answers to {@code to} from now
     * on, or to nothing when {@code to} is empty. Its metadata keeps its own name, as in Redis.
     * Returns false when no command has that name.
     */
    public boolean rename(String from, String to) {
        if (lookupNames == null) {
            lookupNames = new LinkedHashMap<>();
            for (CommandSpec c : topLevel) {
                lookupNames.put(c.name, c);
            }
        }
        CommandSpec spec = lookupNames.remove(from.toLowerCase(java.util.Locale.ROOT));
        if (spec == null) {
            return false;
        }
        if (!to.isEmpty()) {
            lookupNames.put(to.toLowerCase(java.util.Locale.ROOT), spec);
        }
        lookup = new CommandLookup(lookupNames);
        return true;
    }

    /** The top-level command named by argument {@code index}, or null. Allocates nothing. */
    public CommandSpec lookup(Argv argv, int index) {
        return lookup.find(argv, index);
    }

    /**
     * By full name in any letter case, as COMMAND INFO and COMMAND DOCS take it: {@code get}, or
     * {@code config|get} for a subcommand; {@code config} is the container. Null when unknown.
     */
    public CommandSpec get(String fullName) {
        return byFullName.get(fullName.toLowerCase(java.util.Locale.ROOT));
    }

    public Collection<CommandSpec> topLevel() {
        return Collections.unmodifiableList(topLevel);
    }

    /** How many commands and subcommands there are: every {@link CommandSpec#id()} is below it. */
    public int size() {
        return byFullName.size();
    }

    /** CONFIG RESETSTAT: every command's calls, time, failures and latency histogram. */
    public void resetStats() {
        for (CommandSpec spec : byFullName.values()) {
            spec.calls = 0;
            spec.microseconds = 0;
            spec.failedCalls = 0;
            spec.rejectedCalls = 0;
            spec.latencyHistogram = null;
        }
    }

    /** Every command and subcommand. */
    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byFullName.values());
    }

    private static int num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long)) {
            throw new IllegalArgumentException("missing number '" + key + "'");
        }
        return ((Long) v).intValue();
    }

    private static List<?> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? List.of() : (List<?>) v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String readResource(String path) {
        try (InputStream in = CommandTable.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
