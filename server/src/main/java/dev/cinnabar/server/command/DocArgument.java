package dev.cinnabar.server.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One argument in COMMAND DOCS; {@code oneof} and {@code block} arguments nest others. */
public final class DocArgument {
    static final Set<String> TYPES = Set.of(
            "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block");
    static final Set<String> FLAGS = Set.of("optional", "multiple", "multiple_token");
    private static final Set<String> FIELDS = Set.of(
            "name", "type", "key_spec_index", "token", "summary", "since", "deprecated_since",
            "flags", "arguments");

    public final String name;
    public final String type;
    /** The key spec this key argument belongs to; -1 when it is not a key. */
    public final int keySpecIndex;
    public final String token;
    public final String summary;
    public final String since;
    public final String deprecatedSince;
    /** Empty when the argument has no flags. */
    public final List<String> flags;
    /** The nested arguments of a {@code oneof} or {@code block}; null for other types. */
    public final List<DocArgument> arguments;

    private DocArgument(String name, String type, int keySpecIndex, String token, String summary,
                        String since, String deprecatedSince, List<String> flags, List<DocArgument> arguments) {
        this.name = name;
        this.type = type;
        this.keySpecIndex = keySpecIndex;
        this.token = token;
        this.summary = summary;
        this.since = since;
        this.deprecatedSince = deprecatedSince;
        this.flags = flags;
        this.arguments = arguments;
    }

    /** True for the types whose entry carries nested arguments. */
    public boolean nests() {
        return type.equals("oneof") || type.equals("block");
    }

    @SuppressWarnings("unchecked")
    static List<DocArgument> parseList(Object o) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException("arguments must be a list");
        }
        List<DocArgument> out = new ArrayList<>();
        for (Object a : (List<Object>) o) {
            if (!(a instanceof Map)) {
                throw new IllegalArgumentException("an argument must be a map");
            }
            out.add(parse((Map<String, Object>) a));
        }
        return Collections.unmodifiableList(out);
    }

    private static DocArgument parse(Map<String, Object> m) {
        String name = (String) m.get("name");
        for (String k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new IllegalArgumentException("argument " + name + ": unexpected field '" + k + "'");
            }
        }
        String type = (String) m.get("type");
        if (name == null || type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("argument " + name + ": bad name or type " + type);
        }
        List<String> flags = List.of();
        if (m.containsKey("flags")) {
            flags = CommandDocs.strings(m.get("flags"), "argument flags");
            for (String f : flags) {
                if (!FLAGS.contains(f)) {
                    throw new IllegalArgumentException("argument " + name + ": unknown flag " + f);
                }
            }
        }
        int keySpecIndex = -1;
        if (m.containsKey("key_spec_index")) {
            keySpecIndex = ((Long) m.get("key_spec_index")).intValue();
        }
        boolean nests = type.equals("oneof") || type.equals("block");
        if (nests != m.containsKey("arguments")) {
            throw new IllegalArgumentException("argument " + name + ": only oneof and block nest arguments, and they always do");
        }
        List<DocArgument> nested = nests ? parseList(m.get("arguments")) : null;
        return new DocArgument(name, type, keySpecIndex, (String) m.get("token"), (String) m.get("summary"),
                (String) m.get("since"), (String) m.get("deprecated_since"), flags, nested);
    }
}
