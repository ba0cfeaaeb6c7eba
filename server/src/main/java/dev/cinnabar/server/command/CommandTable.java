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
 * {@code /commands/} (one per Redis command group, listed in {@code groups.txt}) joined with the
 * handlers that command families bind by name. A command without a handler, or a handler without
 * metadata, fails the start: the table and the code cannot drift apart.
 */
public final class CommandTable {
    private static final String RESOURCE_DIR = "/commands/";

    private final Map<String, CommandSpec> byFullName = new LinkedHashMap<>();
    private final List<CommandSpec> topLevel = new ArrayList<>();
    private CommandLookup lookup;
    /** The names commands answer to, once rename-command changed them; null until then. */
    private Map<String, CommandSpec> lookupNames;

    /** Loads the metadata shipped with the server. */
    public static CommandTable load() {
        CommandTable t = new CommandTable();
        for (String file : readResource(RESOURCE_DIR + "groups.txt").split("\\s+")) {
            if (!file.isBlank()) {
                t.addAll(readResource(RESOURCE_DIR + file.trim()), file.trim());
            }
        }
        t.lookup = new CommandLookup(t.topLevel);
        return t;
    }

    /** Loads metadata from JSON text; for tests. */
    public static CommandTable fromJson(String json) {
        CommandTable t = new CommandTable();
        t.addAll(json, "<test>");
        t.lookup = new CommandLookup(t.topLevel);
        return t;
    }

    private void addAll(String json, String source) {
        Object parsed = Json.parse(json);
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

    private void index(CommandSpec spec) {
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
                    m.containsKey("docs") ? CommandDocs.parse(asMap(m.get("docs"))) : CommandDocs.NONE);
            for (Object sub : list(m, "subcommands")) {
                spec.addSubcommand(build(asMap(sub), spec, source));
            }
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

    /** Binds a handler to a command by full name ({@code get}, {@code config|get}). */
    public void bind(String fullName, CommandHandler handler) {
        CommandSpec spec = byFullName.get(fullName);
        if (spec == null) {
            throw new IllegalStateException("handler for " + fullName + " has no command metadata");
        }
        if (spec.handler != null) {
            throw new IllegalStateException("two handlers for " + fullName);
        }
        if (!spec.needsHandler()) {
            throw new IllegalStateException(fullName + " is a container; bind its subcommands");
        }
        spec.handler = handler;
    }

    /** Commands whose metadata has no handler bound; empty once every family registered. */
    public List<String> unbound() {
        List<String> missing = new ArrayList<>();
        for (CommandSpec s : byFullName.values()) {
            if (s.needsHandler() && s.handler == null) {
                missing.add(s.fullName);
            }
        }
        return missing;
    }

    public void requireComplete() {
        List<String> missing = unbound();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("commands without a handler: " + missing);
        }
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
