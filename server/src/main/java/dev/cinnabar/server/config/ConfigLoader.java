package dev.cinnabar.server.config;

import dev.cinnabar.server.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads redis.conf text into a {@link ServerConfig} with Redis's rules: one directive per line,
 * {@code #} comments, quoting as {@link Quoting#splitArgs}, {@code include} of files and globs,
 * repeated directives, and the first bad line stopping everything with its line number.
 */
public final class ConfigLoader {
    private final ServerConfig config;
    private final Supplier<Set<String>> commandNames;
    private final Directive.LoadContext ctx = new Directive.LoadContext();
    private final Set<String> seen = new LinkedHashSet<>();
    private final List<String> moduleConfigs = new ArrayList<>();
    private Set<String> liveCommandNames;
    private boolean checkLogFile = true;
    /** Checks a user line's words given the names declared before it: null, or the error. */
    private java.util.function.BiFunction<List<String>, List<String>, String> userLineCheck = (line, before) -> null;
    private final List<String> userNames = new ArrayList<>();

    /**
     * @param commandNames the server's command names, asked for only when a rename-command line
     *     needs them (loading the command table costs start-up time)
     */
    public ConfigLoader(ServerConfig config, Supplier<Set<String>> commandNames) {
        this.config = config;
        this.commandNames = commandNames;
    }

    /**
     * Skips opening the log file after reading, the one side effect of loading; for reading a
     * configuration only to look at it.
     */
    ConfigLoader withoutLogFileCheck() {
        checkLogFile = false;
        return this;
    }

    /**
     * Checks each {@code user} line as it is read, as Redis's config reader does: a refused
     * line is a config file error.
     */
    public ConfigLoader checkingUserLines(java.util.function.BiFunction<List<String>, List<String>, String> check) {
        this.userLineCheck = check;
        return this;
    }

    /** The primary names of the directives the configuration set, in order of first appearance. */
    public Set<String> seen() {
        return seen;
    }

    /** Module configuration lines ({@code module.name value}); no module can load them. */
    public List<String> moduleConfigs() {
        return moduleConfigs;
    }

    /** Loads a whole configuration: the text made of the file, standard input and options. */
    public void load(String text) throws FatalError, UnreadableFile {
        loadString(text);
    }

    /** Reads one config file (or each file a glob names, in order) and loads its text. */
    public void loadFile(String name) throws FatalError, UnreadableFile {
        StringBuilder text = new StringBuilder();
        if (IncludeFiles.isPattern(name)) {
            for (Path p : IncludeFiles.expand(name, config)) {
                text.append(read(p, p.toString()));
            }
        } else {
            text.append(read(config.resolvePath(name), name));
        }
        loadString(text.toString());
    }

    /** The main config file's text; errors name it as given, which is absolute. */
    public static String readFile(String absolutePath) throws UnreadableFile {
        return read(Path.of(absolutePath), absolutePath);
    }

    /** The bytes of a file as one char per byte; a directory reads as empty, as fgets finds it. */
    static String read(Path p, String shownName) throws UnreadableFile {
        try {
            if (Files.isDirectory(p)) {
                return "";
            }
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new UnreadableFile(shownName, "No such file or directory");
        } catch (AccessDeniedException e) {
            throw new UnreadableFile(shownName, "Permission denied");
        } catch (IOException e) {
            throw new UnreadableFile(shownName, e.getMessage());
        }
    }

    private void loadString(String text) throws FatalError, UnreadableFile {
        ctx.readingFile = true;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = Quoting.trimLine(lines[i]);
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            try {
                loadLine(line);
            } catch (ConfigError e) {
                throw new FatalError(i + 1, line, e.getMessage());
            }
        }
        checkLogFile();
        if (config.clusterEnabled && !config.masterHost.isEmpty()) {
            throw new FatalError("replicaof directive not allowed in cluster mode");
        }
        // Redis clears this at the end of every file it reads, included ones too, so save lines
        // after an include replace each other instead of adding up.
        ctx.readingFile = false;
    }

    private void loadLine(String line) throws ConfigError, FatalError, UnreadableFile {
        List<String> argv = Quoting.splitArgs(line);
        if (argv == null) {
            throw new ConfigError("Unbalanced quotes in configuration line");
        }
        if (argv.isEmpty()) {
            return;
        }
        String name = argv.get(0).toLowerCase(Locale.ROOT);
        int argc = argv.size();
        Directive d = Directives.lookup(name);
        if (d != null) {
            if (!d.has(Directive.MULTI_ARG) && argc != 2) {
                throw new ConfigError("wrong number of arguments");
            }
            String[] args = argv.subList(1, argc).toArray(new String[0]);
            if (d.has(Directive.MULTI_ARG) && argc == 2 && !args[0].isEmpty()) {
                // One quoted value holds them all, as in --save "900 1 300 10"; unbalanced
                // quotes inside it leave no arguments at all.
                List<String> split = Quoting.splitArgs(args[0]);
                args = split == null ? new String[0] : split.toArray(new String[0]);
            }
            d.set(config, args, ctx);
            seen.add(d.name());
            return;
        }
        if (isDeprecated(name) && argc == 2) {
            return;
        }
        if (name.equals("include") && argc == 2) {
            loadFile(argv.get(1));
        } else if (name.equals("rename-command") && argc == 3) {
            renameCommand(argv.get(1), argv.get(2));
        } else if (name.equals("user") && argc >= 2) {
            List<String> words = new ArrayList<>(argv.subList(1, argc));
            String error = userLineCheck.apply(words, userNames);
            if (error != null) {
                throw new ConfigError(error);
            }
            userNames.add(words.get(0));
            config.users.add(words);
            seen.add("user");
        } else if (name.equals("loadmodule") && argc >= 2) {
            config.modules.add(new ArrayList<>(argv.subList(1, argc)));
        } else if (name.indexOf('.') >= 0) {
            if (argc < 2) {
                throw new ConfigError("Module config specified without value");
            }
            moduleConfigs.add(argv.get(0));
        } else if (name.equals("sentinel")) {
            if (argc != 1) {
                throw new ConfigError("sentinel directive while not in sentinel mode");
            }
        } else {
            throw new ConfigError("Bad directive or wrong number of arguments");
        }
    }

    /** Directives Redis 7.0 no longer has but still reads without complaint. */
    private static boolean isDeprecated(String name) {
        return name.equals("list-max-ziplist-entries") || name.equals("list-max-ziplist-value")
                || name.equals("lua-replicate-commands");
    }

    private void renameCommand(String from, String to) throws ConfigError {
        if (liveCommandNames == null) {
            liveCommandNames = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            liveCommandNames.addAll(commandNames.get());
        }
        if (!liveCommandNames.contains(from)) {
            throw new ConfigError("No such command in rename-command");
        }
        liveCommandNames.remove(from);
        if (!to.isEmpty()) {
            if (liveCommandNames.contains(to)) {
                throw new ConfigError("Target command name already exists");
            }
            liveCommandNames.add(to);
        }
        config.renamedCommands.add(new String[] {from, to});
    }

    /** Redis opens the log file once while loading, because it could not stop later. */
    private void checkLogFile() throws FatalError {
        if (!checkLogFile || config.logFile.isEmpty()) {
            return;
        }
        Path p = config.resolvePath(config.logFile);
        try {
            Files.newOutputStream(p, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND,
                    java.nio.file.StandardOpenOption.WRITE).close();
        } catch (NoSuchFileException e) {
            throw new FatalError("Can't open the log file: No such file or directory");
        } catch (AccessDeniedException e) {
            throw new FatalError("Can't open the log file: Permission denied");
        } catch (IOException e) {
            String m = e.getMessage();
            throw new FatalError("Can't open the log file: " + (m != null && m.endsWith("Is a directory")
                    ? "Is a directory" : m));
        }
    }

    /** A bad configuration: Redis prints it under a banner on standard error and exits with 1. */
    public static final class FatalError extends Exception {
        private final int lineNumber;
        private final String line;
        private final String reason;

        FatalError(int lineNumber, String line, String reason) {
            super(reason, null, false, false);
            this.lineNumber = lineNumber;
            this.line = line;
            this.reason = reason;
        }

        FatalError(String reason) {
            this(0, null, reason);
        }

        public int lineNumber() {
            return lineNumber;
        }

        public String reason() {
            return reason;
        }

        /** The text for standard error, byte for byte Redis's. */
        public byte[] render() {
            StringBuilder sb = new StringBuilder();
            sb.append("\n*** FATAL CONFIG FILE ERROR (Redis ").append(Version.REDIS).append(") ***\n");
            if (line != null) {
                sb.append("Reading the configuration file, at line ").append(lineNumber).append('\n');
                sb.append(">>> '").append(line).append("'\n");
            }
            sb.append(reason).append('\n');
            return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** A config file that cannot be read: Redis logs it as a warning and exits with 1. */
    public static final class UnreadableFile extends Exception {
        UnreadableFile(String name, String reason) {
            super("Fatal error, can't open config file '" + name + "': " + reason, null, false, false);
        }
    }
}
