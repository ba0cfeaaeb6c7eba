package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.AclUsersIT.Transcript;
import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users from the configuration: {@code user} lines and an {@code aclfile}, against redis-server
 * given the same file: the users they make and what each may do, ACL SAVE and ACL LOAD, and the
 * lines that stop the start, and how.
 */
class AclUserLinesIT {
    @TempDir
    Path dir;

    interface Session {
        void run(int port, Transcript t) throws Exception;
    }

    /** redis-server with a config file, which must be its first argument, then the test's settings. */
    private static ServerProcess redisWith(Path conf, String... args) throws Exception {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.redisServerBinary(), conf.toString(), "--port",
                Integer.toString(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"));
        cmd.addAll(List.of(args));
        return ServerProcess.start("redis", cmd, port);
    }

    private static ServerProcess cinnabarWith(Path conf, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(conf.toString(), "--save", ""));
        all.addAll(List.of(args));
        return ServerProcess.cinnabar(all.toArray(new String[0]));
    }

    @Test
    void usersFromConfigLinesAsInRedis() throws Exception {
        Path conf = Files.writeString(dir.resolve("users.conf"), String.join("\n",
                "user default off",
                "user app on >pw ~app:* +@all",
                "user ro on nopass %R~* +@read",
                // A selector spread over words, and one in a quoted word.
                "user sel on >spw ~a:* resetchannels -@all +get (~b:* +set) \"(~c:* &c:* +@list +publish)\" (%R~d:*"
                        + " +get +type)",
                "user idle",
                // A replica's user, as replication set-ups give it.
                "user repl on >rpw +psync +replconf +ping",
                ""));
        Session session = (port, t) -> {
            try (RawConnection c = new RawConnection(port)) {
                t.call(c, "PING");
                t.call(c, "AUTH", "default", "");
                t.call(c, "AUTH", "app", "pw");
                t.call(c, "ACL", "LIST");
                t.call(c, "ACL", "GETUSER", "sel");
                t.call(c, "SET", "app:1", "v");
                t.call(c, "SET", "other", "v");
                t.call(c, "AUTH", "ro", "anything");
                t.call(c, "GET", "app:1");
                t.call(c, "GET", "other");
                t.call(c, "SET", "app:1", "w");
                t.call(c, "AUTH", "sel", "spw");
                t.call(c, "GET", "a:1");
                t.call(c, "SET", "a:1", "v");
                t.call(c, "SET", "b:1", "v");
                t.call(c, "GET", "b:1");
                t.call(c, "RPUSH", "c:1", "x");
                t.call(c, "PUBLISH", "c:news", "m");
                t.call(c, "PUBLISH", "news", "m");
                t.call(c, "TYPE", "d:1");
                t.call(c, "SET", "d:1", "v");
                t.call(c, "AUTH", "idle", "");
                t.call(c, "RESET");
                t.call(c, "PING");
            }
        };
        Transcript redis = new Transcript();
        try (ServerProcess r = redisWith(conf)) {
            session.run(r.port(), redis);
        }
        Transcript ours = new Transcript();
        try (ServerProcess c = cinnabarWith(conf)) {
            session.run(c.port(), ours);
        }
        assertEquals(redis.text().replace("\r", "\\r"), ours.text().replace("\r", "\\r"));
        assertTrue(ours.text().startsWith("PING -> -NOAUTH Authentication required.\r\n"), ours.text());
        assertTrue(ours.text().contains("user sel on #"), ours.text());
        assertTrue(ours.text().contains("SET b:1 v -> +OK\r\n"), ours.text());
    }

    @Test
    void anAclFileAsInRedis() throws Exception {
        // The same path for both servers, one after the other, since ACL LOAD's errors name it.
        Path acl = dir.resolve("users.acl");
        String initial = String.join("\n",
                "user default on nopass ~* &* +@all",
                "user app on #" + AclUsersIT.SECRET_SHA + " ~app:* resetchannels -@all +@string (~x:* +get)",
                "  user off1 off  ",
                "",
                // An ACL file's words are split at spaces only, so a selector is always spread.
                "user sel on nopass %R~r:* &c -@all +@read (~w:* +set)",
                "");
        Session session = (port, t) -> {
            try (RawConnection admin = new RawConnection(port);
                    RawConnection app = new RawConnection(port);
                    RawConnection sel = new RawConnection(port);
                    RawConnection other = new RawConnection(port)) {
                t.call(admin, "ACL", "LIST");
                t.call(app, "AUTH", "app", "secret");
                t.call(app, "SET", "app:1", "v");
                t.call(app, "GET", "x:1");
                t.call(app, "SET", "x:1", "v");
                t.call(sel, "AUTH", "sel", "");
                t.call(sel, "SET", "w:1", "v");
                t.call(admin, "ACL", "SETUSER", "new", "on", ">x", "~n:*", "+get", "+@list");
                t.call(admin, "ACL", "DELUSER", "off1");
                t.call(admin, "ACL", "SAVE");
                t.note("file after ACL SAVE", Files.readString(acl));
                Files.writeString(acl, "user default on nopass ~* &* +@all\nuser app on >newpw ~app:* +@all\n"
                        + "user zed off\n");
                t.call(admin, "ACL", "LOAD");
                t.call(admin, "ACL", "LIST");
                // Every user is made anew by a load: the clients of the old ones go, even app's.
                t.afterPing("app", app);
                t.afterPing("sel", sel);
                t.afterPing("default", admin);
                t.call(other, "AUTH", "app", "secret");
                t.call(other, "AUTH", "app", "newpw");
                t.call(other, "SET", "app:2", "v");
                // Redis 7.0.15 crashes (a NULL dereference in ACLLoadFromFile) on an unmatched
                // parenthesis that follows another rule on its line, so here it comes first.
                Files.writeString(acl, "user app on ~a +bogus\nuser app off\nnotuser x\nuser\nuser b (~x +get\n"
                        + "user c on %Q~x\nuser \"a b\" on\nuser d on \"~x y\"\nuser e on <nopw\n"
                        + "user f on -@nosuch -bogus|x\n");
                t.call(admin, "ACL", "LOAD");
                t.call(admin, "ACL", "LIST");
                Files.delete(acl);
                t.call(admin, "ACL", "LOAD");
                t.call(admin, "ACL", "SAVE");
                t.note("file after ACL SAVE", Files.readString(acl));
            }
        };
        Transcript redis = new Transcript();
        Files.writeString(acl, initial);
        try (ServerProcess r = ServerProcess.redis("--aclfile", acl.toString())) {
            session.run(r.port(), redis);
        }
        Transcript ours = new Transcript();
        Files.writeString(acl, initial);
        try (ServerProcess c = ServerProcess.cinnabar("--save", "", "--aclfile", acl.toString())) {
            session.run(c.port(), ours);
        }
        assertEquals(redis.text().replace("\r", "\\r"), ours.text().replace("\r", "\\r"));
        assertTrue(ours.text().contains("user new on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
                + " ~n:* resetchannels -@all +@list +get\n"), ours.text());
        assertTrue(ours.text().contains("ACL LOAD -> -ERR " + acl + ":1: Error in applying operation '+bogus': Unknown "
                + "command or category name in ACL. WARNING: Duplicate user 'app' found on line 2. "), ours.text());
        assertTrue(ours.text().contains("app PING -> <closed>"), ours.text());
    }

    /** A process run to its end; see {@link ConfigFileIT#run}. */
    private ConfigFileIT.Exit run(List<String> command) throws Exception {
        return ConfigFileIT.run(command, dir, null);
    }

    /** A Redis log line's message: what follows "pid:role date time level". */
    private static final Pattern LOG_LINE = Pattern.compile("(?m)^\\d+:[A-Z] \\d+ \\w+ \\d+ [\\d:.]+ [.\\-*#] (.*)$");

    /** The log's messages about ACLs, in their order. */
    private static List<String> aclMessages(String log) {
        List<String> messages = new ArrayList<>();
        Matcher m = LOG_LINE.matcher(log);
        while (m.find()) {
            if (m.group(1).contains("ACL")) {
                messages.add(m.group(1));
            }
        }
        return messages;
    }

    @Test
    void badUserLinesStopTheStartAsInRedis() throws Exception {
        Path errors = Files.writeString(dir.resolve("errors.acl"), "user default on nopass ~* &* +@all\n"
                + "user app on ~a +bogus\n");
        Path good = Files.writeString(dir.resolve("good.acl"), "user default on nopass ~* &* +@all\n");
        List<String> configs = List.of(
                // read as the file is parsed: the FATAL CONFIG FILE ERROR banner
                "user app on >pw ~app:* +@all nosuchrule\n",
                "port 6379\nuser app on >pw\nuser app off\n",
                "user app on #abc\n",
                // an unknown command passes the parse, and stops the loading of the users
                "user app on >pw ~app:* +@all -bogus\n",
                "user app on (~x +bogus)\n",
                "user \"a b\" on\n",
                // both users and a file
                "user app on >pw\naclfile " + good + "\n",
                // a file with errors, or none
                "aclfile " + errors + "\n",
                "aclfile " + dir.resolve("none.acl") + "\n");
        for (String config : configs) {
            Path conf = Files.writeString(dir.resolve("bad.conf"), config);
            // A port of its own for each: the users load after the listeners are up.
            ConfigFileIT.Exit r = run(ConfigFileIT.redis(conf.toString(), "--port",
                    Integer.toString(ServerProcess.freePort())));
            ConfigFileIT.Exit c = run(ConfigFileIT.cinnabar(conf.toString(), "--port",
                    Integer.toString(ServerProcess.freePort())));
            assertEquals(1, r.status(), config + r.stdout() + r.stderr());
            assertEquals(r.status(), c.status(), config + c.stdout() + c.stderr());
            assertEquals(r.stderr(), c.stderr(), config);
            List<String> expected = aclMessages(r.stdout());
            assertFalse(expected.isEmpty() && r.stderr().isEmpty(), config + r.stdout());
            assertEquals(expected, aclMessages(c.stdout()), config + c.stdout());
        }
    }

    /**
     * An unmatched parenthesis stops the start as in Redis, with its banner: Redis 7.0.15 names
     * the line's word at the selector's place among the rules, not among the words ('app' for
     * "user app on (~x +get", 'on' for "user app on >pw (~x +get", 'user' for "user app (~x"),
     * and gives the text of whatever errno held, since ACLMergeSelectorArguments sets none:
     * "Unknown command or category name in ACL".
     */
    @Test
    void anUnmatchedParenthesisStopsTheStart() throws Exception {
        for (String line : List.of("user app on (~x +get", "user app on >pw (~x +get", "user app (~x")) {
            Path conf = Files.writeString(dir.resolve("bad.conf"), "hz 10\n" + line + "\n");
            ConfigFileIT.Exit r = run(ConfigFileIT.redis(conf.toString(), "--port",
                    Integer.toString(ServerProcess.freePort())));
            ConfigFileIT.Exit c = run(ConfigFileIT.cinnabar(conf.toString(), "--port",
                    Integer.toString(ServerProcess.freePort())));
            assertEquals(1, r.status(), line);
            assertEquals(1, c.status(), line);
            assertTrue(r.stderr().contains("Error in user declaration '"), r.stderr());
            assertEquals(r.stderr(), c.stderr(), line);
        }
    }
}
