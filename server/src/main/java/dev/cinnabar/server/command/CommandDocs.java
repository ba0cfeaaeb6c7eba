package dev.cinnabar.server.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What COMMAND DOCS tells about one command, parsed once from the metadata. Optional fields are
 * null when Redis does not print them. Facts (since, group, flags, deprecation, the argument
 * tree) come from the reference server; summary, complexity and history notes are our words.
 */
public final class CommandDocs {
    /** The groups Redis 7.0 knows, as COMMAND DOCS prints them. */
    public static final Set<String> GROUPS = Set.of(
            "generic", "string", "list", "set", "sorted-set", "hash", "pubsub", "transactions",
            "connection", "server", "scripting", "hyperloglog", "cluster", "sentinel", "geo",
            "stream", "bitmap", "module");
    static final Set<String> DOC_FLAGS = Set.of("deprecated", "syscmd");
    private static final Set<String> FIELDS = Set.of(
            "summary", "since", "group", "complexity", "doc_flags", "deprecated_since",
            "replaced_by", "history", "arguments");

    static final CommandDocs NONE = new CommandDocs(null, null, "generic", null, null, null, null, null, null);

    public final String summary;
    public final String since;
    public final String group;
    public final String complexity;
    public final List<String> docFlags;
    public final String deprecatedSince;
    public final String replacedBy;
    /** Pairs of version and note. */
    public final List<List<String>> history;
    public final List<DocArgument> arguments;

    private CommandDocs(String summary, String since, String group, String complexity,
                        List<String> docFlags, String deprecatedSince, String replacedBy,
                        List<List<String>> history, List<DocArgument> arguments) {
        this.summary = summary;
        this.since = since;
        this.group = group;
        this.complexity = complexity;
        this.docFlags = docFlags;
        this.deprecatedSince = deprecatedSince;
        this.replacedBy = replacedBy;
        this.history = history;
        this.arguments = arguments;
    }

    @SuppressWarnings("unchecked")
    static CommandDocs parse(Map<String, Object> m) {
        for (String k : m.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new IllegalArgumentException("unexpected docs field '" + k + "'");
            }
        }
        String group = (String) m.get("group");
        if (group == null || !GROUPS.contains(group)) {
            throw new IllegalArgumentException("docs group must be a Redis group, not " + group);
        }
        List<String> docFlags = null;
        if (m.containsKey("doc_flags")) {
            docFlags = strings(m.get("doc_flags"), "doc_flags");
            for (String f : docFlags) {
                if (!DOC_FLAGS.contains(f)) {
                    throw new IllegalArgumentException("unknown doc flag " + f);
                }
            }
        }
        List<List<String>> history = null;
        if (m.containsKey("history")) {
            history = new ArrayList<>();
            for (Object h : (List<Object>) m.get("history")) {
                List<String> pair = strings(h, "history entry");
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("a history entry is [version, note]");
                }
                history.add(pair);
            }
            history = Collections.unmodifiableList(history);
        }
        List<DocArgument> arguments = m.containsKey("arguments")
                ? DocArgument.parseList(m.get("arguments")) : null;
        return new CommandDocs((String) m.get("summary"), (String) m.get("since"), group,
                (String) m.get("complexity"), docFlags, (String) m.get("deprecated_since"),
                (String) m.get("replaced_by"), history, arguments);
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(what + " must be a list of strings");
        }
        for (Object s : (List<Object>) o) {
            if (!(s instanceof String)) {
                throw new IllegalArgumentException(what + " must be a list of strings");
            }
        }
        return Collections.unmodifiableList((List<String>) o);
    }
}
