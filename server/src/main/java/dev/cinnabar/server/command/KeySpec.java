package dev.cinnabar.server.command;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One key spec of a command, parsed once from the metadata: where the search for keys begins
 * (a fixed index, or just after a keyword) and how the keys are found from there (a range, or
 * a count given by an argument). Key extraction for COMMAND GETKEYS, ACL and cluster slots reads
 * these fields and never the JSON maps.
 */
public final class KeySpec {
    public enum BeginSearch { INDEX, KEYWORD, UNKNOWN }

    public enum FindKeys { RANGE, KEYNUM, UNKNOWN }

    /** {@link KeyFlags} bits. */
    public final long flags;
    /** Redis's remark on the spec, part of COMMAND INFO; null when there is none. */
    public final String notes;

    public final BeginSearch beginSearch;
    /** INDEX: the argument index where keys begin. */
    public final int index;
    /** KEYWORD: the keyword that precedes the keys, as Redis prints it. */
    public final String keyword;
    final byte[] keywordLower;
    /** KEYWORD: where the search starts; negative counts from the end and searches backwards. */
    public final int startFrom;

    public final FindKeys findKeys;
    /** RANGE: the last key relative to the first (negative: from the end of the arguments). */
    public final int lastKey;
    /** RANGE and KEYNUM: the distance between keys. */
    public final int keyStep;
    /** RANGE: with lastKey -1, only 1/limit of the remaining arguments are keys (0: all). */
    public final int limit;
    /** KEYNUM: the argument holding the number of keys, relative to the first. */
    public final int keyNumIndex;
    /** KEYNUM: the first key, relative to the first. */
    public final int firstKey;

    private KeySpec(long flags, String notes, BeginSearch beginSearch, int index, String keyword,
                    int startFrom, FindKeys findKeys, int lastKey, int keyStep, int limit,
                    int keyNumIndex, int firstKey) {
        this.flags = flags;
        this.notes = notes;
        this.beginSearch = beginSearch;
        this.index = index;
        this.keyword = keyword;
        this.keywordLower = keyword == null ? null : keyword.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        this.startFrom = startFrom;
        this.findKeys = findKeys;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.limit = limit;
        this.keyNumIndex = keyNumIndex;
        this.firstKey = firstKey;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** Reads a spec in the shape COMMAND INFO prints it; anything unexpected fails the load. */
    static KeySpec parse(Map<String, Object> m) {
        only(m, Set.of("notes", "flags", "begin_search", "find_keys"), "key spec");
        long flags = KeyFlags.parse(list(m, "flags"));
        String notes = (String) m.get("notes");

        Map<String, Object> bs = map(m, "begin_search");
        only(bs, Set.of("type", "spec"), "begin_search");
        Map<String, Object> bsSpec = map(bs, "spec");
        BeginSearch begin;
        int index = 0;
        String keyword = null;
        int startFrom = 0;
        switch (text(bs, "type")) {
            case "index":
                only(bsSpec, Set.of("index"), "begin_search index");
                begin = BeginSearch.INDEX;
                index = num(bsSpec, "index");
                break;
            case "keyword":
                only(bsSpec, Set.of("keyword", "startfrom"), "begin_search keyword");
                begin = BeginSearch.KEYWORD;
                keyword = text(bsSpec, "keyword");
                startFrom = num(bsSpec, "startfrom");
                break;
            case "unknown":
                only(bsSpec, Set.of(), "begin_search unknown");
                begin = BeginSearch.UNKNOWN;
                break;
            default:
                throw new IllegalArgumentException("unknown begin_search type " + bs.get("type"));
        }

        Map<String, Object> fk = map(m, "find_keys");
        only(fk, Set.of("type", "spec"), "find_keys");
        Map<String, Object> fkSpec = map(fk, "spec");
        FindKeys find;
        int lastKey = 0;
        int keyStep = 0;
        int limit = 0;
        int keyNumIndex = 0;
        int firstKey = 0;
        switch (text(fk, "type")) {
            case "range":
                only(fkSpec, Set.of("lastkey", "keystep", "limit"), "find_keys range");
                find = FindKeys.RANGE;
                lastKey = num(fkSpec, "lastkey");
                keyStep = num(fkSpec, "keystep");
                limit = num(fkSpec, "limit");
                break;
            case "keynum":
                only(fkSpec, Set.of("keynumidx", "firstkey", "keystep"), "find_keys keynum");
                find = FindKeys.KEYNUM;
                keyNumIndex = num(fkSpec, "keynumidx");
                firstKey = num(fkSpec, "firstkey");
                keyStep = num(fkSpec, "keystep");
                break;
            case "unknown":
                only(fkSpec, Set.of(), "find_keys unknown");
                find = FindKeys.UNKNOWN;
                break;
            default:
                throw new IllegalArgumentException("unknown find_keys type " + fk.get("type"));
        }
        if ((find == FindKeys.RANGE || find == FindKeys.KEYNUM) && keyStep < 1) {
            throw new IllegalArgumentException("key spec with a key step below 1");
        }
        if (find == FindKeys.RANGE && limit != 0 && lastKey != -1) {
            throw new IllegalArgumentException("a range limit needs lastkey -1");
        }
        return new KeySpec(flags, notes, begin, index, keyword, startFrom, find, lastKey, keyStep,
                limit, keyNumIndex, firstKey);
    }

    private static void only(Map<String, Object> m, Set<String> allowed, String what) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("unexpected field '" + k + "' in " + what);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("key spec: missing map '" + key + "'");
        }
        return (Map<String, Object>) v;
    }

    private static List<?> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? List.of() : (List<?>) v;
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("key spec: missing text '" + key + "'");
        }
        return (String) v;
    }

    private static int num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long)) {
            throw new IllegalArgumentException("key spec: missing number '" + key + "'");
        }
        return ((Long) v).intValue();
    }
}
