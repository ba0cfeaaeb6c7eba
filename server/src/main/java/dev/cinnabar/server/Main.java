package dev.cinnabar.server;

import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.commands.CommandFamilies;
import dev.cinnabar.server.acl.Acl;
import dev.cinnabar.server.config.ConfigLoader;
import dev.cinnabar.server.config.Directives;
import dev.cinnabar.server.config.MaxMemoryWarnings;
import dev.cinnabar.server.config.OpenFilesLimit;
import dev.cinnabar.server.config.ServerArguments;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.exec.CommandHandlers;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.net.NettyDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * {@code java -jar cinnabar-server.jar [configfile | -] [--directive value ...]}: the same
 * command line as redis-server, with the same start-up log and the same exits (status 1 and the
 * reason for a bad configuration or a port that cannot be bound).
 */
public final class Main {
    private static volatile CinnabarServer running;

    private Main() {
    }

    public static void main(String[] args) {
        // Before any Netty class loads: its allocator and diagnostics read these once.
        NettyDefaults.apply(System.getProperties());
        if (args.length > 0 && isHelpOrVersion(args[0])) {
            System.exit(new CommandLine(new CommandLineHelp()).execute(args[0]));
        }
        warmUpInBackground();
        // Parsing the command metadata and linking the handlers is the largest part of a start;
        // it needs nothing from the configuration, so it runs beside the config loading.
        CompletableFuture<CommandHandlers> commands = CompletableFuture.supplyAsync(CommandFamilies::newHandlers,
                r -> daemon(r, "cinnabar-commands").start());
        for (String a : args) {
            if (a.equalsIgnoreCase("--sentinel")) {
                ServerLog.warning("Sentinel mode is not supported by Cinnabar, exiting.");
                System.exit(1);
            }
        }
        ServerConfig config = new ServerConfig();
        ServerArguments cli = ServerArguments.parse(args, ServerArguments.workingDir());
        Set<String> seen = load(config, cli, commands);
        ServerLog.level(ServerLog.Level.parse(config.logLevel));
        ServerLog.file(config.logFile.isEmpty() ? null : config.resolvePath(config.logFile));
        if (config.syslogEnabled) {
            ServerLog.syslog(new dev.cinnabar.server.log.Syslog(config.syslogIdent, config.syslogFacility,
                    dev.cinnabar.server.log.Syslog.DEV_LOG));
        }

        ServerLog.warning("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
        ServerLog.warning("Cinnabar version=" + Version.CINNABAR + ", redis_version=" + Version.REDIS
                + ", bits=64, java=" + System.getProperty("java.version") + ", pid=" + ServerLog.pid()
                + ", just started");
        if (cli.noArguments) {
            ServerLog.warning("Warning: no config file specified, using the default config. In order to specify a "
                    + "config file use java -jar cinnabar-server.jar /path/to/cinnabar.conf");
        } else {
            ServerLog.warning("Configuration loaded");
        }
        warnAboutUnsupported(config, seen);
        if (!OpenFilesLimit.adjustAtStartup(config)) {
            System.exit(1);
        }
        // Before listening: a signal that comes as soon as the port answers must find them.
        ShutdownSignals.install();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            CinnabarServer s = running;
            if (s != null) {
                s.shutdown();
            }
        }, "cinnabar-shutdown"));
        // Before the port answers, as Redis before its event loop starts; a failure is only logged.
        dev.cinnabar.server.config.OomScoreAdj.apply(config);
        try {
            // Known to the shutdown hook and the signals before the load, which a signal then stops.
            CinnabarServer.start(config, commands.join(), s -> {
                running = s;
                ShutdownSignals.started(s);
            });
        } catch (IOException e) {
            System.exit(1);
        }
        // Where Redis checks maxmemory: once the server is up.
        for (String warning : MaxMemoryWarnings.check(config.maxMemory, Runtime.getRuntime().maxMemory())) {
            ServerLog.warning(warning);
        }
    }

    /**
     * Loads the network layer's classes and native library on the second core while this one
     * reads the configuration and builds the engine: they are a good part of the start-up time.
     */
    private static void warmUpInBackground() {
        daemon(() -> {
            try {
                io.netty.channel.epoll.Epoll.isAvailable();
                Class.forName("io.netty.bootstrap.ServerBootstrap");
                Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup");
                Class.forName("io.netty.buffer.PooledByteBufAllocator").getField("DEFAULT").get(null);
                // The JVM's memory figures (INFO memory, the cron's samples): slow to load the first time.
                dev.cinnabar.server.memory.ProcessMemory.warmUp();
                // INFO's sections and the unpooled buffers its reply goes out in: the first INFO,
                // which a supervisor or a test harness sends early, loaded them on the engine thread.
                Class.forName("dev.cinnabar.server.info.InfoSections");
                Class.forName("io.netty.buffer.Unpooled");
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // Only a warm-up: the real start reports any problem.
            }
        }, "cinnabar-warmup").start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static boolean isHelpOrVersion(String a) {
        return a.equals("-h") || a.equals("--help") || a.equals("-v") || a.equals("--version");
    }

    /**
     * Reads the configuration the arguments name. A bad line ends the process with Redis's
     * banner on standard error; an unreadable file with a log line; both with status 1.
     */
    private static Set<String> load(ServerConfig config, ServerArguments cli, CompletableFuture<CommandHandlers> commands) {
        ConfigLoader loader = new ConfigLoader(config, () -> commandNames(commands.join().table()));
        Acl[] scratch = new Acl[1];
        loader.checkingUserLines((line, before) -> {
            if (scratch[0] == null) {
                scratch[0] = new Acl(config, commands.join().table());
            }
            return scratch[0].checkUserLine(line, before);
        });
        if (cli.noArguments) {
            return loader.seen();
        }
        try {
            String file = null;
            if (cli.configFile != null) {
                config.configFile = cli.configFile;
                file = ConfigLoader.readFile(cli.configFile);
            }
            String stdin = null;
            if (cli.fromStdin) {
                ServerLog.warning("Reading config from stdin");
                stdin = new String(System.in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            loader.load(cli.configText(file, stdin));
        } catch (ConfigLoader.FatalError e) {
            System.err.write(e.render(), 0, e.render().length);
            System.err.flush();
            System.exit(1);
        } catch (ConfigLoader.UnreadableFile e) {
            ServerLog.warning(e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            ServerLog.warning("Fatal error, can't read config from stdin: " + e.getMessage());
            System.exit(1);
        }
        if (!config.modules.isEmpty()) {
            ServerLog.warning("Module " + config.modules.get(0).get(0)
                    + " failed to load: Cinnabar cannot load Redis modules");
            System.exit(1);
        }
        exitOnWhatCannotBeServed(config);
        if (!loader.moduleConfigs().isEmpty()) {
            ServerLog.warning("Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting");
            System.exit(1);
        }
        return loader.seen();
    }

    /**
     * Users declared both in the file and in an ACL file, which Redis refuses: the start fails,
     * with Redis's words.
     */
    private static void exitOnWhatCannotBeServed(ServerConfig config) {
        if (!config.aclFile.isEmpty() && !config.users.isEmpty()) {
            ServerLog.warning("Configuring Redis with users defined in redis.conf and at the same setting an ACL file "
                    + "path is invalid. This setup is very likely to lead to configuration errors and security holes, "
                    + "please define either an ACL file or declare users directly in your redis.conf, but not both.");
            System.exit(1);
        }
    }

    /** Names for rename-command to check against; asked for only when a rename-command line is read. */
    private static Set<String> commandNames(CommandTable table) {
        Set<String> names = new HashSet<>();
        for (CommandSpec c : table.topLevel()) {
            names.add(c.name);
        }
        return names;
    }

    /**
     * One warning naming every directive the configuration sets to something other than Redis's
     * default whose feature Cinnabar does not have yet, so nothing asked for is silently ignored;
     * daemonize gets its own, since the answer there is "never".
     */
    private static void warnAboutUnsupported(ServerConfig config, Set<String> seen) {
        if (config.daemonize) {
            ServerLog.warning("WARNING: daemonize yes is not supported: a JVM cannot fork. "
                    + "Cinnabar keeps running in the foreground; use a service manager to run it in the background.");
        }
        List<String> pending = Directives.pendingChanges(config, seen);
        if (!pending.isEmpty()) {
            ServerLog.warning("WARNING: these directives are accepted but not in effect in Cinnabar yet: "
                    + String.join(", ", pending));
        }
    }
}
