package dev.cinnabar.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One scenario of the propagation corpus ({@code src/test/resources/propagation/*.txt}): commands
 * run in order on one fresh connection (RESP2, db 0) after FLUSHALL, whose propagated stream is
 * compared between Redis and Cinnabar. A file holds several scenarios:
 * <pre>
 * # a comment
 * == scenario-name
 * !debug set-active-expire 0
 * SET k v PX 50
 * !sleep 120
 * GET k
 * </pre>
 * Command lines are quoted like redis-cli input ({@link Corpus}'s parser). Directives:
 * <ul>
 *   <li>{@code !sleep MS}: let MS milliseconds pass (for TTLs to run out);</li>
 *   <li>{@code !config NAME VALUE [NAME VALUE ...]}: CONFIG SET for this scenario only; the
 *       runner restores the previous values afterwards;</li>
 *   <li>{@code !debug ARGS...}: DEBUG ARGS, e.g. {@code !debug set-active-expire 0} (turned
 *       back on after the scenario);</li>
 *   <li>{@code !block CMD ARGS...}: sends a blocking command (BLPOP k 0) on a connection of its
 *       own (db 0), which must block; the runner goes on once the server counts it as blocked.
 *       Its replies, when it is served, are not read;</li>
 *   <li>{@code !any-order}: the stream's commands may come in any order (active expiry of
 *       several keys of one db follows the hash table); compared as multisets.</li>
 * </ul>
 * Directives are steps in the scenario's order, except {@code !any-order}, which is an option of
 * the whole scenario. Absolute times written in a scenario must be far from the present (such as
 * 1 or 4102444800), so that {@link PropagationDiff} compares them exactly.
 */
public final class PropagationScenario {
    public enum Kind { COMMAND, SLEEP, CONFIG, DEBUG, BLOCK }

    /** One line of a scenario. */
    public static final class Step {
        public final Kind kind;
        /** The command's arguments; CONFIG: name, value pairs; DEBUG: what follows DEBUG. */
        public final List<byte[]> args;
        public final long sleepMillis;
        public final int line;
        public final String text;

        Step(Kind kind, List<byte[]> args, long sleepMillis, int line, String text) {
            this.kind = kind;
            this.args = args;
            this.sleepMillis = sleepMillis;
            this.line = line;
            this.text = text;
        }

        /** CONFIG steps: the directive names, in order. */
        public List<String> configNames() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < args.size(); i += 2) {
                names.add(new String(args.get(i), StandardCharsets.UTF_8));
            }
            return names;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public final String name;
    /** The file name (or the name given to {@link #of}). */
    public final String source;
    public final int line;
    public final boolean anyOrder;
    public final List<Step> steps;

    private PropagationScenario(String name, String source, int line, boolean anyOrder, List<Step> steps) {
        this.name = name;
        this.source = source;
        this.line = line;
        this.anyOrder = anyOrder;
        this.steps = Collections.unmodifiableList(steps);
    }

    /** Where the scenario starts, as {@code file.txt:12}. */
    public String where() {
        return source + ":" + line;
    }

    /** The scenario's lines, one per line, for failure messages. */
    public String text() {
        return steps.stream().map(s -> "  " + s.text).collect(Collectors.joining("\n"));
    }

    /** The commands (those a {@code !block} sends included, no other directive), in order. */
    public List<List<byte[]>> commands() {
        return steps.stream().filter(s -> s.kind == Kind.COMMAND || s.kind == Kind.BLOCK).map(s -> s.args).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return name + " (" + where() + ")";
    }

    /** Every scenario of every {@code .txt} file in {@code dir}, files sorted; names must be unique. */
    public static List<PropagationScenario> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
        }
        List<PropagationScenario> all = new ArrayList<>();
        Map<String, PropagationScenario> byName = new HashMap<>();
        for (Path f : files) {
            for (PropagationScenario s : parse(f)) {
                PropagationScenario before = byName.put(s.name, s);
                if (before != null) {
                    throw new IllegalArgumentException("scenario " + s.name + " at " + s.where() + " also at " + before.where());
                }
                all.add(s);
            }
        }
        return all;
    }

    public static List<PropagationScenario> parse(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** One scenario from its lines (commands and directives, no {@code ==} header), for tests. */
    public static PropagationScenario of(String name, String... lines) {
        List<String> all = new ArrayList<>();
        all.add("== " + name);
        all.addAll(List.of(lines));
        return parse("(inline)", all).get(0);
    }

    /** The scenarios of a file's lines; {@code file} names it in messages. */
    public static List<PropagationScenario> parse(String file, List<String> lines) {
        List<PropagationScenario> out = new ArrayList<>();
        String name = null;
        int nameLine = 0;
        boolean anyOrder = false;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).strip();
            int n = i + 1;
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            if (raw.startsWith("==")) {
                if (name != null) {
                    out.add(finish(file, name, nameLine, anyOrder, steps));
                }
                name = raw.substring(2).strip();
                if (name.isEmpty() || name.contains(" ")) {
                    throw new IllegalArgumentException(file + ":" + n + ": a scenario name is one word: " + raw);
                }
                nameLine = n;
                anyOrder = false;
                steps = new ArrayList<>();
                continue;
            }
            if (name == null) {
                throw new IllegalArgumentException(file + ":" + n + ": a line before the first '== name': " + raw);
            }
            if (raw.startsWith("!")) {
                int sp = raw.indexOf(' ');
                String directive = sp < 0 ? raw.substring(1) : raw.substring(1, sp);
                String rest = sp < 0 ? "" : raw.substring(sp + 1).strip();
                List<byte[]> args = Corpus.split(rest);
                if (args == null) {
                    throw new IllegalArgumentException(file + ":" + n + ": cannot parse: " + raw);
                }
                switch (directive) {
                    case "sleep":
                        steps.add(new Step(Kind.SLEEP, List.of(), Long.parseLong(rest), n, raw));
                        break;
                    case "config":
                        if (args.isEmpty() || args.size() % 2 != 0) {
                            throw new IllegalArgumentException(file + ":" + n + ": !config takes name value pairs: " + raw);
                        }
                        steps.add(new Step(Kind.CONFIG, args, 0, n, raw));
                        break;
                    case "debug":
                        if (args.isEmpty()) {
                            throw new IllegalArgumentException(file + ":" + n + ": !debug needs a subcommand: " + raw);
                        }
                        steps.add(new Step(Kind.DEBUG, args, 0, n, raw));
                        break;
                    case "block":
                        if (args.isEmpty()) {
                            throw new IllegalArgumentException(file + ":" + n + ": !block needs a command: " + raw);
                        }
                        steps.add(new Step(Kind.BLOCK, args, 0, n, raw));
                        break;
                    case "any-order":
                        anyOrder = true;
                        break;
                    default:
                        throw new IllegalArgumentException(file + ":" + n + ": unknown directive " + directive);
                }
                continue;
            }
            List<byte[]> args = Corpus.split(raw);
            if (args == null || args.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + n + ": cannot parse: " + raw);
            }
            steps.add(new Step(Kind.COMMAND, args, 0, n, raw));
        }
        if (name != null) {
            out.add(finish(file, name, nameLine, anyOrder, steps));
        }
        return out;
    }

    private static PropagationScenario finish(String file, String name, int line, boolean anyOrder, List<Step> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + line + ": scenario " + name + " has no steps");
        }
        return new PropagationScenario(name, file, line, anyOrder, steps);
    }
}
