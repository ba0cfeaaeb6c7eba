package dev.cinnabar.server.command;

import dev.cinnabar.datatypes.Numbers;
import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The key finders of the commands whose key specs are not enough, matched to the command by
 * name as Redis 7.0 attaches its getkeys functions. Each reads the arguments the way the
 * command does just far enough to find its keys; arguments the command will reject give no keys.
 * Their quirks are Redis's (a STORE keyword as last argument is ignored, a key count parsed
 * like C's atoi), since COMMAND GETKEYS shows them.
 */
final class NativeKeyFinders {
    private static final byte[] GET = ascii("get");
    private static final byte[] SET = ascii("set");
    private static final byte[] INCRBY = ascii("incrby");
    private static final byte[] OVERFLOW = ascii("overflow");
    private static final byte[] STORE = ascii("store");
    private static final byte[] STOREDIST = ascii("storedist");
    private static final byte[] LIMIT = ascii("limit");
    private static final byte[] BY = ascii("by");
    private static final byte[] KEYS = ascii("keys");
    private static final byte[] COPY = ascii("copy");
    private static final byte[] REPLACE = ascii("replace");
    private static final byte[] AUTH = ascii("auth");
    private static final byte[] AUTH2 = ascii("auth2");
    private static final byte[] BLOCK = ascii("block");
    private static final byte[] COUNT = ascii("count");
    private static final byte[] GROUP = ascii("group");
    private static final byte[] NOACK = ascii("noack");
    private static final byte[] STREAMS = ascii("streams");

    /** First key after a key count: ZUNION numkeys key..., LMPOP numkeys key... */
    private static final KeyFinder COUNT_AT_1 = counted(0, 1, 2);
    /** EVAL script numkeys key..., BLMPOP timeout numkeys key... */
    private static final KeyFinder COUNT_AT_2 = counted(0, 2, 3);
    /** ZUNIONSTORE destination numkeys key... */
    private static final KeyFinder STORE_THEN_COUNT = counted(1, 2, 3);

    private static final Map<String, KeyFinder> BY_COMMAND = Map.ofEntries(
            Map.entry("set", NativeKeyFinders::set),
            Map.entry("bitfield", NativeKeyFinders::bitfield),
            Map.entry("migrate", NativeKeyFinders::migrate),
            Map.entry("sort", NativeKeyFinders::sort),
            Map.entry("sort_ro", NativeKeyFinders::sortRo),
            Map.entry("georadius", NativeKeyFinders::georadius),
            Map.entry("georadiusbymember", NativeKeyFinders::georadius),
            Map.entry("xread", NativeKeyFinders::xread),
            Map.entry("xreadgroup", NativeKeyFinders::xread),
            Map.entry("eval", COUNT_AT_2),
            Map.entry("eval_ro", COUNT_AT_2),
            Map.entry("evalsha", COUNT_AT_2),
            Map.entry("evalsha_ro", COUNT_AT_2),
            Map.entry("fcall", COUNT_AT_2),
            Map.entry("fcall_ro", COUNT_AT_2),
            Map.entry("zunion", COUNT_AT_1),
            Map.entry("zinter", COUNT_AT_1),
            Map.entry("zdiff", COUNT_AT_1),
            Map.entry("zintercard", COUNT_AT_1),
            Map.entry("zunionstore", STORE_THEN_COUNT),
            Map.entry("zinterstore", STORE_THEN_COUNT),
            Map.entry("zdiffstore", STORE_THEN_COUNT),
            Map.entry("sintercard", COUNT_AT_1),
            Map.entry("lmpop", COUNT_AT_1),
            Map.entry("zmpop", COUNT_AT_1),
            Map.entry("blmpop", COUNT_AT_2),
            Map.entry("bzmpop", COUNT_AT_2));

    private NativeKeyFinders() {
    }

    /** The finder for a command's full name, or null when its key specs say everything. */
    static KeyFinder forCommand(String fullName) {
        return BY_COMMAND.get(fullName);
    }

    /** Command names that have a finder; for tests. */
    static java.util.Set<String> commands() {
        return BY_COMMAND.keySet();
    }

    /**
     * Keys counted by an argument: {@code count} at {@code countAt}, the keys from
     * {@code firstAt}, then the destination at {@code storeAt} (0: none). No flags: the specs of
     * these commands are complete, so this only runs when they did not fit the arguments.
     */
    private static KeyFinder counted(int storeAt, int countAt, int firstAt) {
        return (argv, base, argc, out) -> {
            if (countAt >= argc) {
                return 0;
            }
            int n = atoi(argv, base + countAt);
            if (n < 1 || n > argc - firstAt) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                out.add(firstAt + i, 0);
            }
            if (storeAt != 0) {
                out.add(storeAt, 0);
            }
            return out.count();
        };
    }

    // SET key value [NX | XX] [GET] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL]: GET reads the old value.
    private static int set(Argv argv, int base, int argc, KeyResult out) {
        for (int i = 3; i < argc; i++) {
            if (CommandKeys.cStringIs(argv, base + i, GET)) {
                out.add(1, KeyFlags.RW | KeyFlags.ACCESS | KeyFlags.UPDATE);
                return 1;
            }
        }
        out.add(1, KeyFlags.OW | KeyFlags.UPDATE);
        return 1;
    }

    // BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
    // [OVERFLOW WRAP|SAT|FAIL]: read-only while it only GETs; anything it cannot read counts as a write.
    private static int bitfield(Argv argv, int base, int argc, KeyResult out) {
        boolean readOnly = true;
        for (int i = 2; i < argc; i++) {
            int remaining = argc - i - 1;
            int a = base + i;
            if (CommandKeys.cStringIs(argv, a, GET) && remaining >= 2) {
                i += 2;
            } else if ((CommandKeys.cStringIs(argv, a, SET) || CommandKeys.cStringIs(argv, a, INCRBY)) && remaining >= 3) {
                readOnly = false;
                break;
            } else if (CommandKeys.cStringIs(argv, a, OVERFLOW) && remaining >= 1) {
                i += 1;
            } else {
                readOnly = false;
                break;
            }
        }
        out.add(1, readOnly ? KeyFlags.RO | KeyFlags.ACCESS : KeyFlags.RW | KeyFlags.ACCESS | KeyFlags.UPDATE);
        return 1;
    }

    // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key...]
    private static int migrate(Argv argv, int base, int argc, KeyResult out) {
        int first = 3;
        int n = 1;
        if (argc > 6) {
            for (int i = 6; i < argc; i++) {
                int a = base + i;
                if (CommandKeys.cStringIs(argv, a, KEYS)) {
                    if (argv.length(base + 3) > 0) {
                        n = 0; // a key and KEYS together: MIGRATE replies a syntax error
                    } else {
                        first = i + 1;
                        n = argc - first;
                    }
                    break;
                }
                if (CommandKeys.cStringIs(argv, a, AUTH)) {
                    i += 1;
                } else if (CommandKeys.cStringIs(argv, a, AUTH2)) {
                    i += 2;
                }
                // COPY and REPLACE take no value; anything else is looked at as an option too.
            }
        }
        for (int i = 0; i < n; i++) {
            out.add(first + i, KeyFlags.RW | KeyFlags.ACCESS | KeyFlags.DELETE);
        }
        return n;
    }

    // SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
    // The BY and GET patterns name keys too, which no one can list in advance; the last STORE wins.
    private static int sort(Argv argv, int base, int argc, KeyResult out) {
        out.add(1, KeyFlags.RO | KeyFlags.ACCESS);
        int store = -1;
        for (int i = 2; i < argc; i++) {
            int a = base + i;
            // Redis checks STORE before each option name it skips, so STORE is found first.
            if (CommandKeys.cStringIs(argv, a, LIMIT)) {
                i += 2;
            } else if (CommandKeys.cStringIs(argv, a, STORE) && i + 1 < argc) {
                store = i + 1;
            } else if (CommandKeys.cStringIs(argv, a, GET) || CommandKeys.cStringIs(argv, a, BY)) {
                i += 1;
            }
        }
        if (store > 0) {
            out.add(store, KeyFlags.OW | KeyFlags.UPDATE);
        }
        return out.count();
    }

    // SORT_RO key ...: only the sorted key is certain.
    private static int sortRo(Argv argv, int base, int argc, KeyResult out) {
        out.add(1, KeyFlags.RO | KeyFlags.ACCESS);
        return 1;
    }

    // GEORADIUS key lon lat radius unit ... [STORE key] [STOREDIST key]; the last store option wins.
    private static int georadius(Argv argv, int base, int argc, KeyResult out) {
        int stored = -1;
        for (int i = 5; i < argc; i++) {
            int a = base + i;
            if ((CommandKeys.cStringIs(argv, a, STORE) || CommandKeys.cStringIs(argv, a, STOREDIST)) && i + 1 < argc) {
                stored = i + 1;
                i++;
            }
        }
        out.add(1, 0);
        if (stored != -1) {
            out.add(stored, 0);
        }
        return out.count();
    }

    // XREAD [COUNT n] [BLOCK ms] STREAMS key... id...; XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
    private static int xread(Argv argv, int base, int argc, KeyResult out) {
        int streams = -1;
        for (int i = 1; i < argc; i++) {
            int a = base + i;
            if (CommandKeys.cStringIs(argv, a, BLOCK) || CommandKeys.cStringIs(argv, a, COUNT)) {
                i++;
            } else if (CommandKeys.cStringIs(argv, a, GROUP)) {
                i += 2;
            } else if (CommandKeys.cStringIs(argv, a, NOACK)) {
                continue;
            } else if (CommandKeys.cStringIs(argv, a, STREAMS)) {
                streams = i;
                break;
            } else {
                break;
            }
        }
        int n = streams == -1 ? 0 : argc - streams - 1;
        if (n == 0 || n % 2 != 0) {
            return 0;
        }
        n /= 2;
        for (int i = 0; i < n; i++) {
            out.add(streams + 1 + i, 0);
        }
        return n;
    }

    /** The key count as C's atoi reads it, which Redis uses here: see {@link Numbers#atoi}. */
    static int atoi(Argv argv, int i) {
        return Numbers.atoi(argv.array(i), argv.offset(i), argv.length(i));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
