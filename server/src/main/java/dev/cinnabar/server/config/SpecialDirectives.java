package dev.cinnabar.server.config;

import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;

/** The directives whose values are not a single number, word or string. */
final class SpecialDirectives {
    private SpecialDirectives() {
    }

    /**
     * {@code dir}: Redis changes its working directory; a JVM cannot, so the directory is kept
     * absolute and every relative path is resolved against it. Like chdir, a relative value is
     * taken from the current directory, and the directory must exist.
     */
    static final class Dir extends Directive {
        Dir() {
            super("dir", null, PROTECTED | DENY_LOADING);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length != 1) {
                throw new ConfigError("wrong number of arguments");
            }
            Path p;
            try {
                p = c.resolvePath(args[0]);
                if (args[0].isEmpty()) {
                    throw new NoSuchFileException(args[0]);
                }
                if (!Files.isDirectory(p)) {
                    throw Files.exists(p) ? new NotDirectoryException(args[0]) : new NoSuchFileException(args[0]);
                }
                p = p.toRealPath();
                if (!Files.isExecutable(p)) {
                    throw new AccessDeniedException(args[0]);
                }
            } catch (NoSuchFileException e) {
                throw new ConfigError("No such file or directory");
            } catch (NotDirectoryException e) {
                throw new ConfigError("Not a directory");
            } catch (AccessDeniedException e) {
                throw new ConfigError("Permission denied");
            } catch (IOException | RuntimeException e) {
                throw new ConfigError(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            c.dir = p.toString();
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            return c.dir;
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            state.rewriteLine(name, name + " " + Quoting.repr(c.dir), true);
        }
    }

    /**
     * {@code save}: pairs of seconds and changes, {@code ""} for none. While a file is read, the
     * first save line replaces the defaults and later ones add to them; CONFIG SET replaces. A
     * lone {@code ""} always clears what came before, in the file or on the command line, so
     * {@code --save ""} (and a bare {@code --save}) turns off the points a file set; a value that
     * splits into no words ({@code save " "}, a bare {@code save} line) changes nothing.
     */
    static final class Save extends Directive {
        Save() {
            super("save", null, MULTI_ARG);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            boolean clear = args.length == 1 && args[0].isEmpty();
            int argc = clear ? 0 : args.length;
            if ((argc & 1) != 0) {
                throw new ConfigError("Invalid save parameters");
            }
            long[] parsed = new long[argc];
            for (int j = 0; j < argc; j++) {
                Long v = strtoll(args[j]);
                if (v == null || ((j & 1) == 0 && v < 1) || ((j & 1) == 1 && v < 0)) {
                    throw new ConfigError("Invalid save parameters");
                }
                parsed[j] = (j & 1) == 0 ? v : (int) (long) v;
            }
            boolean inFile = ctx != null && ctx.readingFile;
            boolean firstInFile = inFile && !ctx.saveLoaded;
            if (firstInFile) {
                ctx.saveLoaded = true;
            }
            long[] base = clear || firstInFile || !inFile ? new long[0] : c.save;
            long[] next = Arrays.copyOf(base, base.length + argc);
            System.arraycopy(parsed, 0, next, base.length, argc);
            c.save = next;
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.save.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(c.save[i]);
            }
            return sb.toString();
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            if (c.save.length == 0) {
                state.rewriteLine(name, "save \"\"", true);
            } else {
                for (int i = 0; i + 1 < c.save.length; i += 2) {
                    state.rewriteLine(name, "save " + c.save[i] + " " + c.save[i + 1], true);
                }
            }
            state.markProcessed(name);
        }
    }

    /** C's strtoll in base 10 with "nothing may follow": blanks and a sign allowed in front. */
    static Long strtoll(String s) {
        int p = 0;
        while (p < s.length() && Quoting.isSpace(s.charAt(p))) {
            p++;
        }
        boolean negative = false;
        if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            negative = s.charAt(p) == '-';
            p++;
        }
        int start = p;
        long v = 0;
        boolean overflow = false;
        while (p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            int d = s.charAt(p) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                v = v * 10 + d;
            }
            p++;
        }
        if (p == start) {
            // Nothing converted: C points the end back at the start, so only "" passes.
            return s.isEmpty() ? 0L : null;
        }
        if (p != s.length()) {
            return null;
        }
        if (overflow) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return negative ? -v : v;
    }

    /** {@code client-output-buffer-limit}: groups of class, hard limit, soft limit, soft seconds. */
    static final class ClientOutputBufferLimit extends Directive {
        private static final long[][] DEFAULTS = new ServerConfig().clientOutputBufferLimits;

        ClientOutputBufferLimit() {
            super("client-output-buffer-limit", null, MULTI_ARG);
        }

        static int classOf(String name) {
            switch (lower(name)) {
                case "normal":
                    return ServerConfig.OBUF_NORMAL;
                case "slave":
                case "replica":
                    return ServerConfig.OBUF_REPLICA;
                case "pubsub":
                    return ServerConfig.OBUF_PUBSUB;
                default:
                    return -1;
            }
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length % 4 != 0) {
                throw new ConfigError("Wrong number of arguments in buffer limit configuration.");
            }
            long[][] next = new long[3][];
            for (int j = 0; j < args.length; j += 4) {
                int cls = classOf(args[j]);
                if (cls < 0) {
                    throw new ConfigError("Invalid client class specified in buffer limit configuration.");
                }
                Long hard = MemoryUnits.parse(args[j + 1]);
                Long soft = MemoryUnits.parse(args[j + 2]);
                Long seconds = strtoll(args[j + 3]);
                if (hard == null || soft == null || seconds == null || (int) (long) seconds < 0) {
                    throw new ConfigError("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
                }
                next[cls] = new long[] {hard, soft, (int) (long) seconds};
            }
            for (int i = 0; i < 3; i++) {
                if (next[i] != null) {
                    c.clientOutputBufferLimits[i] = next[i];
                }
            }
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            String[] names = {"normal", "slave", "pubsub"};
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                long[] l = c.clientOutputBufferLimits[i];
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(names[i]).append(' ').append(Long.toUnsignedString(l[0])).append(' ')
                        .append(Long.toUnsignedString(l[1])).append(' ').append(l[2]);
            }
            return sb.toString();
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            String[] names = {"normal", "replica", "pubsub"};
            for (int i = 0; i < 3; i++) {
                long[] l = c.clientOutputBufferLimits[i];
                boolean force = !Arrays.equals(l, DEFAULTS[i]);
                state.rewriteLine(name, name + " " + names[i] + " " + MemoryUnits.format(l[0]) + " "
                        + MemoryUnits.format(l[1]) + " " + l[2], force);
            }
        }
    }

    /** {@code oom-score-adj-values}: three scores for master, replica and background child. */
    static final class OomScoreAdjValues extends Directive {
        private static final int[] DEFAULTS = {0, 200, 800};

        OomScoreAdjValues() {
            super("oom-score-adj-values", null, MULTI_ARG);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length != 3) {
                throw new ConfigError("wrong number of arguments");
            }
            int[] v = new int[3];
            for (int i = 0; i < 3; i++) {
                Long n = strtoll(args[i]);
                if (n == null || n < -2000 || n > 2000) {
                    throw new ConfigError("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                }
                v[i] = (int) (long) n;
            }
            if (v[1] < v[0] || v[2] < v[1]) {
                ServerLog.warning("The oom-score-adj-values configuration may not work for non-privileged processes! "
                        + "Please consult the documentation.");
            }
            if (Arrays.equals(v, c.oomScoreAdjValues)) {
                return Result.UNCHANGED;
            }
            c.oomScoreAdjValues = v;
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            int[] v = c.oomScoreAdjValues;
            return v[0] + " " + v[1] + " " + v[2];
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            state.rewriteLine(name, name + " " + get(c), !Arrays.equals(c.oomScoreAdjValues, DEFAULTS));
        }
    }

    /** {@code notify-keyspace-events}: class letters, see {@link KeyspaceEvents}. */
    static final class NotifyKeyspaceEvents extends Directive {
        NotifyKeyspaceEvents() {
            super("notify-keyspace-events", null, 0);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length != 1) {
                throw new ConfigError("wrong number of arguments");
            }
            int flags = KeyspaceEvents.parse(args[0]);
            if (flags < 0) {
                throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
            c.notifyKeyspaceEvents = flags;
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            return KeyspaceEvents.format(c.notifyKeyspaceEvents);
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            state.rewriteLine(name, name + " " + Quoting.repr(get(c)), c.notifyKeyspaceEvents != 0);
        }
    }

    /** {@code bind}: up to 16 addresses, a leading '-' marking one optional; {@code ""} for none. */
    static final class Bind extends Directive {
        private static final String[] DEFAULT = {"*", "-::*"};

        Bind() {
            super("bind", null, MULTI_ARG);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length > 16) {
                throw new ConfigError("Too many bind addresses specified.");
            }
            c.bind = args.length == 1 && args[0].isEmpty() ? new String[0] : args.clone();
            return Result.CHANGED;
        }

        @Override
        public String get(ServerConfig c) {
            return String.join(" ", c.bind);
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            if (Arrays.equals(c.bind, DEFAULT)) {
                state.markProcessed(name);
                return;
            }
            String addresses = c.bind.length > 0 ? String.join(" ", c.bind) : "\"\"";
            state.rewriteLine(name, name + " " + addresses, true);
        }
    }

    /** {@code replicaof host port}, or {@code no one} for a master. */
    static final class ReplicaOf extends Directive {
        ReplicaOf() {
            super("replicaof", "slaveof", IMMUTABLE | MULTI_ARG);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            if (args.length != 2) {
                throw new ConfigError("wrong number of arguments");
            }
            c.masterHost = "";
            if (args[0].equalsIgnoreCase("no") && args[1].equalsIgnoreCase("one")) {
                return Result.CHANGED;
            }
            Long port = strtolPort(args[1]);
            if (port == null) {
                throw new ConfigError("Invalid master port");
            }
            c.masterPort = (int) (long) port;
            c.masterHost = args[0];
            return Result.CHANGED;
        }

        private static Long strtolPort(String s) {
            Long v = strtoll(s);
            return v == null || v < 0 || v > 65535 ? null : v;
        }

        @Override
        public String get(ServerConfig c) {
            return c.masterHost.isEmpty() ? "" : c.masterHost + " " + c.masterPort;
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            if (c.clusterEnabled || c.masterHost.isEmpty()) {
                state.markProcessed(name);
                return;
            }
            state.rewriteLine(name, name + " " + c.masterHost + " " + c.masterPort, true);
        }
    }

    /** {@code latency-tracking-info-percentiles}: percentiles between 0 and 100, {@code ""} for none. */
    static final class LatencyPercentiles extends Directive {
        LatencyPercentiles() {
            super("latency-tracking-info-percentiles", null, MULTI_ARG);
        }

        @Override
        public Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError {
            int n = args.length == 1 && args[0].isEmpty() ? 0 : args.length;
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
                Double d = DoubleText.parse(args[j]);
                if (d == null) {
                    c.latencyTrackingInfoPercentiles = new double[0];
                    throw new ConfigError("Invalid latency-tracking-info-percentiles parameters");
                }
                if (d > 100.0 || d < 0.0) {
                    c.latencyTrackingInfoPercentiles = new double[0];
                    throw new ConfigError("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
                }
                v[j] = d;
            }
            c.latencyTrackingInfoPercentiles = v;
            return Result.CHANGED;
        }

        /** printf's %f with trailing zeros and a trailing point removed. */
        static String format(double d) {
            String s = new BigDecimal(d).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
            if (s.indexOf('.') >= 0) {
                int end = s.length();
                while (s.charAt(end - 1) == '0') {
                    end--;
                }
                if (s.charAt(end - 1) == '.') {
                    end--;
                }
                s = s.substring(0, end);
            }
            return s;
        }

        @Override
        public String get(ServerConfig c) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.latencyTrackingInfoPercentiles.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(format(c.latencyTrackingInfoPercentiles[i]));
            }
            return sb.toString();
        }

        @Override
        public void rewrite(ServerConfig c, ConfigRewriter.State state) {
            String values = c.latencyTrackingInfoPercentiles.length == 0 ? "\"\"" : get(c);
            state.rewriteLine(name, name + " " + values, true);
        }
    }
}
