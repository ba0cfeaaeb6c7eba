package dev.cinnabar.server.config;

import dev.cinnabar.server.log.ServerLog;
import java.util.ArrayList;
import java.util.List;

/**
 * CONFIG SET of several directives as one change: every name is checked first, then every value
 * is set, then each distinct apply step runs; any failure puts every value back (and re-applies)
 * before the error is returned. The checks and error texts follow Redis's order exactly.
 */
public final class ConfigSet {
    private ConfigSet() {
    }

    /**
     * Sets {@code pairs} (name, value, name, value, ...). Returns null on success, else the
     * error reply without its leading '-'.
     *
     * @param localClient the client came over a Unix socket or loopback, which
     *     {@code enable-protected-configs local} lets change protected directives
     */
    public static String set(ServerConfig c, List<String> pairs, boolean localClient) {
        return set(c, pairs, localClient, false);
    }

    /** What {@link #set(ServerConfig, List, boolean, boolean)} returns for -LOADING: the caller words it. */
    public static final String DENIED_WHILE_LOADING = "LOADING";

    /**
     * {@link #set(ServerConfig, List, boolean)} while a dataset may be loading: then a directive
     * Redis denies during loading (dir, appendonly) makes the whole call fail with -LOADING,
     * which takes precedence over the other errors, as in Redis.
     */
    public static String set(ServerConfig c, List<String> pairs, boolean localClient, boolean loading) {
        int n = pairs.size() / 2;
        Directive[] targets = new Directive[n];
        String[] shownNames = new String[n];
        String unknown = null;
        String errName = null;
        String errText = null;
        boolean invalid = false;
        boolean denyLoading = false;
        for (int i = 0; i < n; i++) {
            String typed = pairs.get(2 * i);
            Directive d = Directives.lookup(typed);
            if (d == null) {
                if (!invalid) {
                    unknown = typed;
                    invalid = true;
                }
                continue;
            }
            if (invalid) {
                continue;
            }
            if (d.has(Directive.IMMUTABLE) || (d.has(Directive.PROTECTED) && !protectedAllowed(c, localClient))) {
                errText = d.has(Directive.IMMUTABLE) ? "can't set immutable config" : "can't set protected config";
                errName = typed;
                invalid = true;
                continue;
            }
            if (loading && d.has(Directive.DENY_LOADING)) {
                denyLoading = true;
                invalid = true;
                continue;
            }
            // An alias is a separate entry in Redis's table, so "name" and "alias" together pass.
            String entry = registeredName(d, typed);
            for (int j = 0; j < i; j++) {
                if (targets[j] == d && shownNames[j].equals(entry)) {
                    errText = "duplicate parameter";
                    errName = typed;
                    invalid = true;
                    break;
                }
            }
            targets[i] = d;
            shownNames[i] = entry;
        }
        if (denyLoading) {
            return DENIED_WHILE_LOADING;
        }
        if (invalid) {
            return error(unknown, errName, errText);
        }

        String[] old = new String[n];
        for (int i = 0; i < n; i++) {
            old[i] = targets[i].get(c);
        }
        List<Directive.Apply> applies = new ArrayList<>();
        List<Integer> applyOwner = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Directive.Result r;
            try {
                r = targets[i].set(c, argsOf(targets[i], pairs.get(2 * i + 1)), null);
            } catch (ConfigError e) {
                restore(c, targets, old, i + 1, List.of());
                return error(null, shownNames[i], e.getMessage());
            }
            Directive.Apply a = targets[i].apply;
            if (r == Directive.Result.CHANGED && a != null && !applies.contains(a)) {
                applies.add(a);
                applyOwner.add(i);
            }
        }
        for (int k = 0; k < applies.size(); k++) {
            try {
                applies.get(k).apply(c);
            } catch (ConfigError e) {
                String owner = shownNames[applyOwner.get(k)];
                ServerLog.warning("Failed applying new configuration. Possibly related to new " + owner
                        + " setting. Restoring previous settings.");
                restore(c, targets, old, n, applies);
                return error(null, owner, e.getMessage());
            }
        }
        return null;
    }

    /** Sets one directive from a CONFIG SET value, e.g. for tests and the embedded API. */
    public static void setOne(ServerConfig c, String name, String value) throws ConfigError {
        Directive d = Directives.lookup(name);
        if (d == null) {
            throw new ConfigError("Unknown option '" + name + "'");
        }
        d.set(c, argsOf(d, value), null);
    }

    private static boolean protectedAllowed(ServerConfig c, boolean localClient) {
        return c.enableProtectedConfigs.equals("yes") || (c.enableProtectedConfigs.equals("local") && localClient);
    }

    /** The name Redis reports for an entry: the alias when the client used it, else the primary. */
    private static String registeredName(Directive d, String typed) {
        return d.alias != null && d.alias.equalsIgnoreCase(typed) ? d.alias : d.name;
    }

    static String[] argsOf(Directive d, String value) {
        return d.has(Directive.MULTI_ARG) ? Quoting.splitOnSpaces(value) : new String[] {value};
    }

    private static void restore(ServerConfig c, Directive[] targets, String[] old, int count, List<Directive.Apply> applies) {
        for (int i = 0; i < count; i++) {
            try {
                targets[i].set(c, argsOf(targets[i], old[i]), null);
            } catch (ConfigError e) {
                ServerLog.warning("Failed restoring failed CONFIG SET command. Error setting " + targets[i].name
                        + " to '" + old[i] + "': " + e.getMessage());
            }
        }
        for (Directive.Apply a : applies) {
            try {
                a.apply(c);
            } catch (ConfigError e) {
                ServerLog.warning("Failed applying restored failed CONFIG SET command: " + e.getMessage());
            }
        }
    }

    private static String error(String unknown, String name, String text) {
        if (unknown != null) {
            return "ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'";
        }
        if (text != null) {
            return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + text;
        }
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "')";
    }
}
