package dev.cinnabar.server.info;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.ServerContext;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the text of INFO from the sections asked for. Sections always come out in Redis's
 * order, whatever the order of the arguments, each once. A new section is a class implementing
 * {@link InfoSection}, placed in {@link #ORDER} where Redis 7.0 prints it: server, clients,
 * memory, persistence, stats, replication, cpu, modules, commandstats, errorstats, latencystats,
 * cluster, keyspace; then Cinnabar's own: memcached.
 */
public final class InfoSections {
    private static final List<InfoSection> ORDER = List.of(
            new ServerSection(),
            new ClientsSection(),
            new MemorySection(),
            new PersistenceSection(),
            new StatsSection(),
            new ReplicationSection(),
            new CpuSection(),
            new ModulesSection(),
            new CommandStatsSection(),
            new ErrorStatsSection(),
            new LatencyStatsSection(),
            new ClusterSection(),
            new KeyspaceSection(),
            new MemcachedSection());

    private InfoSections() {
    }

    /**
     * The text for the section names in {@code argv[from..]}: none or {@code default} means the
     * default sections, {@code all} and {@code everything} every section, other names are matched
     * case-insensitively and unknown ones are skipped.
     */
    public static byte[] render(ServerContext server, Argv argv, int from) {
        Set<String> wanted = new HashSet<>();
        boolean all = false;
        if (argv.count() <= from) {
            addDefaults(wanted);
        }
        for (int i = from; i < argv.count(); i++) {
            if (argv.is(i, "default")) {
                addDefaults(wanted);
            } else if (argv.is(i, "all") || argv.is(i, "everything")) {
                // "everything" adds what modules report, which "all" leaves out; there are none.
                all = true;
            } else {
                wanted.add(asciiLower(argv.latin1(i)));
            }
        }
        InfoWriter out = new InfoWriter();
        for (InfoSection s : ORDER) {
            if ((all && s.inAll(server)) || wanted.contains(s.name())) {
                if (!out.isEmpty()) {
                    out.separator();
                }
                s.write(server, out);
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void addDefaults(Set<String> wanted) {
        for (InfoSection s : ORDER) {
            if (s.isDefault()) {
                wanted.add(s.name());
            }
        }
    }

    /** Lowercases A-Z only, as C's tolower does, so other bytes never match by accident. */
    private static String asciiLower(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            sb.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return sb.toString();
    }
}
