package dev.cinnabar.server.command;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.protocol.Argv;

/**
 * Finds the key arguments of a command line from the command's key specs, falling back to the
 * command's own {@link KeyFinder} where the specs cannot tell, exactly as Redis 7.0 does. This
 * serves COMMAND GETKEYS now, and ACL key checks and cluster slots later.
 *
 * <p>Positions are relative to the command name (position 0), which is argument {@code base} of
 * the argv: COMMAND GETKEYS passes the line that starts at its third argument.
 */
public final class CommandKeys {
    /** What one spec made of the arguments. */
    private static final int INVALID = -1;
    private static final int SKIPPED = 0;
    private static final int ADDED = 1;

    private CommandKeys() {
    }

    /**
     * COMMAND GETKEYS and GETKEYSANDFLAGS: finds the command named by argument {@code base} (and
     * its subcommand), checks it can have keys and that the arguments fit its arity, then finds
     * the keys. Returns their number, 0 only for a command whose keys are optional (EVAL with no
     * keys); every other failure is a {@link CommandError} with Redis's text.
     */
    public static int forGetKeys(CommandTable table, Argv argv, int base, KeyResult out) {
        int argc = argv.count() - base;
        CommandSpec cmd = table.lookup(argv, base);
        if (cmd != null && cmd.isContainer() && argc >= 2) {
            cmd = cmd.subcommand(argv, base + 1);
        }
        if (cmd == null) {
            throw new CommandError("ERR Invalid command specified");
        }
        if (!mayHaveKeys(cmd)) {
            throw new CommandError("ERR The command has no key arguments");
        }
        if (!cmd.arityAccepts(argc)) {
            throw new CommandError("ERR Invalid number of arguments specified for command");
        }
        int n = find(cmd, argv, base, argc, out);
        if (n == 0 && !cmd.has(CommandFlags.NO_MANDATORY_KEYS)) {
            throw new CommandError("ERR Invalid arguments specified for command");
        }
        return n;
    }

    /**
     * True when the command may have keys at all: it has its own key finder, or a key spec that
     * names real keys (not the shard channels of SPUBLISH and friends).
     */
    public static boolean mayHaveKeys(CommandSpec cmd) {
        return cmd.keyFinder != null || cmd.hasRealKeySpec;
    }

    /**
     * True when cluster mode must find which slot the command touches: it has key specs (shard
     * channels count, as in Redis's legacy range) or finds its keys itself.
     */
    public static boolean routed(CommandSpec cmd) {
        return cmd.keyFinder != null || !cmd.keySpecs.isEmpty();
    }

    /**
     * The keys cluster mode checks the slots of (Redis's getKeysFromCommand as getNodeByQuery
     * uses it): the command's keys, or for SPUBLISH, SSUBSCRIBE and SUNSUBSCRIBE, whose specs
     * name channels, the channels.
     */
    public static int forRouting(CommandSpec cmd, Argv argv, int base, int argc, KeyResult out) {
        int n = find(cmd, argv, base, argc, out);
        if (n == 0 && !cmd.hasRealKeySpec && !cmd.keySpecs.isEmpty()) {
            out.clear();
            n = Math.max(0, fromSpecs(cmd, argv, base, argc, true, true, out));
        }
        return n;
    }

    /**
     * Redis's getKeysFromCommandWithSpecs: the specs first when they are complete and their
     * flags fixed, then the command's own finder. Returns the number of keys in {@code out}.
     */
    public static int find(CommandSpec cmd, Argv argv, int base, int argc, KeyResult out) {
        out.clear();
        if (cmd.hasRealKeySpec && !cmd.hasVariableFlags) {
            int n = fromSpecs(cmd, argv, base, argc, false, false, out);
            if (n >= 0) {
                return n;
            }
            out.clear();
        }
        if (cmd.keyFinder != null) {
            return cmd.keyFinder.find(argv, base, argc, out);
        }
        return 0;
    }

    /**
     * Applies the key specs. Returns -1 when a spec does not fit the arguments (an unknown spec,
     * a bad key count, keys past the end, an incomplete spec) unless {@code partial}, which skips
     * such specs and keeps what the others found.
     */
    public static int fromSpecs(CommandSpec cmd, Argv argv, int base, int argc,
                                boolean includeNotKeys, boolean partial, KeyResult out) {
        for (KeySpec spec : cmd.keySpecs) {
            if (spec.has(KeyFlags.NOT_KEY) && !includeNotKeys) {
                continue;
            }
            int r = addSpecKeys(spec, argv, base, argc, out);
            if (r == SKIPPED) {
                continue;
            }
            // An incomplete spec counts as invalid only after its keys were added, so that a
            // partial search keeps them.
            if (r == INVALID || spec.has(KeyFlags.INCOMPLETE)) {
                if (partial) {
                    continue;
                }
                out.clear();
                return -1;
            }
        }
        return out.count();
    }

    /** Adds one spec's keys. A keyword that is not there skips the spec without error. */
    private static int addSpecKeys(KeySpec spec, Argv argv, int base, int argc, KeyResult out) {
        int first = 0;
        switch (spec.beginSearch) {
            case INDEX:
                first = spec.index;
                break;
            case KEYWORD: {
                // Redis's loop stops before the end index, so a keyword in the last argument (or,
                // searching backwards, in the first) is never found.
                int start = spec.startFrom > 0 ? spec.startFrom : argc + spec.startFrom;
                int end = spec.startFrom > 0 ? argc - 1 : 1;
                for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                    if (i >= argc || i < 1) {
                        break;
                    }
                    if (cStringIs(argv, base + i, spec.keywordLower)) {
                        first = i + 1;
                        break;
                    }
                }
                if (first == 0) {
                    return SKIPPED;
                }
                break;
            }
            default:
                return INVALID;
        }
        int last;
        switch (spec.findKeys) {
            case RANGE:
                if (spec.lastKey >= 0) {
                    last = first + spec.lastKey;
                } else if (spec.limit == 0) {
                    last = argc + spec.lastKey;
                } else {
                    last = first + ((argc - first) / spec.limit + spec.lastKey);
                }
                break;
            case KEYNUM: {
                int at = first + spec.keyNumIndex;
                if (spec.keyNumIndex >= argc || at >= argc) {
                    return INVALID;
                }
                long n = Numbers.parseLongOrSentinel(argv.array(base + at), argv.offset(base + at), argv.length(base + at));
                if (n < 0) {
                    return INVALID; // not an integer (the sentinel is negative too) or negative
                }
                first += spec.firstKey;
                // Redis narrows the count to an int here; a huge count wraps as it does in C.
                last = first + (int) n - 1;
                break;
            }
            default:
                return INVALID;
        }
        if (last >= argc || last < first || first >= argc) {
            return INVALID;
        }
        for (int i = first; i <= last; i += spec.keyStep) {
            out.add(i, spec.flags);
        }
        return ADDED;
    }

    /**
     * Compares argument {@code i} with a lowercase word as C's strcasecmp sees the argument: up to
     * its first NUL byte, so {@code "get\0x"} equals {@code get}, as it does in Redis.
     */
    static boolean cStringIs(Argv argv, int i, byte[] lower) {
        byte[] a = argv.array(i);
        int off = argv.offset(i);
        int len = argv.length(i);
        int n = lower.length;
        if (len < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            int c = a[off + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[k]) {
                return false;
            }
        }
        return len == n || a[off + n] == 0;
    }
}
