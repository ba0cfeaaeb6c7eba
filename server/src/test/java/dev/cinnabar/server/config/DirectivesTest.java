package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectivesTest {
    @Test
    void everyNameAndAliasResolvesInAnyCase() {
        for (Map.Entry<String, Directive> e : Directives.byName().entrySet()) {
            assertSame(e.getValue(), Directives.lookup(e.getKey().toUpperCase()));
        }
        assertSame(Directives.lookup("replicaof"), Directives.lookup("SlaveOf"));
        assertSame(Directives.lookup("hash-max-listpack-entries"), Directives.lookup("hash-max-ziplist-entries"));
        assertNull(Directives.lookup("list-max-ziplist-entries"));
    }

    @Test
    void theTableHasRedisesCount() {
        // 192 names (aliases included) shown by CONFIG GET *, plus 6 hidden ones (Debian's build
        // adds lua-enable-deprecated-api to upstream's 5); Cinnabar's own aside.
        long shown = Directives.byName().values().stream().filter(d -> !d.has(Directive.HIDDEN)).count();
        assertEquals(192, shown);
        assertEquals(198, Directives.byName().values().stream().filter(d -> !d.has(Directive.OWN)).count());
    }

    @Test
    void settingTheShownValueChangesNothing() throws ConfigError {
        // What GET prints, SET must read back: CONFIG SET's rollback relies on it.
        ServerConfig c = new ServerConfig();
        for (Directive d : Directives.all()) {
            if (d.has(Directive.IMMUTABLE)) {
                continue;
            }
            String before = d.get(c);
            d.set(c, ConfigSet.argsOf(d, before), null);
            assertEquals(before, d.get(c), d.name());
        }
    }

    @Test
    void activeDirectivesAreTheOnesCinnabarHonours() {
        for (String name : List.of("port", "bind", "hz", "timeout", "maxclients", "requirepass", "loglevel", "logfile",
                "pidfile", "dir", "databases", "unixsocket", "proto-max-bulk-len", "appendonly", "appendfsync",
                "appendfilename", "appenddirname", "aof-timestamp-enabled", "no-appendfsync-on-rewrite", "dynamic-hz",
                "syslog-enabled", "aclfile", "min-replicas-to-write", "repl-diskless-sync", "repl-diskless-sync-delay",
                "rdb-del-sync-files", "masterauth", "replica-read-only", "shutdown-timeout", "cluster-enabled",
                "cluster-config-file", "cluster-node-timeout", "cluster-announce-ip", "cluster-port")) {
            assertEquals(Directive.Effect.ACTIVE, Directives.lookup(name).effect(), name);
        }
        assertEquals(Directive.Effect.ACTIVE, Directives.lookup("appendonly").effect());
        assertEquals(Directive.Effect.ACTIVE, Directives.lookup("repl-diskless-load").effect());
        assertEquals(Directive.Effect.ACTIVE, Directives.lookup("tls-cluster").effect());
        assertEquals(Directive.Effect.ACTIVE, Directives.lookup("cluster-announce-tls-port").effect());
        assertEquals(Directive.Effect.PENDING, Directives.lookup("socket-mark-id").effect());
        assertEquals(Directive.Effect.IGNORED, Directives.lookup("jemalloc-bg-thread").effect());
    }

    @Test
    void keyspaceEventsRoundTrip() {
        assertEquals("AKE", KeyspaceEvents.format(KeyspaceEvents.parse("KEA")));
        assertEquals("AKEm", KeyspaceEvents.format(KeyspaceEvents.parse("gK$lshzxetmdnE")));
        assertEquals("AKE", KeyspaceEvents.format(KeyspaceEvents.parse("g$lshzxetdKE")));
        assertEquals("g$lshzxetKE", KeyspaceEvents.format(KeyspaceEvents.parse("g$lshzxetKE")));
        assertEquals("nKm", KeyspaceEvents.format(KeyspaceEvents.parse("mKn")));
        assertEquals(-1, KeyspaceEvents.parse("Q"));
        assertEquals("", KeyspaceEvents.format(0));
    }
}
