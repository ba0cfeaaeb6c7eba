package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ACL users other than the default one, against redis-server on fresh servers: the rules of ACL
 * SETUSER and how they are written back, the refusals of a restricted user (commands, keys,
 * channels, selectors), ACL DRYRUN and ACL LOG, transactions and scripts, the clients a change
 * of users disconnects, and authenticating as a user.
 */
class AclUsersIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /** SHA-256 of "secret", for the rules that take a digest. */
    static final String SECRET_SHA = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

    /**
     * One server's side of a session: each reply, made {@link #comparable}, after the command that
     * got it, so a difference names its command.
     */
    static final class Transcript {
        final List<String> lines = new ArrayList<>();

        String call(RawConnection c, String... args) throws IOException {
            String reply = c.call(args);
            lines.add(String.join(" ", args) + " -> " + comparable(reply));
            return reply;
        }

        /** What a connection gets for a PING: a reply, or "<closed>" when the server has closed it. */
        String afterPing(String who, RawConnection c) {
            String fate;
            try {
                c.send("PING");
                fate = c.readReply();
            } catch (IOException closed) {
                fate = "<closed>";
            }
            lines.add(who + " PING -> " + comparable(fate));
            return fate;
        }

        void note(String what, String reply) {
            lines.add(what + " -> " + comparable(reply));
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    interface Session {
        void run(int port, Transcript t) throws Exception;
    }

    /**
     * Runs the session on Redis, then on Cinnabar, and asserts the transcripts are equal; returns
     * Cinnabar's, for checks that the session did what it means to.
     */
    static String compare(Session session) throws Exception {
        Transcript redis = new Transcript();
        session.run(SERVERS.redis().port(), redis);
        Transcript ours = new Transcript();
        session.run(SERVERS.cinnabar().port(), ours);
        assertEquals(redis.text().replace("\r", "\\r"), ours.text().replace("\r", "\\r"));
        return ours.text();
    }

    /**
     * A reply with what cannot be the same masked: the connection id in HELLO's reply, ACL LOG's
     * ages and client lines, and the order of single-command rules.
     */
    static String comparable(String reply) {
        return singleCommandsSorted(AclIT.masked(reply.replaceAll("(\\$2\r\nid\r\n):\\d+", "$1<id>")));
    }

    /**
     * Redis writes a selector's single-command rules (+get, -config|set, +select|0) after its
     * categories in the order of its command dictionary, a hash table seeded at random on each
     * start; Cinnabar writes them in its table's order. Within each line, and each part of it
     * between parentheses (one selector), those rules are sorted in the places they hold, so
     * they compare as sets while every other word, categories included, keeps its place.
     */
    static String singleCommandsSorted(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || "()\r\n".indexOf(text.charAt(i)) >= 0) {
                out.append(sortedPart(text.substring(start, i)));
                if (i < text.length()) {
                    out.append(text.charAt(i));
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    private static String sortedPart(String part) {
        String[] words = part.split(" ", -1);
        List<Integer> places = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            if (isSingleCommandRule(words[i])) {
                places.add(i);
                rules.add(words[i]);
            }
        }
        if (rules.size() < 2) {
            return part;
        }
        rules.sort(null);
        for (int i = 0; i < places.size(); i++) {
            words[places.get(i)] = rules.get(i);
        }
        return String.join(" ", words);
    }

    private static boolean isSingleCommandRule(String word) {
        return word.length() > 1 && (word.charAt(0) == '+' || word.charAt(0) == '-') && word.charAt(1) != '@';
    }

    /** Every user but the default one gone, the default one fully permitted, the log and keyspace empty. */
    @BeforeEach
    void freshUsers() throws IOException {
        for (ServerProcess s : SERVERS.both()) {
            try (RawConnection c = new RawConnection(s.port())) {
                for (String user : Replies.elements(c.call("ACL", "USERS"))) {
                    String name = user.substring(user.indexOf("\r\n") + 2, user.length() - 2);
                    if (!name.equals("default")) {
                        assertEquals(":1\r\n", c.call("ACL", "DELUSER", name));
                    }
                }
                assertEquals("+OK\r\n", c.call("ACL", "SETUSER", "default", "on", "nopass", "clearselectors", "allkeys",
                        "allchannels", "allcommands"));
                assertEquals("+OK\r\n", c.call("ACL", "LOG", "RESET"));
                assertEquals("+OK\r\n", c.call("FLUSHALL"));
            }
        }
    }

    /**
     * The categories written back are compared as they are, so the rules here avoid those whose
     * description depends on the commands Cinnabar has beyond Redis 7.0 (the hash field TTL
     * commands, HGETDEL, HGETEX and HSETEX, in @hash and @fast and in @read or @write; CLIENT
     * NO-TOUCH and SETINFO): after "-@all +@hash -@write" Redis writes "+@hash" less six commands,
     * Cinnabar fourteen single commands, its @hash having as many commands off as on.
     */
    @Test
    void everyKindOfRuleIsTakenAndWrittenBackAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port)) {
                // passwords: >, #, <, !, nopass, resetpass
                t.call(admin, "ACL", "SETUSER", "alice", "on", ">p1", ">p2", "#" + SECRET_SHA, ">p1");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "<p2", "!" + SECRET_SHA);
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "SETUSER", "alice", "nopass");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", ">p3", "resetpass", "off");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "on", "skip-sanitize-payload");
                t.call(admin, "ACL", "LIST");
                // keys: ~, %R~, %W~, %RW~, allkeys, resetkeys
                t.call(admin, "ACL", "SETUSER", "alice", "~app:*", "%R~ro:*", "%W~wo:*", "%RW~rw:*", "%R~ro:*");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "allkeys");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "SETUSER", "alice", "resetkeys", "%W~only:*");
                t.call(admin, "ACL", "LIST");
                // channels: &, allchannels, resetchannels
                t.call(admin, "ACL", "SETUSER", "alice", "&news.*", "&alerts");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "allchannels");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "SETUSER", "alice", "resetchannels", "&one");
                t.call(admin, "ACL", "LIST");
                // commands: +cmd, -cmd, +@cat, -@cat, +container|sub, -container|sub, +cmd|firstarg
                t.call(admin, "ACL", "SETUSER", "alice", "+get", "+set", "-set", "+@list", "-lpush", "+config|get",
                        "+client", "-client|kill", "+select|0", "+select|2");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "+@all", "-@list", "-@stream", "+xlen", "-config|set");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "SETUSER", "alice", "nocommands", "+@string", "-@string", "+@sortedset",
                        "+@geo", "-zadd", "+select", "-select", "+select|1");
                t.call(admin, "ACL", "GETUSER", "alice");
                t.call(admin, "ACL", "SETUSER", "alice", "allcommands", "-@dangerous");
                t.call(admin, "ACL", "LIST");
                // selectors: in one argument, spread over several, quoted words inside, then cleared
                t.call(admin, "ACL", "SETUSER", "bob", "on", "#" + SECRET_SHA, "~b:*", "+get", "(~a:* +set)",
                        "(%R~r:* &ch +@list -lpush)", "(~c:*", "%W~d:*", "+del", "+hset)", "(~\"q:*\" +get)");
                t.call(admin, "ACL", "GETUSER", "bob");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "SETUSER", "bob", "clearselectors", "(allkeys allchannels allcommands)");
                t.call(admin, "ACL", "GETUSER", "bob");
                t.call(admin, "ACL", "SETUSER", "bob", "reset");
                t.call(admin, "ACL", "GETUSER", "bob");
                t.call(admin, "ACL", "SETUSER", "carol");
                t.call(admin, "ACL", "SETUSER", "Carol", "on", "nopass", "~*", "+@all");
                t.call(admin, "ACL", "SETUSER", "dave", "on", "", "nopass", "on");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "USERS");
                t.call(admin, "ACL", "GETUSER", "nobody");
                t.call(admin, "ACL", "GETUSER", "carol");
            }
        });
        assertTrue(ours.contains("user alice on skip-sanitize-payload %W~only:* resetchannels &one +@all -@list -@stream "
                + "+xlen -config|set\r\n"), ours);
        assertTrue(ours.contains("(~a:* resetchannels -@all +set)"), ours);
        assertTrue(ours.contains("ACL USERS -> *6\r\n$5\r\nCarol\r\n$5\r\nalice\r\n$3\r\nbob\r\n$5\r\ncarol\r\n"), ours);
    }

    @Test
    void badRulesAreRefusedWithRedisErrorsAndChangeNothing() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port)) {
                t.call(admin, "ACL", "SETUSER", "erin", "on", ">pw", "~e:*", "+get");
                // The replication commands a replica's user is given, and the debugger's.
                t.call(admin, "ACL", "SETUSER", "repl", "on", ">pw", "+psync", "+replconf", "+sync", "+ping",
                        "+script|debug");
                t.call(admin, "ACL", "GETUSER", "repl");
                t.call(admin, "ACL", "DELUSER", "repl");
                List<List<String>> bad = List.of(
                        List.of("!" + SECRET_SHA),
                        List.of("<nosuchpassword"),
                        List.of("#abc"),
                        List.of("#" + SECRET_SHA.toUpperCase()),
                        List.of("#" + SECRET_SHA + "0"),
                        List.of("+nosuchcmd"),
                        List.of("-nosuchcmd"),
                        List.of("+@nosuchcategory"),
                        List.of("-@nosuchcategory"),
                        List.of("+config|nosuch"),
                        List.of("+select|"),
                        List.of("-select|0"),
                        List.of("+config|get|x"),
                        List.of("bogus"),
                        List.of("(~a"),
                        List.of("(~a", "+get"),
                        List.of("+get", "(~a", "+set", "~b"),
                        List.of("(bogus)"),
                        List.of("(on)"),
                        List.of("(clearselectors)"),
                        List.of("(~a +nosuchcmd)"),
                        List.of("%X~a"),
                        List.of("%~a"),
                        List.of("%Rx"),
                        List.of("%RR~a"),
                        List.of("allkeys", "~a"),
                        List.of("~*", "~a"),
                        List.of("allchannels", "&a"),
                        List.of("&*", "&a"),
                        List.of("~a b"),
                        List.of("&a\tb"),
                        // The good rules before a bad one are not taken either.
                        List.of(">new", "resetkeys", "+set", "bogus"));
                for (List<String> rules : bad) {
                    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", "erin"));
                    args.addAll(rules);
                    t.call(admin, args.toArray(new String[0]));
                }
                t.call(admin, "ACL", "SETUSER", "frank", "on", "bogus");
                t.call(admin, "ACL", "SETUSER", "a b", "on");
                t.call(admin, "ACL", "SETUSER", "a\0b", "on");
                t.call(admin, "ACL", "SETUSER");
                t.call(admin, "ACL", "LIST");
                t.call(admin, "ACL", "USERS");
                t.call(admin, "ACL", "DELUSER", "default");
                t.call(admin, "ACL", "DELUSER", "nobody", "erin");
                t.call(admin, "ACL", "DELUSER");
            }
        });
        assertTrue(ours.contains("-ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name "
                + "in ACL\r\n"), ours);
        assertTrue(ours.contains("ACL LIST -> *2\r\n$34\r\nuser default on nopass ~* &* +@all\r\n"), ours);
    }

    /** alice: app keys, read-only and write-only ones, some commands, news channels; a selector for other keys. */
    private static final String[] ALICE = {"ACL", "SETUSER", "alice", "on", ">pw", "~app:*", "%R~ro:*", "%W~wo:*",
        "&news.*", "-@all", "+@string", "+@keyspace", "+@pubsub", "+@list", "-lpush", "+config|get", "+select|0",
        "+acl|whoami", "(~other:* +hget +hset)"};

    @Test
    void aRestrictedUserIsRefusedAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port);
                    RawConnection alice = new RawConnection(port);
                    RawConnection subscriber = new RawConnection(port)) {
                t.call(admin, ALICE);
                t.call(admin, "HSET", "other:h", "f", "v");
                t.call(alice, "AUTH", "alice", "pw");
                t.call(alice, "ACL", "WHOAMI");
                t.call(alice, "SET", "app:1", "v");
                t.call(alice, "GET", "app:1");
                t.call(alice, "GET", "other:1");
                t.call(alice, "SET", "ro:1", "v");
                t.call(alice, "GET", "ro:1");
                t.call(alice, "SET", "wo:1", "v");
                t.call(alice, "GET", "wo:1");
                t.call(alice, "APPEND", "wo:1", "v");
                t.call(alice, "COPY", "ro:1", "app:2");
                t.call(alice, "COPY", "app:1", "ro:2");
                t.call(alice, "MSET", "app:3", "a", "other:3", "b");
                t.call(alice, "HSET", "app:h", "f", "v");
                t.call(alice, "HGET", "other:h", "f");
                t.call(alice, "HGET", "app:h", "f");
                t.call(alice, "HSET", "other:h", "g", "w");
                t.call(alice, "RPUSH", "app:l", "a");
                t.call(alice, "LPUSH", "app:l", "b");
                t.call(alice, "CONFIG", "GET", "maxmemory");
                t.call(alice, "CONFIG", "SET", "maxmemory", "0");
                t.call(alice, "SELECT", "0");
                t.call(alice, "SELECT", "1");
                t.call(alice, "DEBUG", "SLEEP", "0");
                t.call(alice, "ACL", "LIST");
                t.call(alice, "PUBLISH", "news.today", "m");
                t.call(alice, "PUBLISH", "sports", "m");
                t.call(alice, "SPUBLISH", "sports", "m");
                t.call(subscriber, "AUTH", "alice", "pw");
                t.call(subscriber, "SUBSCRIBE", "news.a", "sports");
                t.call(subscriber, "PSUBSCRIBE", "news.a*");
                t.call(subscriber, "PSUBSCRIBE", "*");
                t.call(subscriber, "SSUBSCRIBE", "sports");
                t.call(subscriber, "SUBSCRIBE", "news.a", "news.b");
                t.note("second reply", subscriber.readReply());
                t.call(subscriber, "PSUBSCRIBE", "news.*");
                t.call(admin, "ACL", "LOG", "4");
                t.call(admin, "ACL", "LOG");
                t.call(admin, "ACL", "LOG", "RESET");
                t.call(admin, "ACL", "LOG");
            }
        });
        assertTrue(ours.contains("GET other:1 -> -NOPERM this user has no permissions to access one of the keys used "
                + "as arguments\r\n"), ours);
        assertTrue(ours.contains("HGET other:h f -> $1\r\nv\r\n"), ours);
        assertTrue(ours.contains("CONFIG SET maxmemory 0 -> -NOPERM this user has no permissions to run the "
                + "'config|set' command\r\n"), ours);
        assertTrue(ours.contains("PUBLISH sports m -> -NOPERM this user has no permissions to access one of the "
                + "channels used as arguments\r\n"), ours);
        assertTrue(ours.contains("$7\r\nchannel\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$1\r\n*\r\n"),
                ours);
    }

    @Test
    void dryRunAnswersAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port)) {
                t.call(admin, ALICE);
                t.call(admin, "ACL", "SETUSER", "bob", "on", "nopass", "~*", "&*", "+@all", "-debug");
                List<List<String>> commands = List.of(
                        List.of("alice", "get", "app:1"),
                        List.of("alice", "GET", "other:1"),
                        List.of("alice", "set", "ro:1", "v"),
                        List.of("alice", "get", "ro:1"),
                        List.of("alice", "get", "wo:1"),
                        List.of("alice", "set", "wo:1", "v"),
                        List.of("alice", "hget", "other:1", "f"),
                        List.of("alice", "hget", "app:1", "f"),
                        List.of("alice", "lpush", "app:1", "v"),
                        List.of("alice", "copy", "app:1", "ro:1"),
                        List.of("alice", "copy", "ro:1", "app:1"),
                        List.of("alice", "rename", "app:1", "ro:2"),
                        List.of("alice", "publish", "news.x", "m"),
                        List.of("alice", "publish", "sports", "m"),
                        List.of("alice", "subscribe", "news.a", "sports"),
                        List.of("alice", "psubscribe", "news.*"),
                        List.of("alice", "psubscribe", "news.a*"),
                        List.of("alice", "config", "get", "maxmemory"),
                        List.of("alice", "config", "set", "maxmemory", "0"),
                        List.of("alice", "select", "0"),
                        List.of("alice", "select", "1"),
                        List.of("alice", "sort", "app:1", "BY", "app:w_*"),
                        List.of("alice", "eval", "return 1", "1", "other:1"),
                        List.of("alice", "nosuchcmd"),
                        List.of("alice", "config|get", "maxmemory"),
                        List.of("alice", "get"),
                        List.of("alice", "set", "app:1"),
                        List.of("nobody", "get", "x"),
                        List.of("bob", "debug", "sleep", "0"),
                        List.of("bob", "get", "x"),
                        List.of("default", "flushall"));
                for (List<String> command : commands) {
                    List<String> args = new ArrayList<>(List.of("ACL", "DRYRUN"));
                    args.addAll(command);
                    t.call(admin, args.toArray(new String[0]));
                }
                t.call(admin, "ACL", "DRYRUN", "alice");
                // A dry run writes nothing in the log.
                t.call(admin, "ACL", "LOG");
            }
        });
        assertTrue(ours.contains("ACL DRYRUN alice set ro:1 v -> $53\r\nThis user has no permissions to access the "
                + "'ro:1' key\r\n"), ours);
        assertTrue(ours.contains("ACL DRYRUN alice get app:1 -> +OK\r\n"), ours);
    }

    @Test
    void transactionsScriptsAndSortCheckPermissionsAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port); RawConnection alice = new RawConnection(port)) {
                t.call(admin, "ACL", "SETUSER", "alice", "on", ">pw", "~app:*", "%R~ro:*", "&news.*", "-@all",
                        "+@string", "+@keyspace", "+@pubsub", "+@connection", "+@transaction", "+@scripting", "+@list",
                        "+sort", "+sort_ro", "-lpush");
                t.call(admin, "RPUSH", "app:l", "3", "1", "2");
                t.call(admin, "SET", "app:w_1", "1");
                t.call(alice, "AUTH", "alice", "pw");
                // MULTI: a refused command aborts the transaction
                t.call(alice, "MULTI");
                t.call(alice, "SET", "app:1", "x");
                t.call(alice, "LPUSH", "app:1", "x");
                t.call(alice, "GET", "other:1");
                t.call(alice, "EXEC");
                // permissions lost between queueing and EXEC
                t.call(alice, "MULTI");
                t.call(alice, "SET", "app:2", "x");
                t.call(alice, "GET", "app:2");
                t.call(alice, "PUBLISH", "news.x", "m");
                t.call(admin, "ACL", "SETUSER", "alice", "-set", "resetchannels");
                t.call(alice, "EXEC");
                t.call(alice, "MULTI");
                t.call(alice, "GET", "app:2");
                t.call(admin, "ACL", "SETUSER", "alice", "resetkeys", "~other:*");
                t.call(alice, "EXEC");
                t.call(admin, "ACL", "SETUSER", "alice", "resetkeys", "~app:*", "%R~ro:*", "&news.*", "+set");
                // scripts
                t.call(alice, "EVAL", "return redis.call('set','other:1','x')", "0");
                t.call(alice, "EVAL", "return redis.call('lpush','app:1','x')", "0");
                t.call(alice, "EVAL", "return redis.pcall('lpush','app:1','x')", "0");
                t.call(alice, "EVAL", "return redis.pcall('get','ro:2')", "0");
                t.call(alice, "EVAL", "return redis.pcall('set','ro:2','x')", "0");
                t.call(alice, "EVAL", "return redis.pcall('publish','other','x')", "0");
                t.call(alice, "EVAL", "return redis.call('get', KEYS[1])", "1", "other:1");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('lpush','app:1','x')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('get','app:1')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('get','zz')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('set','ro:1','x')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('publish','news.1','x')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('publish','other','x')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('config','get','x')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('get')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd('nosuch','zz')", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd(1)", "0");
                t.call(alice, "EVAL", "return redis.acl_check_cmd()", "0");
                // SORT's BY and GET read keys no key pattern names: refused without full key access
                t.call(alice, "SORT", "app:l");
                t.call(alice, "SORT", "app:l", "BY", "app:w_*");
                t.call(alice, "SORT", "app:l", "BY", "nosort");
                t.call(alice, "SORT", "app:l", "GET", "#");
                t.call(alice, "SORT", "app:l", "GET", "app:w_*");
                t.call(alice, "SORT_RO", "app:l", "BY", "app:w_*");
                t.call(alice, "SORT_RO", "app:l", "GET", "app:w_*");
                t.call(alice, "SORT", "app:l", "STORE", "app:dst");
                t.call(alice, "SORT", "app:l", "STORE", "ro:dst");
                t.call(admin, "ACL", "SETUSER", "alice", "allkeys");
                t.call(alice, "SORT", "app:l", "BY", "app:w_*", "GET", "#", "GET", "app:w_*");
                t.call(admin, "ACL", "LOG");
            }
        });
        assertTrue(ours.contains("EXEC -> -EXECABORT Transaction discarded because of previous errors.\r\n"), ours);
        assertTrue(ours.contains("EXEC -> *3\r\n-NOPERM ACLs rules changed between the moment the transaction was "
                + "accumulated and the EXEC call. This command is no longer allowed for the following reason: no "
                + "permission to execute the command or subcommand\r\n"), ours);
        assertTrue(ours.contains("-ERR The user executing the script can't run this command or subcommand\r\n"), ours);
        assertTrue(ours.contains("SORT app:l BY app:w_* -> -ERR BY option of SORT denied due to insufficient ACL "
                + "permissions.\r\n"), ours);
        assertTrue(ours.contains("$7\r\ncontext\r\n$3\r\nlua\r\n") && ours.contains("$7\r\ncontext\r\n$5\r\nmulti\r\n"),
                ours);
    }

    @Test
    void clientsOfDeletedOrNarrowedUsersAreDisconnectedAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port);
                    RawConnection dave1 = new RawConnection(port);
                    RawConnection dave2 = new RawConnection(port);
                    RawConnection other = new RawConnection(port);
                    RawConnection channelSub = new RawConnection(port);
                    RawConnection patternSub = new RawConnection(port);
                    RawConnection otherSub = new RawConnection(port);
                    RawConnection frank1 = new RawConnection(port);
                    RawConnection frank2 = new RawConnection(port);
                    RawConnection erin = new RawConnection(port);
                    RawConnection admin2 = new RawConnection(port)) {
                t.call(admin, "ACL", "SETUSER", "dave", "on", ">pw", "~*", "&*", "+@all");
                t.call(admin, "ACL", "SETUSER", "erin", "on", ">pw", "~*", "&chan:*", "&other", "+@all");
                t.call(admin, "ACL", "SETUSER", "frank", "on", ">pw", "~*", "&*", "+@all");
                t.call(dave1, "AUTH", "dave", "pw");
                t.call(dave2, "HELLO", "3", "AUTH", "dave", "pw");
                t.call(other, "PING");
                t.call(admin, "ACL", "DELUSER", "dave", "nobody");
                t.afterPing("dave1", dave1);
                t.afterPing("dave2", dave2);
                t.afterPing("other", other);
                // channels taken away disconnect the subscribers they covered, and only them
                t.call(channelSub, "AUTH", "erin", "pw");
                t.call(channelSub, "SUBSCRIBE", "chan:1");
                t.call(patternSub, "AUTH", "erin", "pw");
                t.call(patternSub, "PSUBSCRIBE", "chan:*");
                t.call(otherSub, "AUTH", "erin", "pw");
                t.call(otherSub, "SUBSCRIBE", "other");
                t.call(admin, "ACL", "SETUSER", "erin", "resetchannels", "&chan:*", "&other", "&more");
                t.afterPing("channel subscriber", channelSub);
                t.afterPing("pattern subscriber", patternSub);
                t.afterPing("other subscriber", otherSub);
                t.call(admin, "ACL", "SETUSER", "erin", "resetchannels", "&chan:1", "&other");
                t.afterPing("channel subscriber", channelSub);
                t.afterPing("pattern subscriber", patternSub);
                t.afterPing("other subscriber", otherSub);
                t.call(admin, "ACL", "SETUSER", "erin", "(&other)", "resetchannels", "&chan:1");
                t.afterPing("channel subscriber", channelSub);
                t.afterPing("other subscriber", otherSub);
                t.call(admin, "ACL", "SETUSER", "erin", "clearselectors");
                t.afterPing("channel subscriber", channelSub);
                t.afterPing("other subscriber", otherSub);
                t.call(admin, "PUBSUB", "NUMSUB", "chan:1", "other");
                t.call(admin, "PUBSUB", "NUMPAT");
                // CLIENT KILL USER
                t.call(frank1, "AUTH", "frank", "pw");
                t.call(frank2, "AUTH", "frank", "pw");
                t.call(erin, "AUTH", "erin", "pw");
                t.call(admin, "CLIENT", "KILL", "USER", "frank");
                t.call(admin, "CLIENT", "KILL", "USER", "nobody");
                t.afterPing("frank1", frank1);
                t.afterPing("frank2", frank2);
                t.afterPing("erin", erin);
                t.call(admin, "CLIENT", "KILL", "USER", "erin", "SKIPME", "no");
                t.afterPing("erin", erin);
                t.call(admin, "AUTH", "erin", "pw");
                t.call(admin, "CLIENT", "KILL", "USER", "erin", "SKIPME", "no");
                // A client that deletes its own user gets the reply, then goes.
                t.call(admin2, "ACL", "SETUSER", "ivan", "on", ">pw", "~*", "&*", "+@all");
                t.call(admin2, "AUTH", "ivan", "pw");
                t.call(admin2, "ACL", "DELUSER", "ivan");
                t.afterPing("ivan", admin2);
            }
        });
        assertTrue(ours.contains("dave1 PING -> <closed>\ndave2 PING -> <closed>\nother PING -> +PONG\r\n"), ours);
        assertTrue(ours.contains("pattern subscriber PING -> <closed>\nother subscriber PING -> *2\r\n$4\r\npong"),
                ours);
        assertTrue(ours.contains("CLIENT KILL USER frank -> :2\r\n"), ours);
    }

    @Test
    void authenticatingAsUsersAsInRedis() throws Exception {
        String ours = compare((port, t) -> {
            try (RawConnection admin = new RawConnection(port); RawConnection c = new RawConnection(port)) {
                t.call(admin, "ACL", "SETUSER", "frank", "on", ">pw", ">other", "~*", "&*", "+@all");
                t.call(admin, "ACL", "SETUSER", "gina", "off", ">pw", "~*", "+@all");
                t.call(admin, "ACL", "SETUSER", "hugo", "on", "nopass", "~*", "+@all");
                t.call(c, "AUTH", "frank", "wrong");
                t.call(c, "AUTH", "nobody", "pw");
                t.call(c, "AUTH", "gina", "pw");
                t.call(c, "HELLO", "3", "AUTH", "gina", "pw");
                t.call(c, "HELLO", "2", "AUTH", "frank", "wrong");
                t.call(c, "HELLO", "3", "AUTH", "frank");
                t.call(c, "AUTH", "frank", "pw", "extra");
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "AUTH", "frank", "other");
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "HELLO", "3", "AUTH", "hugo", "anything", "SETNAME", "h");
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "CLIENT", "GETNAME");
                t.call(c, "RESET");
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "CLIENT", "GETNAME");
                t.call(c, "HELLO", "2", "AUTH", "frank", "pw");
                t.call(admin, "ACL", "SETUSER", "frank", "off");
                // Turning a user off keeps its connections: they fail the next AUTH only.
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "AUTH", "frank", "pw");
                t.call(c, "ACL", "WHOAMI");
                t.call(admin, "ACL", "SETUSER", "frank", "on", "<pw");
                t.call(c, "AUTH", "frank", "pw");
                t.call(c, "AUTH", "frank", "other");
                // With a password on the default user, RESET leaves the connection unauthenticated.
                t.call(admin, "ACL", "SETUSER", "default", ">dpw");
                t.call(c, "RESET");
                t.call(c, "PING");
                t.call(c, "ACL", "WHOAMI");
                t.call(c, "HELLO", "3");
                t.call(c, "AUTH", "frank", "other");
                t.call(c, "RESET");
                t.call(c, "AUTH", "dpw");
                t.call(c, "ACL", "WHOAMI");
                t.call(admin, "ACL", "SETUSER", "default", "nopass");
                t.call(admin, "ACL", "LOG");
            }
        });
        assertTrue(ours.contains("AUTH gina pw -> -WRONGPASS invalid username-password pair or user is disabled.\r\n"),
                ours);
        assertTrue(ours.contains("RESET -> +RESET\r\n\nACL WHOAMI -> $7\r\ndefault\r\n"), ours);
        assertTrue(ours.contains("$6\r\nreason\r\n$4\r\nauth\r\n"), ours);
    }

    @Test
    void theNormalisationSortsOnlySingleCommandRules() {
        // The comparisons above would pass trivially if the normalisation sorted too much.
        assertEquals("user a on ~k (-@all +@list +xadd -lpush) -@all +@string +get +set",
                singleCommandsSorted("user a on ~k (-@all +@list -lpush +xadd) -@all +@string +set +get"));
        assertEquals("-@all +get +@string", singleCommandsSorted("-@all +get +@string"));
        assertEquals("(+b) +a\r\n+c +d", singleCommandsSorted("(+b) +a\r\n+d +c"));
    }
}
