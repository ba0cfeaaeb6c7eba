package dev.cinnabar.server.memcached;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.stats.CpuUsage;
import dev.cinnabar.server.stats.MemcachedStats;
import java.nio.charset.StandardCharsets;

/**
 * The text protocol's {@code stats} command: general, {@code settings}, {@code items},
 * {@code slabs}, {@code conns}, {@code reset}, {@code detail}, {@code sizes},
 * {@code cachedump}, with memcached 1.6.18's field names in its order. Counters are the
 * memcached front end's own ({@link MemcachedStats}); figures of memcached's internals that
 * Cinnabar has no counterpart for (slab rebalancing, the LRU crawler, extstore) are 0 or
 * memcached's defaults. Items are the keys of {@code memcached-db}; {@code bytes} is that
 * database's share of used_memory; {@code limit_maxbytes} is {@code maxmemory} (the JVM's
 * heap when it is 0). The binary protocol's STAT can reuse {@link #general} and friends
 * through {@link Sink}.
 */
public final class Stats {
    private Stats() {
    }

    /** Where stat lines go: text as {@code STAT name value}, binary as one frame each. */
    public interface Sink {
        void stat(String name, String value);
    }

    private static final class TextSink implements Sink {
        final StringBuilder out = new StringBuilder(4096);

        @Override
        public void stat(String name, String value) {
            out.append("STAT ").append(name).append(' ').append(value).append("\r\n");
        }
    }

    static int command(MemcachedSession s, TextLine line) {
        ServerContext server = s.client.server;
        if (line.count() == 1) {
            return emit(s, line, sink -> {
                general(server, sink);
            });
        }
        if (line.is(1, "reset")) {
            server.stats().memcached.reset();
            return TextProtocol.reply(s, line, TextProtocol.RESET);
        }
        if (line.is(1, "detail")) {
            if (line.count() >= 3 && (line.is(2, "on") || line.is(2, "off"))) {
                return TextProtocol.reply(s, line, TextProtocol.OK);
            }
            if (line.count() >= 3 && line.is(2, "dump")) {
                return TextProtocol.reply(s, line, TextProtocol.ascii("END"));
            }
            return TextProtocol.reply(s, line, TextProtocol.DETAIL_USAGE);
        }
        if (line.is(1, "settings")) {
            return emit(s, line, sink -> settings(server, sink));
        }
        if (line.is(1, "cachedump")) {
            if (line.count() < 4) {
                return TextProtocol.reply(s, line, TextProtocol.BAD_COMMAND_LINE);
            }
            long id = line.parseU32(2);
            boolean ok = line.ok();
            line.parseU32(3);
            if (!ok || !line.ok()) {
                return TextProtocol.reply(s, line, TextProtocol.BAD_FORMAT);
            }
            if (id >= 64) {
                return TextProtocol.reply(s, line, TextProtocol.ILLEGAL_SLAB);
            }
            return TextProtocol.reply(s, line, TextProtocol.ascii("END"));
        }
        if (line.is(1, "conns")) {
            return emit(s, line, sink -> conns(server, sink));
        }
        if (line.is(1, "items")) {
            return emit(s, line, sink -> items(server, sink));
        }
        if (line.is(1, "slabs")) {
            return emit(s, line, sink -> slabs(server, sink));
        }
        if (line.is(1, "sizes")) {
            return emit(s, line, sink -> sink.stat("sizes_status", "disabled"));
        }
        return TextProtocol.reply(s, line, TextProtocol.ERROR);
    }

    private interface Body {
        void write(Sink sink);
    }

    private static int emit(MemcachedSession s, TextLine line, Body body) {
        TextSink sink = new TextSink();
        body.write(sink);
        sink.out.append("END\r\n");
        s.consume(line.next() - s.readIndex());
        s.write(sink.out.toString().getBytes(StandardCharsets.US_ASCII));
        return MemcachedSession.DONE;
    }

    private static String n(long v) {
        return Long.toString(v);
    }

    private static long memcachedConnections(ServerContext server) {
        long n = 0;
        for (Client c : server.clients().all()) {
            if (c.memcached != null) {
                n++;
            }
        }
        return n;
    }

    private static long limitMaxBytes(ServerConfig config) {
        return config.maxMemory != 0 ? config.maxMemory : Runtime.getRuntime().maxMemory();
    }

    private static Db itemsDb(ServerContext server) {
        return MemcachedItems.of(server).db();
    }

    /** The general statistics, memcached's {@code stats} with no argument. */
    public static void general(ServerContext server, Sink sink) {
        MemcachedStats m = server.stats().memcached;
        ServerConfig config = server.config();
        long now = server.clock().millis();
        long[] cpu = CpuUsage.process();
        Db db = itemsDb(server);
        long curr = memcachedConnections(server);
        sink.stat("pid", n(ServerLog.pid()));
        sink.stat("uptime", n(Math.max(0, (now - server.stats().startMillis) / 1000)));
        sink.stat("time", n(now / 1000));
        sink.stat("version", TextProtocol.VERSION);
        sink.stat("libevent", "cinnabar");
        sink.stat("pointer_size", "64");
        sink.stat("rusage_user", micros(cpu[0]));
        sink.stat("rusage_system", micros(cpu[1]));
        sink.stat("max_connections", n(config.maxClients));
        sink.stat("curr_connections", n(curr));
        sink.stat("total_connections", n(m.totalConnections));
        sink.stat("rejected_connections", n(m.rejectedConnections));
        sink.stat("connection_structures", n(curr));
        sink.stat("response_obj_oom", "0");
        sink.stat("response_obj_count", "0");
        sink.stat("response_obj_bytes", "0");
        sink.stat("read_buf_count", "0");
        sink.stat("read_buf_bytes", "0");
        sink.stat("read_buf_bytes_free", "0");
        sink.stat("read_buf_oom", "0");
        sink.stat("reserved_fds", "0");
        sink.stat("cmd_get", n(m.getCmds));
        sink.stat("cmd_set", n(m.setCmds));
        sink.stat("cmd_flush", n(m.flushCmds));
        sink.stat("cmd_touch", n(m.touchCmds));
        sink.stat("cmd_meta", n(m.metaCmds));
        sink.stat("get_hits", n(m.getHits));
        sink.stat("get_misses", n(m.getMisses));
        sink.stat("get_expired", n(m.getExpired));
        sink.stat("get_flushed", n(m.getFlushed));
        sink.stat("delete_misses", n(m.deleteMisses));
        sink.stat("delete_hits", n(m.deleteHits));
        sink.stat("incr_misses", n(m.incrMisses));
        sink.stat("incr_hits", n(m.incrHits));
        sink.stat("decr_misses", n(m.decrMisses));
        sink.stat("decr_hits", n(m.decrHits));
        sink.stat("cas_misses", n(m.casMisses));
        sink.stat("cas_hits", n(m.casHits));
        sink.stat("cas_badval", n(m.casBadval));
        sink.stat("touch_hits", n(m.touchHits));
        sink.stat("touch_misses", n(m.touchMisses));
        sink.stat("store_too_large", n(m.storeTooLarge));
        sink.stat("store_no_memory", n(m.storeNoMemory));
        sink.stat("auth_cmds", n(m.authCmds));
        sink.stat("auth_errors", n(m.authErrors));
        sink.stat("bytes_read", n(m.bytesRead));
        sink.stat("bytes_written", n(m.bytesWritten));
        sink.stat("limit_maxbytes", n(limitMaxBytes(config)));
        sink.stat("accepting_conns", "1");
        sink.stat("listen_disabled_num", "0");
        sink.stat("time_in_listen_disabled_us", "0");
        sink.stat("threads", n(config.ioThreads));
        sink.stat("conn_yields", "0");
        sink.stat("hash_power_level", n(hashPower(db)));
        sink.stat("hash_bytes", n(8L << hashPower(db)));
        sink.stat("hash_is_expanding", db.keys().isRehashing() ? "1" : "0");
        sink.stat("slab_reassign_rescues", "0");
        sink.stat("slab_reassign_chunk_rescues", "0");
        sink.stat("slab_reassign_evictions_nomem", "0");
        sink.stat("slab_reassign_inline_reclaim", "0");
        sink.stat("slab_reassign_busy_items", "0");
        sink.stat("slab_reassign_busy_deletes", "0");
        sink.stat("slab_reassign_running", "0");
        sink.stat("slabs_moved", "0");
        sink.stat("lru_crawler_running", "0");
        sink.stat("lru_crawler_starts", "0");
        sink.stat("lru_maintainer_juggles", "0");
        sink.stat("malloc_fails", "0");
        sink.stat("log_worker_dropped", "0");
        sink.stat("log_worker_written", "0");
        sink.stat("log_watcher_skipped", "0");
        sink.stat("log_watcher_sent", "0");
        sink.stat("log_watchers", "0");
        sink.stat("unexpected_napi_ids", "0");
        sink.stat("round_robin_fallback", "0");
        sink.stat("bytes", n(db.memory()));
        sink.stat("curr_items", n(db.size()));
        sink.stat("total_items", n(m.totalItems));
        sink.stat("slab_global_page_pool", "0");
        sink.stat("expired_unfetched", "0");
        sink.stat("evicted_unfetched", "0");
        sink.stat("evicted_active", "0");
        sink.stat("evictions", n(server.stats().evictedKeys));
        sink.stat("reclaimed", "0");
        sink.stat("crawler_reclaimed", "0");
        sink.stat("crawler_items_checked", "0");
        sink.stat("lrutail_reflocked", "0");
        sink.stat("moves_to_cold", "0");
        sink.stat("moves_to_warm", "0");
        sink.stat("moves_within_lru", "0");
        sink.stat("direct_reclaims", "0");
        sink.stat("lru_bumps_dropped", "0");
    }

    private static int hashPower(Db db) {
        int buckets = Math.max(1, db.keys().tableLength(0) + db.keys().tableLength(1));
        return 31 - Integer.numberOfLeadingZeros(buckets);
    }

    private static String micros(long us) {
        return String.format(java.util.Locale.ROOT, "%d.%06d", us / 1_000_000, us % 1_000_000);
    }

    /** {@code stats settings}. */
    public static void settings(ServerContext server, Sink sink) {
        ServerConfig config = server.config();
        sink.stat("maxbytes", n(limitMaxBytes(config)));
        sink.stat("maxconns", n(config.maxClients));
        sink.stat("tcpport", n(config.memcachedPort));
        sink.stat("udpport", "0");
        sink.stat("inter", config.bind.length == 0 ? "NULL" : String.join(",", config.bind));
        sink.stat("verbosity", "0");
        sink.stat("oldest", "0");
        sink.stat("evictions", config.maxMemoryPolicy.equals("noeviction") ? "off" : "on");
        sink.stat("domain_socket", "NULL");
        sink.stat("umask", "700");
        sink.stat("shutdown_command", "no");
        sink.stat("growth_factor", "1.25");
        sink.stat("chunk_size", "48");
        sink.stat("num_threads", n(config.ioThreads));
        sink.stat("num_threads_per_udp", n(config.ioThreads));
        sink.stat("stat_key_prefix", ":");
        sink.stat("detail_enabled", "no");
        sink.stat("reqs_per_event", "20");
        sink.stat("cas_enabled", "yes");
        sink.stat("tcp_backlog", n(config.tcpBacklog));
        sink.stat("binding_protocol", "auto-negotiate");
        sink.stat("auth_enabled_sasl", server.acl().authRequired() ? "yes" : "no");
        sink.stat("auth_enabled_ascii", server.acl().authRequired() ? "requirepass" : "no");
        sink.stat("item_size_max", n(config.memcachedMaxItemSize));
        sink.stat("maxconns_fast", "yes");
        sink.stat("hashpower_init", "0");
        sink.stat("slab_reassign", "no");
        sink.stat("slab_automove", "0");
        sink.stat("slab_automove_ratio", "0.80");
        sink.stat("slab_automove_window", "30");
        sink.stat("slab_chunk_max", n(config.memcachedMaxItemSize / 2));
        sink.stat("lru_crawler", "no");
        sink.stat("lru_crawler_sleep", "100");
        sink.stat("lru_crawler_tocrawl", "0");
        sink.stat("tail_repair_time", "0");
        sink.stat("flush_enabled", "yes");
        sink.stat("dump_enabled", "no");
        sink.stat("hash_algorithm", "siphash");
        sink.stat("lru_maintainer_thread", "no");
        sink.stat("lru_segmented", "no");
        sink.stat("hot_lru_pct", "20");
        sink.stat("warm_lru_pct", "40");
        sink.stat("hot_max_factor", "0.20");
        sink.stat("warm_max_factor", "2.00");
        sink.stat("temp_lru", "no");
        sink.stat("temporary_ttl", "61");
        sink.stat("idle_timeout", n(config.timeoutSeconds));
        sink.stat("watcher_logbuf_size", "262144");
        sink.stat("worker_logbuf_size", "65536");
        sink.stat("read_buf_mem_limit", "0");
        sink.stat("track_sizes", "no");
        sink.stat("inline_ascii_response", "no");
        sink.stat("slab_automove_freeratio", "0.010");
        sink.stat("num_napi_ids", "(null)");
    }

    /** {@code stats items}: one class holding every item. */
    public static void items(ServerContext server, Sink sink) {
        Db db = itemsDb(server);
        MemcachedStats m = server.stats().memcached;
        if (db.size() == 0 && !m.everStored) {
            return;
        }
        String p = "items:1:";
        sink.stat(p + "number", n(db.size()));
        sink.stat(p + "number_hot", "0");
        sink.stat(p + "number_warm", "0");
        sink.stat(p + "number_cold", n(db.size()));
        sink.stat(p + "age_hot", "0");
        sink.stat(p + "age_warm", "0");
        sink.stat(p + "age", "0");
        sink.stat(p + "mem_requested", n(db.memory()));
        sink.stat(p + "evicted", n(server.stats().evictedKeys));
        sink.stat(p + "evicted_nonzero", "0");
        sink.stat(p + "evicted_time", "0");
        sink.stat(p + "outofmemory", n(m.storeNoMemory));
        sink.stat(p + "tailrepairs", "0");
        sink.stat(p + "reclaimed", "0");
        sink.stat(p + "expired_unfetched", "0");
        sink.stat(p + "evicted_unfetched", "0");
        sink.stat(p + "evicted_active", "0");
        sink.stat(p + "crawler_reclaimed", "0");
        sink.stat(p + "crawler_items_checked", "0");
        sink.stat(p + "lrutail_reflocked", "0");
        sink.stat(p + "moves_to_cold", "0");
        sink.stat(p + "moves_to_warm", "0");
        sink.stat(p + "moves_within_lru", "0");
        sink.stat(p + "direct_reclaims", "0");
        sink.stat(p + "hits_to_hot", "0");
        sink.stat(p + "hits_to_warm", "0");
        sink.stat(p + "hits_to_cold", n(m.getHits));
        sink.stat(p + "hits_to_temp", "0");
    }

    /** {@code stats slabs}: one class holding every item. */
    public static void slabs(ServerContext server, Sink sink) {
        Db db = itemsDb(server);
        MemcachedStats m = server.stats().memcached;
        long size = db.size();
        if (size > 0 || m.everStored) {
            long chunk = Math.max(1, db.memory() / Math.max(1, size));
            sink.stat("1:chunk_size", n(chunk));
            sink.stat("1:chunks_per_page", n(Math.max(1, server.config().memcachedMaxItemSize / chunk)));
            sink.stat("1:total_pages", "1");
            sink.stat("1:total_chunks", n(size));
            sink.stat("1:used_chunks", n(size));
            sink.stat("1:free_chunks", "0");
            sink.stat("1:free_chunks_end", "0");
            sink.stat("1:get_hits", n(m.getHits));
            sink.stat("1:cmd_set", n(m.setCmds));
            sink.stat("1:delete_hits", n(m.deleteHits));
            sink.stat("1:incr_hits", n(m.incrHits));
            sink.stat("1:decr_hits", n(m.decrHits));
            sink.stat("1:cas_hits", n(m.casHits));
            sink.stat("1:cas_badval", n(m.casBadval));
            sink.stat("1:touch_hits", n(m.touchHits));
        }
        sink.stat("active_slabs", size > 0 || m.everStored ? "1" : "0");
        sink.stat("total_malloced", n(db.memory()));
    }

    /** {@code stats conns}: each memcached connection, by client id. */
    public static void conns(ServerContext server, Sink sink) {
        long now = server.clock().millis();
        for (Client c : server.clients().all()) {
            if (c.memcached == null) {
                continue;
            }
            String id = n(c.fd >= 0 ? c.fd : c.id);
            sink.stat(id + ":addr", "tcp:" + c.remoteAddress);
            sink.stat(id + ":listen_addr", "tcp:" + c.localAddress);
            sink.stat(id + ":state", "conn_parse_cmd");
            sink.stat(id + ":secs_since_last_cmd", n(Math.max(0, (now - c.lastInteractionMillis) / 1000)));
        }
    }
}
