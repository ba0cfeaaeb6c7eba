package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private ServerConfig config;

    private ConfigLoader loader() {
        config = new ServerConfig();
        config.dir = tmp.toString();
        return new ConfigLoader(config, () -> Set.of("get", "set", "flushall", "config", "keys"));
    }

    private ServerConfig load(String text) throws Exception {
        loader().load(text);
        return config;
    }

    private ConfigLoader.FatalError fails(String text) {
        return assertThrows(ConfigLoader.FatalError.class, () -> loader().load(text));
    }

    private static String stderr(ConfigLoader.FatalError e) {
        return new String(e.render(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsDirectivesCommentsAndBlankLines() throws Exception {
        ServerConfig c = load("# comment\n\n   \t\nport 7000\n  HZ 20  \r\n\"maxmemory\" '1mb'\n#port 1\n");
        assertEquals(7000, c.port);
        assertEquals(20, c.hz);
        assertEquals(1L << 20, c.maxMemory);
    }

    @Test
    void badLineReportsItsNumberAndText() {
        ConfigLoader.FatalError e = fails("port 7000\nfoo bar\n");
        assertEquals(2, e.lineNumber());
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file, at line 2\n"
                + ">>> 'foo bar'\n"
                + "Bad directive or wrong number of arguments\n", stderr(e));
    }

    @Test
    void errorTexts() {
        assertEquals("Unbalanced quotes in configuration line", fails("port \"6379\n").reason());
        assertEquals("Unbalanced quotes in configuration line", fails("port \"a\"b\n").reason());
        assertEquals("wrong number of arguments", fails("port 1 2\n").reason());
        assertEquals("wrong number of arguments", fails("loglevel\n").reason());
        assertEquals("argument couldn't be parsed into an integer", fails("port abc\n").reason());
        assertEquals("argument must be between 0 and 65535 inclusive", fails("port 70000\n").reason());
        assertEquals("argument must be a memory value", fails("maxmemory 1x\n").reason());
        assertEquals("argument couldn't be parsed as an octal number", fails("unixsocketperm 800\n").reason());
        assertEquals("argument must be between 0 and 777 inclusive", fails("unixsocketperm 1000\n").reason());
        assertEquals("argument must be 'yes' or 'no'", fails("appendonly maybe\n").reason());
        assertEquals("argument(s) must be one of the following: debug, verbose, notice, warning",
                fails("loglevel loud\n").reason());
        assertEquals("Invalid save parameters", fails("save 100\n").reason());
        assertEquals("wrong number of arguments", fails("replicaof host\n").reason());
        assertEquals("Invalid master port", fails("replicaof host abc\n").reason());
        assertEquals("Wrong number of arguments in buffer limit configuration.",
                fails("client-output-buffer-limit normal 1 1\n").reason());
        assertEquals("Bad directive or wrong number of arguments", fails("user\n").reason());
        assertEquals("Bad directive or wrong number of arguments", fails("list-max-ziplist-entries\n").reason());
        assertEquals("Module config specified without value", fails("mymodule.option\n").reason());
        assertEquals("sentinel directive while not in sentinel mode", fails("sentinel monitor x\n").reason());
        assertEquals("No such file or directory", fails("dir /nonexistent/dir\n").reason());
        assertEquals("appendfilename can't be a path, just a filename", fails("appendfilename a/b\n").reason());
        assertEquals("Too many bind addresses specified.",
                fails("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n").reason());
    }

    @Test
    void errorsAfterTheLastLineHaveNoLine() {
        ConfigLoader.FatalError e = fails("logfile /nonexistent/dir/x.log\n");
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Can't open the log file: No such file or directory\n", stderr(e));
        assertEquals("replicaof directive not allowed in cluster mode",
                fails("cluster-enabled yes\nreplicaof a 1\n").reason());
    }

    @Test
    void firstBadLineWins() {
        ConfigLoader.FatalError e = fails("hz 5\n\n  bad one  \nport x\n");
        assertEquals(3, e.lineNumber());
        assertTrue(stderr(e).contains(">>> 'bad one'\n"));
    }

    @Test
    void aliasesSetTheSameValue() throws Exception {
        ServerConfig c = load("slave-read-only no\nhash-max-ziplist-entries 7\nslaveof 10.0.0.1 6380\nlua-time-limit 9\n");
        assertFalse(c.replicaReadOnly);
        assertEquals(7, c.hashMaxListpackEntries);
        assertEquals("10.0.0.1", c.masterHost);
        assertEquals(6380, c.masterPort);
        assertEquals(9, c.busyReplyThreshold);
        assertTrue(loader().seen().isEmpty());
    }

    @Test
    void deprecatedDirectivesAreSkipped() throws Exception {
        load("list-max-ziplist-entries 5\nlist-max-ziplist-value 5\nlua-replicate-commands yes\n");
    }

    @Test
    void saveLinesAddUpWithinAFileAndEmptyResets() throws Exception {
        assertArrayEquals(new long[] {100, 1, 200, 2}, load("save 100 1\nsave 200 2\n").save);
        assertArrayEquals(new long[] {200, 2}, load("save \"\"\nsave 200 2\n").save);
        assertArrayEquals(new long[0], load("save \"\"\n").save);
        assertArrayEquals(new long[] {3600, 1, 300, 100, 60, 10000}, load("hz 1\n").save);
    }

    /** The save points redis-server 7.0.15 ends with for a file's text and a command line. */
    private long[] saveFrom(String file, String... args) throws Exception {
        return load(ServerArguments.parse(args, tmp.toString()).configText(file, null)).save;
    }

    @Test
    void saveFromFileThenCommandLineAsRedisComposesIt() throws Exception {
        String file = "save 900 1\n";
        long[] none = new long[0];
        assertArrayEquals(none, saveFrom(file, "--save", ""), "--save \"\" clears what the file set");
        assertArrayEquals(none, saveFrom(file, "--save"), "a bare --save at the end");
        assertArrayEquals(none, saveFrom(file, "--save", "--loglevel", "verbose"), "a bare --save before an option");
        assertArrayEquals(none, saveFrom(file, "--SAVE"), "the name in any case");
        assertArrayEquals(none, saveFrom("save 900 1\nsave 300 10\nsave 60 5\n", "--save", ""));
        assertArrayEquals(new long[] {900, 1, 100, 100}, saveFrom(file, "--save", "100", "100"), "points add up");
        assertArrayEquals(new long[] {900, 1, 100, 100}, saveFrom(file, "--save", "100 100"));
        assertArrayEquals(new long[] {900, 1, 100, 0}, saveFrom(file, "--save", "100", ""), "strtoll reads \"\" as 0");
        assertArrayEquals(new long[] {200, 200}, saveFrom(file, "--save", "", "--save", "200", "200"));
        assertArrayEquals(new long[] {5, 5}, saveFrom(file, "--save", "--save", "5", "5"));
        assertArrayEquals(new long[] {100, 100, 200, 200}, saveFrom("hz 5\n", "--save", "100", "100", "--save", "200", "200"),
                "the first save line replaces the defaults");
        assertArrayEquals(new long[] {900, 1}, saveFrom(file, "--save", " "), "a value of no words changes nothing");
        assertArrayEquals(new long[] {900, 1}, saveFrom(file, "--save "), "nor does a name with a blank and no value");
        assertArrayEquals(new long[] {900, 1}, saveFrom("save 900 1\nsave\n"), "nor a bare save line");
        assertArrayEquals(new long[] {60, 5}, saveFrom("save 900 1\nsave \"\"\nsave 60 5\n"));
        assertArrayEquals(new long[] {900, 1, 300, 10, 60, 5, 7, 7}, saveFrom("save 900 1\nsave 300 10\nsave 60 5\n",
                "--save", "7", "7"));
        assertArrayEquals(new long[] {3600, 1, 300, 100, 60, 10000}, saveFrom("hz 5\n"));
        for (String[] bad : List.of(new String[] {"--save", "{}"}, new String[] {"--save", "", ""},
                new String[] {"--save", "3 3", "4", "4"})) {
            ConfigLoader.FatalError e = assertThrows(ConfigLoader.FatalError.class, () -> saveFrom(file, bad));
            assertEquals("Invalid save parameters", e.reason(), List.of(bad).toString());
            assertEquals(3, e.lineNumber(), "the options follow the file and a line break");
        }
    }

    @Test
    void afterAnIncludeSaveLinesReplaceEachOther() throws Exception {
        // Redis's reader forgets it is reading a file once an included file ends.
        Files.writeString(tmp.resolve("empty.conf"), "");
        assertArrayEquals(new long[] {200, 2}, load("include " + tmp.resolve("empty.conf") + "\nsave 100 1\nsave 200 2\n").save);
    }

    @Test
    void includesFilesAndGlobs() throws Exception {
        Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(tmp.resolve("conf.d/b.conf"), "maxclients 200\n");
        Files.writeString(tmp.resolve("conf.d/a.conf"), "maxclients 100\nhz 7\n");
        Files.writeString(tmp.resolve("conf.d/.hidden.conf"), "hz 99\n");
        Files.writeString(tmp.resolve("one.conf"), "timeout 5\n");
        ServerConfig c = load("include " + tmp.resolve("conf.d/*.conf") + "\ninclude one.conf\n");
        assertEquals(200, c.maxClients, "files are read in sorted order");
        assertEquals(7, c.hz, "a wildcard does not match a leading dot");
        assertEquals(5, c.timeoutSeconds, "a relative include is read from dir");
        load("include " + tmp.resolve("nothing/*.conf") + "\n");
    }

    @Test
    void errorsInIncludedFilesCountTheirOwnLines() throws Exception {
        Files.writeString(tmp.resolve("bad.conf"), "hz 1\nhz 2\nnope\n");
        ConfigLoader.FatalError e = fails("port 1\ninclude " + tmp.resolve("bad.conf") + "\n");
        assertEquals(3, e.lineNumber());
    }

    @Test
    void missingIncludeIsUnreadable() {
        ConfigLoader.UnreadableFile e = assertThrows(ConfigLoader.UnreadableFile.class,
                () -> loader().load("include /nonexistent/x.conf\n"));
        assertEquals("Fatal error, can't open config file '/nonexistent/x.conf': No such file or directory",
                e.getMessage());
    }

    @Test
    void renameCommandChecksTheCommandTable() throws Exception {
        ServerConfig c = load("rename-command FLUSHALL \"\"\nrename-command keys mykeys\nrename-command config cfg\n");
        assertEquals(3, c.renamedCommands.size());
        assertArrayEquals(new String[] {"FLUSHALL", ""}, c.renamedCommands.get(0));
        assertEquals("No such command in rename-command", fails("rename-command nosuch x\n").reason());
        assertEquals("No such command in rename-command", fails("rename-command keys a\nrename-command keys b\n").reason());
        assertEquals("Target command name already exists", fails("rename-command get set\n").reason());
    }

    @Test
    void usersModulesAndModuleConfigsAreKept() throws Exception {
        ConfigLoader l = loader();
        l.load("user alice on >pw ~* +@all\nloadmodule /x/m.so a b\nm.opt 1\n");
        assertEquals(List.of(List.of("alice", "on", ">pw", "~*", "+@all")), config.users);
        assertEquals(List.of(List.of("/x/m.so", "a", "b")), config.modules);
        assertEquals(List.of("m.opt"), l.moduleConfigs());
    }

    @Test
    void dirResolvesRelativePathsAndFollowsChdirRules() throws Exception {
        Files.createDirectories(tmp.resolve("data/sub"));
        ServerConfig c = load("dir data\ndir sub\npidfile p.pid\n");
        assertEquals(tmp.resolve("data/sub").toRealPath().toString(), c.dir);
        assertEquals(tmp.resolve("data/sub").toRealPath().resolve("p.pid"), c.resolvePath(c.pidFile));
    }

    @Test
    void hzIsKeptWithinRange() throws Exception {
        assertEquals(1, load("hz 0\n").hz);
        assertEquals(500, load("hz 100000\n").hz);
    }

    @Test
    void multiArgumentDirectivesTakeTheWholeLine() throws Exception {
        ServerConfig c = load("bind 127.0.0.1 -::1\nclient-output-buffer-limit replica 1mb 2mb 3\n"
                + "oom-score-adj-values 1 2 3\nlatency-tracking-info-percentiles 50 99\n"
                + "shutdown-on-sigterm save now\nnotify-keyspace-events KEA\n");
        assertArrayEquals(new String[] {"127.0.0.1", "-::1"}, c.bind);
        assertArrayEquals(new long[] {1 << 20, 2 << 20, 3}, c.clientOutputBufferLimits[ServerConfig.OBUF_REPLICA]);
        assertArrayEquals(new int[] {1, 2, 3}, c.oomScoreAdjValues);
        assertArrayEquals(new double[] {50, 99}, c.latencyTrackingInfoPercentiles);
        assertEquals(ShutdownFlags.SAVE | ShutdownFlags.NOW, c.shutdownOnSigterm);
        assertEquals(KeyspaceEvents.ALL | KeyspaceEvents.KEYSPACE | KeyspaceEvents.KEYEVENT, c.notifyKeyspaceEvents);
        assertArrayEquals(new String[0], load("bind\n").bind);
    }

    @Test
    void aSingleQuotedValueOfAMultiArgumentDirectiveIsSplit() throws Exception {
        assertArrayEquals(new long[] {900, 1, 300, 10}, load("save \"900 1 300 10\"\n").save);
        assertArrayEquals(new String[] {"127.0.0.1", "-::1"}, load("bind \" 127.0.0.1  -::1 \"\n").bind);
        assertArrayEquals(new long[0], load("save \" \"\n").save);
        assertArrayEquals(new long[0], load("save \"10 'x\"\n").save, "unbalanced inside: no arguments");
        ServerArguments cli = ServerArguments.parse(new String[] {"--client-output-buffer-limit", "pubsub 1 2 3"}, "/");
        assertArrayEquals(new long[] {1, 2, 3}, load(cli.configText(null, null)).clientOutputBufferLimits[2]);
    }

    @Test
    void commandLineOptionsComeAfterTheFile() throws Exception {
        ServerArguments cli = ServerArguments.parse(new String[] {"x.conf", "--port", "abc"}, "/w");
        ConfigLoader.FatalError e = fails(cli.configText("port 1\nhz 2\n", null));
        assertEquals(4, e.lineNumber(), "file lines, the empty last one, then the options");
        assertTrue(stderr(e).contains(">>> 'port \"abc\"'\n"));
    }

    @Test
    void debiansStockConfigLoads() throws Exception {
        Path debian = Path.of("/etc/redis/redis.conf");
        assertTrue(Files.isReadable(debian), "Debian's redis-server package is installed with its config");
        String text = new String(Files.readAllBytes(debian), StandardCharsets.ISO_8859_1);
        // dir and logfile are checked while reading: point them somewhere that exists here.
        Files.createDirectories(tmp.resolve("var/lib/redis"));
        Files.createDirectories(tmp.resolve("var/log/redis"));
        text = text.replace("dir /var/lib/redis", "dir " + tmp.resolve("var/lib/redis"))
                .replace("logfile /var/log/redis/", "logfile " + tmp.resolve("var/log/redis") + "/");
        ConfigLoader l = loader();
        l.load(text);
        assertTrue(config.daemonize);
        assertEquals("/run/redis/redis-server.pid", config.pidFile);
        assertArrayEquals(new String[] {"127.0.0.1", "-::1"}, config.bind);
        assertEquals(List.of(), Directives.pendingChanges(config, l.seen()),
                "Debian's file sets nothing Cinnabar ignores");
    }

    @Test
    void debiansStockConfigParsesUnchanged() throws Exception {
        // As installed: its dir exists wherever the package is; opening its log file (which
        // would create it) is the one step left out.
        String text = new String(Files.readAllBytes(Path.of("/etc/redis/redis.conf")), StandardCharsets.ISO_8859_1);
        config = new ServerConfig();
        new ConfigLoader(config, Set::of).withoutLogFileCheck().load(text);
        assertEquals(6379, config.port);
        assertTrue(config.daemonize);
        assertEquals("/var/log/redis/redis-server.log", config.logFile);
        assertEquals(Path.of("/var/lib/redis").toRealPath().toString(), config.dir);
        assertEquals("notice", config.logLevel);
        assertArrayEquals(new long[] {0, 0, 0}, config.clientOutputBufferLimits[ServerConfig.OBUF_NORMAL]);
    }

    @Test
    void pendingChangesNameOnlyNonDefaultValuesOfMissingFeatures() throws Exception {
        ConfigLoader l = loader();
        l.load("socket-mark-id 0\nsocket-mark-id 7000\nreplica-read-only no\nappendonly yes\nhz 20\n"
                + "activedefrag no\nnotify-keyspace-events Ex\nuser bob on\ndynamic-hz no\nrepl-diskless-load swapdb\n");
        assertEquals(List.of("socket-mark-id"), Directives.pendingChanges(config, l.seen()));
    }

    @Test
    void theRdbDirectivesAreNotNamedNowThatSnapshotsExist() throws Exception {
        ConfigLoader l = loader();
        l.load("save \"\"\n");
        assertEquals(List.of(), Directives.pendingChanges(config, l.seen()));
        l = loader();
        l.load("save 60 1\nrdbcompression no\nrdbchecksum no\ndbfilename x.rdb\nstop-writes-on-bgsave-error no\n"
                + "rdb-save-incremental-fsync no\n");
        assertEquals(List.of(), Directives.pendingChanges(config, l.seen()));
    }
}
