package dev.cinnabar.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.it.support.RawConnection;
import dev.cinnabar.it.support.Replies;
import dev.cinnabar.it.support.ServerPair;
import dev.cinnabar.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every command Cinnabar knows, described by COMMAND INFO exactly as redis-server 7.0 describes
 * it (arity, flags, key specs, ACL categories, tips, subcommands), in RESP2 and RESP3; and
 * COMMAND DOCS with the same structure and facts, where only our own texts differ.
 *
 * <p>Redis lists subcommands in an order that changes from run to run, so subcommands are
 * compared as a set; everything else byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandInfoIT {
    @RegisterExtension
    static final ServerPair SERVERS = new ServerPair();

    /**
     * Commands we serve that Redis 7.0 does not have, so there is nothing to compare them with.
     * Each needs a reason; an entry Redis does know fails the test, so the list cannot go stale.
     */
    private static final Set<String> NOT_IN_REDIS_7_0 = Set.of(
            // Added in Redis 7.2; clients such as redis-py and Lettuce send it when they connect.
            "client|setinfo",
            // Added in Redis 7.2; issue 3 asks for it (reads that leave keys' LRU/LFU data alone).
            "client|no-touch",
            // Hash field expiration: Redis 7.4 (the first eight) and Redis 8.0 (the last three).
            "hexpire", "hpexpire", "hexpireat", "hpexpireat", "httl", "hpttl", "hexpiretime", "hpexpiretime",
            "hpersist", "hgetex", "hsetex", "hgetdel");

    private List<String> names;

    @BeforeAll
    void start() throws IOException {
        try (RawConnection c = new RawConnection(SERVERS.cinnabar().port())) {
            names = bulkStrings(c.call("COMMAND", "LIST"));
        }
        assertTrue(names.contains("command|info"), "COMMAND LIST: " + names);
    }

    @Test
    void commandsNotInRedisAreOnlyTheListedOnes() throws IOException {
        List<String> unknownToRedis = new ArrayList<>();
        try (RawConnection r = new RawConnection(SERVERS.redis().port())) {
            for (String name : names) {
                boolean inRedis = !r.call("COMMAND", "INFO", name).equals("*1\r\n$-1\r\n");
                if (!inRedis) {
                    unknownToRedis.add(name);
                }
                if (inRedis && NOT_IN_REDIS_7_0.contains(name)) {
                    throw new AssertionError(name + " exists in Redis 7.0: take it off the list");
                }
            }
        }
        unknownToRedis.removeAll(NOT_IN_REDIS_7_0);
        assertEquals(List.of(), unknownToRedis, "commands Redis 7.0 does not have; list them with a reason");
    }

    @Test
    void infoIsRedisInResp2() throws IOException {
        compareInfo(false);
    }

    @Test
    void infoIsRedisInResp3() throws IOException {
        compareInfo(true);
    }

    @Test
    void docsHaveRedisStructureInResp2() throws IOException {
        compareDocs(false);
    }

    @Test
    void docsHaveRedisStructureInResp3() throws IOException {
        compareDocs(true);
    }

    private void compareInfo(boolean resp3) throws IOException {
        try (RawConnection r = connect(SERVERS.redis(), resp3); RawConnection c = connect(SERVERS.cinnabar(), resp3)) {
            List<String> failures = new ArrayList<>();
            for (String name : compared()) {
                Node ours = Node.parse(c.call("COMMAND", "INFO", name));
                Set<String> served = ours.infoSubcommandNames();
                served.removeAll(NOT_IN_REDIS_7_0);
                String expected = canonicalInfo(Node.parse(r.call("COMMAND", "INFO", name)), served);
                String actual = canonicalInfo(ours, served);
                if (!expected.equals(actual)) {
                    failures.add(name + "\n  redis:    " + expected + "\n  cinnabar: " + actual);
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    private void compareDocs(boolean resp3) throws IOException {
        try (RawConnection r = connect(SERVERS.redis(), resp3); RawConnection c = connect(SERVERS.cinnabar(), resp3)) {
            List<String> failures = new ArrayList<>();
            for (String name : compared()) {
                String redisDocs = r.call("COMMAND", "DOCS", name);
                String ours = c.call("COMMAND", "DOCS", name);
                Set<String> served = Node.parse(c.call("COMMAND", "INFO", name)).infoSubcommandNames();
                served.removeAll(NOT_IN_REDIS_7_0);
                String expected = canonicalDocs(redisDocs, served);
                String actual = canonicalDocs(ours, served);
                if (!expected.equals(actual)) {
                    failures.add(name + "\n  redis:    " + expected + "\n  cinnabar: " + actual);
                }
                // Our texts exist where Redis has texts, and are not Redis's.
                List<String> redisTexts = new ArrayList<>();
                List<String> ourTexts = new ArrayList<>();
                Node.parse(redisDocs).collectProse(redisTexts);
                Node.parse(ours).collectProse(ourTexts);
                for (String text : ourTexts) {
                    if (redisTexts.contains(text) && text.length() > 24) {
                        failures.add(name + ": the text \"" + text + "\" is Redis's; write it in our own words");
                    }
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    private List<String> compared() {
        List<String> out = new ArrayList<>(names);
        out.removeAll(NOT_IN_REDIS_7_0);
        assertFalse(out.isEmpty());
        return out;
    }

    private static RawConnection connect(ServerProcess server, boolean resp3) throws IOException {
        RawConnection conn = new RawConnection(server.port());
        if (resp3) {
            String hello = conn.call("HELLO", "3");
            assertFalse(hello.startsWith("-"), "HELLO 3 failed: " + hello.trim());
        }
        return conn;
    }

    /**
     * The reply with the subcommands of every entry in a canonical order, keeping only the
     * subcommands we serve: a container is compared on the subcommands built so far, and one we
     * serve that Redis lacks still shows as a difference.
     */
    static String canonicalInfo(Node n, Set<String> served) {
        n.keepInfoSubcommands(served);
        n.sortInfoSubcommands();
        return n.toString();
    }

    /** The reply with our own texts blanked, only served subcommands, in a canonical order. */
    static String canonicalDocs(String reply, Set<String> served) {
        Node n = Node.parse(reply);
        n.keepDocsSubcommands(served);
        n.normalizeDocsMap();
        return n.toString();
    }

    private static List<String> bulkStrings(String reply) {
        List<String> out = new ArrayList<>();
        for (String e : Replies.elements(reply)) {
            out.add(e.substring(e.indexOf("\r\n") + 2, e.length() - 2));
        }
        return out;
    }

    /** A parsed RESP2/RESP3 reply that keeps every type byte, so types are compared too. */
    static final class Node {
        final char type;
        /** The header line without its type byte, or the text of a bulk string. */
        String text;
        final List<Node> children = new ArrayList<>();

        private Node(char type, String text) {
            this.type = type;
            this.text = text;
        }

        static Node parse(String raw) {
            int[] pos = {0};
            Node n = parse(raw, pos);
            if (pos[0] != raw.length()) {
                throw new AssertionError("trailing bytes after a reply: " + raw);
            }
            return n;
        }

        private static Node parse(String s, int[] pos) {
            char t = s.charAt(pos[0]);
            int eol = s.indexOf("\r\n", pos[0]);
            String head = s.substring(pos[0] + 1, eol);
            pos[0] = eol + 2;
            switch (t) {
                case '$': case '=': case '!': {
                    int n = Integer.parseInt(head);
                    if (n < 0) {
                        return new Node(t, head);
                    }
                    Node b = new Node(t, s.substring(pos[0], pos[0] + n));
                    pos[0] += n + 2;
                    return b;
                }
                case '*': case '~': case '>': case '%': {
                    int n = Integer.parseInt(head);
                    Node a = new Node(t, head);
                    for (int i = 0; i < (t == '%' ? 2 * n : Math.max(n, 0)); i++) {
                        a.children.add(parse(s, pos));
                    }
                    return a;
                }
                default:
                    return new Node(t, head);
            }
        }

        /** COMMAND INFO: the full names of the subcommands listed in every entry. */
        Set<String> infoSubcommandNames() {
            Set<String> names = new java.util.HashSet<>();
            for (Node entry : children) {
                if (entry.children.size() == 10) {
                    for (Node sub : entry.children.get(9).children) {
                        names.add(sub.children.get(0).text);
                    }
                }
            }
            return names;
        }

        void keepInfoSubcommands(Set<String> served) {
            for (Node entry : children) {
                if (entry.children.size() == 10) {
                    Node subs = entry.children.get(9);
                    subs.children.removeIf(sub -> !served.contains(sub.children.get(0).text));
                    subs.text = Integer.toString(subs.children.size());
                }
            }
        }

        /** COMMAND DOCS: drops subcommand docs for subcommands not in {@code served}. */
        void keepDocsSubcommands(Set<String> served) {
            for (int i = 1; i < children.size(); i += 2) {
                Node docs = children.get(i);
                for (int k = 0; k + 1 < docs.children.size(); k += 2) {
                    if (docs.children.get(k).text.equals("subcommands")) {
                        Node subs = docs.children.get(k + 1);
                        List<Node> kept = new ArrayList<>();
                        for (int p = 0; p + 1 < subs.children.size(); p += 2) {
                            if (served.contains(subs.children.get(p).text)) {
                                kept.add(subs.children.get(p));
                                kept.add(subs.children.get(p + 1));
                            }
                        }
                        subs.children.clear();
                        subs.children.addAll(kept);
                        int pairs = kept.size() / 2;
                        subs.text = Integer.toString(subs.type == '%' ? pairs : 2 * pairs);
                    }
                }
            }
        }

        /** COMMAND INFO: an array of entries whose 10th element lists subcommand entries. */
        void sortInfoSubcommands() {
            for (Node entry : children) {
                if (entry.children.size() == 10) {
                    Node subs = entry.children.get(9);
                    subs.children.sort(Comparator.comparing(Node::toString));
                }
            }
        }

        /** COMMAND DOCS: a map of name to docs map. */
        void normalizeDocsMap() {
            for (int i = 1; i < children.size(); i += 2) {
                children.get(i).normalizeDocs();
            }
            sortPairs();
        }

        private void normalizeDocs() {
            for (int i = 0; i + 1 < children.size(); i += 2) {
                String key = children.get(i).text;
                Node value = children.get(i + 1);
                switch (key) {
                    case "summary":
                    case "complexity":
                        value.text = "<ours>";
                        break;
                    case "history":
                        for (Node entry : value.children) {
                            entry.children.get(1).text = "<ours>";
                        }
                        break;
                    case "arguments":
                        value.normalizeArguments();
                        break;
                    case "subcommands":
                        value.normalizeDocsMap();
                        break;
                    default:
                        break;
                }
            }
        }

        private void normalizeArguments() {
            for (Node arg : children) {
                for (int i = 0; i + 1 < arg.children.size(); i += 2) {
                    String key = arg.children.get(i).text;
                    if (key.equals("summary")) {
                        arg.children.get(i + 1).text = "<ours>";
                    } else if (key.equals("arguments")) {
                        arg.children.get(i + 1).normalizeArguments();
                    }
                }
            }
        }

        /**
         * Texts that must be ours in COMMAND DOCS: summaries and history notes. (Complexities are
         * left out: a short formula may well read the same in anyone's words.)
         */
        void collectProse(List<String> out) {
            if (type == '%' || (type == '*' && children.size() % 2 == 0)) {
                for (int i = 0; i + 1 < children.size(); i += 2) {
                    String key = children.get(i).text;
                    Node value = children.get(i + 1);
                    if (key.equals("summary")) {
                        out.add(value.text);
                    } else if (key.equals("history")) {
                        for (Node entry : value.children) {
                            out.add(entry.children.get(1).text);
                        }
                    }
                }
            }
            for (Node c : children) {
                c.collectProse(out);
            }
        }

        private void sortPairs() {
            List<List<Node>> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < children.size(); i += 2) {
                pairs.add(List.of(children.get(i), children.get(i + 1)));
            }
            pairs.sort(Comparator.comparing(p -> p.get(0).text));
            children.clear();
            pairs.forEach(children::addAll);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            write(sb);
            return sb.toString();
        }

        private void write(StringBuilder sb) {
            sb.append(type).append(text.replace("\r", "\\r").replace("\n", "\\n"));
            if (!children.isEmpty()) {
                sb.append('[');
                for (int i = 0; i < children.size(); i++) {
                    if (i > 0) {
                        sb.append(' ');
                    }
                    children.get(i).write(sb);
                }
                sb.append(']');
            }
        }
    }
}
