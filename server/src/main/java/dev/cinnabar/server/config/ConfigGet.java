package dev.cinnabar.server.config;

import dev.cinnabar.datatypes.Glob;
import java.nio.charset.StandardCharsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * CONFIG GET: each argument is a name or a glob pattern. A plain name is looked up in any case and
 * answered under the spelling the client used; a pattern matches every name and alias except the
 * hidden ones. A name matched twice is answered once.
 */
public final class ConfigGet {
    private ConfigGet() {
    }

    /** Name and value pairs, in the order the arguments found them. */
    public static List<String[]> get(ServerConfig c, List<String> patterns) {
        List<String[]> out = new ArrayList<>();
        Set<String> taken = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String p : patterns) {
            if (p.indexOf('[') < 0 && p.indexOf('*') < 0 && p.indexOf('?') < 0) {
                Directive d = Directives.lookup(p);
                if (d != null && taken.add(p)) {
                    out.add(new String[] {p, d.get(c)});
                }
                continue;
            }
            for (Map.Entry<String, Directive> e : Directives.byName().entrySet()) {
                Directive d = e.getValue();
                if (d.has(Directive.HIDDEN) || taken.contains(e.getKey())) {
                    continue;
                }
                if (Glob.matchesIgnoreCase(p.getBytes(StandardCharsets.UTF_8), e.getKey().getBytes(StandardCharsets.UTF_8))) {
                    taken.add(e.getKey());
                    out.add(new String[] {e.getKey(), d.get(c)});
                }
            }
        }
        return out;
    }
}
