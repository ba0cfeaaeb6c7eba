package dev.cinnabar.server.info;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.memory.HumanBytes;
import dev.cinnabar.server.memory.MemoryFigures;
import dev.cinnabar.server.persistence.AppendOnlyFile;
import dev.cinnabar.server.replication.Replication;
import dev.cinnabar.server.scripting.LoadedFunctions;
import dev.cinnabar.server.scripting.Scripting;

/**
 * {@code # Memory}: Redis 7.0's fields in its order. The figures are our estimate of what the
 * data and clients hold ({@link MemoryFigures}); the allocator fields describe the JVM heap.
 * The script cache and libraries are counted as Redis counts them; the Lua heap is the JVM's and
 * is not measured (used_memory_lua 0). Replication, AOF and cluster links do not exist yet.
 */
final class MemorySection implements InfoSection {
    /** The allocator's name and version, as Redis writes jemalloc-5.3.0. */
    static final String ALLOCATOR = "jvm-" + System.getProperty("java.version");

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        MemoryFigures f = new MemoryFigures(server.memory(), server.keyspace());
        ServerConfig config = server.config();
        out.header("Memory")
                .field("used_memory", f.used)
                .field("used_memory_human", HumanBytes.of(f.used))
                .field("used_memory_rss", f.rss)
                .field("used_memory_rss_human", HumanBytes.of(f.rss))
                .field("used_memory_peak", f.peak)
                .field("used_memory_peak_human", HumanBytes.of(f.peak))
                .field("used_memory_peak_perc", Doubles.fixed(f.peakPercent, 2) + "%")
                .field("used_memory_overhead", f.overheadTotal)
                .field("used_memory_startup", f.startup)
                .field("used_memory_dataset", f.dataset)
                .field("used_memory_dataset_perc", Doubles.fixed(f.datasetPercent, 2) + "%")
                .field("allocator_allocated", f.allocatorAllocated)
                .field("allocator_active", f.allocatorActive)
                .field("allocator_resident", f.allocatorResident)
                .field("total_system_memory", server.memory().totalSystemMemory())
                .field("total_system_memory_human", HumanBytes.of(server.memory().totalSystemMemory()))
                // The Lua VM's heap is the JVM's and is not measured; no functions exist yet.
                .field("used_memory_lua", 0)
                .field("used_memory_vm_eval", 0)
                .field("used_memory_lua_human", HumanBytes.of(0))
                .field("used_memory_scripts_eval", Scripting.scriptsMemory(server))
                .field("number_of_cached_scripts", Scripting.cachedScripts(server))
                .field("number_of_functions", LoadedFunctions.of(server) == null ? 0
                        : LoadedFunctions.of(server).functionCount())
                .field("number_of_libraries", LoadedFunctions.of(server) == null ? 0
                        : LoadedFunctions.of(server).libraries().size())
                .field("used_memory_vm_functions", 0)
                .field("used_memory_vm_total", 0)
                .field("used_memory_vm_total_human", HumanBytes.of(0))
                .field("used_memory_functions", 0)
                .field("used_memory_scripts", Scripting.scriptsMemory(server))
                .field("used_memory_scripts_human", HumanBytes.of(Scripting.scriptsMemory(server)))
                .field("maxmemory", config.maxMemory)
                .field("maxmemory_human", HumanBytes.of(config.maxMemory))
                .field("maxmemory_policy", config.maxMemoryPolicy)
                .field("allocator_frag_ratio", Doubles.fixed(f.allocatorFragmentation, 2))
                // Printed unsigned by Redis (%zu), signed where Redis prints it signed.
                .field("allocator_frag_bytes", Long.toUnsignedString(f.allocatorFragmentationBytes))
                .field("allocator_rss_ratio", Doubles.fixed(f.allocatorRss, 2))
                .field("allocator_rss_bytes", f.allocatorRssBytes)
                .field("rss_overhead_ratio", Doubles.fixed(f.rssOverhead, 2))
                .field("rss_overhead_bytes", f.rssOverheadBytes)
                .field("mem_fragmentation_ratio", Doubles.fixed(f.fragmentation, 2))
                .field("mem_fragmentation_bytes", f.fragmentationBytes)
                .field("mem_not_counted_for_evict", 0)
                .field("mem_replication_backlog", Replication.of(server).backlogLength())
                .field("mem_total_replication_buffers", Replication.of(server).backlogLength()
                        + Replication.of(server).replicaBufferBytes())
                .field("mem_clients_slaves", Replication.of(server).replicaBufferBytes())
                .field("mem_clients_normal", f.clientsNormal)
                .field("mem_cluster_links", 0)
                .field("mem_aof_buffer", AppendOnlyFile.memAofBuffer(server))
                .field("mem_allocator", ALLOCATOR)
                .field("active_defrag_running", 0)
                // Nothing waits to be freed (see LazyFree); the count is what Redis would have freed lazily.
                .field("lazyfree_pending_objects", 0)
                .field("lazyfreed_objects", server.keyspace().lazyFree().freedObjects());
    }
}
