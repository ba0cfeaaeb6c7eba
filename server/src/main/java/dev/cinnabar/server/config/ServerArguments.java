package dev.cinnabar.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line as redis-server reads it: {@code [configfile | -] [--directive value ...]}.
 * Options become config lines appended after the file (and standard input), so the last word
 * wins: {@code --port 7000} is the line {@code port "7000"}, {@code --save 900 1 300 10} one save
 * line, and a {@code --save} with no value means {@code save ""}.
 */
public final class ServerArguments {
    /** The config file as an absolute path, or null. */
    public final String configFile;
    /** A lone {@code -} first or last: read configuration from standard input too. */
    public final boolean fromStdin;
    /** The options as config text, to append after the file's content. */
    public final String options;
    /** Redis says "no config file specified" only when it got no argument at all. */
    public final boolean noArguments;

    private ServerArguments(String configFile, boolean fromStdin, String options, boolean noArguments) {
        this.configFile = configFile;
        this.fromStdin = fromStdin;
        this.options = options;
        this.noArguments = noArguments;
    }

    public static ServerArguments parse(String[] args, String workingDir) {
        if (args.length == 0) {
            return new ServerArguments(null, false, "", true);
        }
        // Indices follow C's argv, where argv[0] is the program: args[j - 1] is argv[j].
        int argc = args.length + 1;
        int j = 1;
        String configFile = null;
        if (!args[0].startsWith("-")) {
            configFile = absolutePath(args[0], workingDir);
            j = 2;
        }
        boolean stdin = false;
        StringBuilder options = new StringBuilder();
        boolean handledLastArg = true;
        for (; j < argc; j++) {
            String a = args[j - 1];
            if (a.equals("-") && (j == 1 || j == argc - 1)) {
                stdin = true;
            } else if (handledLastArg && a.startsWith("--")) {
                if (options.length() > 0) {
                    options.append('\n');
                }
                options.append(a, 2, a.length()).append(' ');
                List<String> words = Quoting.splitArgs(a);
                if (words != null && words.size() == 1) {
                    // Only a name: its value is in the next arguments.
                    handledLastArg = false;
                    boolean nextIsOption = j != argc - 1 && args[j].startsWith("--");
                    if (a.equalsIgnoreCase("--save") && (nextIsOption || j == argc - 1)) {
                        // "--save" without a value (say, from an empty list) means "save nothing".
                        options.append("\"\"");
                        handledLastArg = nextIsOption;
                    } else if (a.equalsIgnoreCase("--sentinel") && nextIsOption) {
                        handledLastArg = true;
                    }
                } else {
                    // Name and value in one argument, like "--port 6380".
                    handledLastArg = true;
                }
            } else {
                options.append(Quoting.repr(a)).append(' ');
                handledLastArg = true;
            }
        }
        return new ServerArguments(configFile, stdin, options.toString(), false);
    }

    /** Redis's getAbsolutePath: relative to the working directory, with leading "../" resolved. */
    static String absolutePath(String name, String workingDir) {
        String rel = Quoting.trimLine(name);
        if (rel.startsWith("/")) {
            return rel;
        }
        String dir = workingDir.endsWith("/") && workingDir.length() > 1
                ? workingDir.substring(0, workingDir.length() - 1) : workingDir;
        while (rel.startsWith("../")) {
            rel = rel.substring(3);
            int slash = dir.lastIndexOf('/');
            if (slash > 0) {
                dir = dir.substring(0, slash);
            } else {
                dir = "";
            }
        }
        return dir + "/" + rel;
    }

    /**
     * The configuration text Redis builds: the file's content, then standard input's, then a line
     * break and the options. Line numbers in errors count over this whole text.
     */
    public String configText(String fileContent, String stdinContent) {
        StringBuilder sb = new StringBuilder();
        if (fileContent != null) {
            sb.append(fileContent);
        }
        if (stdinContent != null) {
            sb.append(stdinContent);
        }
        sb.append('\n').append(options);
        return sb.toString();
    }

    /** The working directory of this process. */
    public static String workingDir() {
        return Path.of("").toAbsolutePath().toString();
    }
}
