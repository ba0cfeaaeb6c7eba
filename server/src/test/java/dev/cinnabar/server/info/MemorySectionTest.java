package dev.cinnabar.server.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.testing.EngineHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemorySectionTest {
    /** The fields of redis-server 7.0.15's INFO memory, in its order. */
    static final List<String> REDIS_FIELDS = List.of("used_memory", "used_memory_human", "used_memory_rss",
            "used_memory_rss_human", "used_memory_peak", "used_memory_peak_human", "used_memory_peak_perc",
            "used_memory_overhead", "used_memory_startup", "used_memory_dataset", "used_memory_dataset_perc",
            "allocator_allocated", "allocator_active", "allocator_resident", "total_system_memory",
            "total_system_memory_human", "used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
            "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions", "number_of_libraries",
            "used_memory_vm_functions", "used_memory_vm_total", "used_memory_vm_total_human",
            "used_memory_functions", "used_memory_scripts", "used_memory_scripts_human", "maxmemory",
            "maxmemory_human", "maxmemory_policy", "allocator_frag_ratio", "allocator_frag_bytes",
            "allocator_rss_ratio", "allocator_rss_bytes", "rss_overhead_ratio", "rss_overhead_bytes",
            "mem_fragmentation_ratio", "mem_fragmentation_bytes", "mem_not_counted_for_evict",
            "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves", "mem_clients_normal",
            "mem_cluster_links", "mem_aof_buffer", "mem_allocator", "active_defrag_running",
            "lazyfree_pending_objects", "lazyfreed_objects");

    private final EngineHarness h = new EngineHarness();

    private Map<String, String> memory() {
        String reply = h.call("INFO", "memory");
        String text = reply.substring(reply.indexOf("\r\n") + 2);
        assertTrue(text.startsWith("# Memory\r\n"), text);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    @Test
    void redisFieldsInRedisOrder() {
        assertEquals(REDIS_FIELDS, new ArrayList<>(memory().keySet()));
    }

    @Test
    void figuresAddUp() {
        h.call("SET", "a", "x".repeat(1000));
        h.call("SET", "b", "12345678901");
        Map<String, String> f = memory();
        long used = Long.parseLong(f.get("used_memory"));
        long overhead = Long.parseLong(f.get("used_memory_overhead"));
        long dataset = Long.parseLong(f.get("used_memory_dataset"));
        assertEquals(used, overhead + dataset);
        // The table's index and per-key arrays are overhead; the dataset is the keys' 8-byte
        // records in the slab and the values.
        assertEquals(8 + 1016 + 8 + 24, dataset);
        assertTrue(f.get("used_memory_human").endsWith("K"), f.get("used_memory_human"));
        assertTrue(Long.parseLong(f.get("used_memory_peak")) >= used);
        assertTrue(f.get("used_memory_peak_perc").matches("\\d+\\.\\d\\d%"), f.get("used_memory_peak_perc"));
        assertTrue(f.get("mem_fragmentation_ratio").matches("\\d+\\.\\d\\d"), f.get("mem_fragmentation_ratio"));
        assertEquals("noeviction", f.get("maxmemory_policy"));
        assertEquals("0B", f.get("maxmemory_human"));
        assertTrue(f.get("mem_allocator").startsWith("jvm-"), f.get("mem_allocator"));
        assertTrue(Long.parseLong(f.get("mem_clients_normal")) > 0);
    }

    @Test
    void maxmemoryFollowsConfigSet() {
        h.call("CONFIG", "SET", "maxmemory", "100mb");
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        Map<String, String> f = memory();
        assertEquals("104857600", f.get("maxmemory"));
        assertEquals("100.00M", f.get("maxmemory_human"));
        assertEquals("allkeys-lru", f.get("maxmemory_policy"));
    }
}
