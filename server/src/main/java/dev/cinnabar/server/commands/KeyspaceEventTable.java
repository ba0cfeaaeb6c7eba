package dev.cinnabar.server.commands;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The keyspace events each write command fires itself, by command name: what a subscriber to
 * {@code __keyevent@*__:*} can see from it. Not listed, because any command that looks a key up
 * or creates one may fire them: {@code expired} (lazy expiry), {@code hexpired} (lazy expiry
 * of hash fields), {@code new} (a key created) and {@code keymiss} (a read of a missing key).
 * Every command flagged {@code write} must have an entry, empty when it fires nothing of its
 * own (KeyspaceEventTableTest): a new write command cannot forget its events.
 */
public final class KeyspaceEventTable {
    private static final Map<String, Set<String>> EVENTS = new TreeMap<>();

    static {
        // strings
        for (String c : new String[] {"set", "setnx", "setex", "psetex"}) {
            put(c, "set", "expire");
        }
        put("getset", "set");
        put("mset", "set");
        put("msetnx", "set");
        put("getdel", "del");
        put("getex", "expire", "persist", "del");
        put("append", "append");
        for (String c : new String[] {"incr", "decr", "incrby", "decrby"}) {
            put(c, "incrby");
        }
        put("incrbyfloat", "incrbyfloat");
        put("setrange", "setrange");
        // bitmaps and HyperLogLogs (PFMERGE fires pfadd, as Redis does)
        put("setbit", "setbit");
        put("bitfield", "setbit");
        put("bitop", "set", "del");
        put("pfadd", "pfadd");
        put("pfmerge", "pfadd");
        put("pfdebug");
        // keys
        put("del", "del");
        put("unlink", "del");
        put("rename", "rename_from", "rename_to");
        put("renamenx", "rename_from", "rename_to");
        put("move", "move_from", "move_to");
        put("copy", "copy_to");
        put("restore", "restore", "del");
        put("migrate", "del");
        put("restore-asking", "restore", "del");
        for (String c : new String[] {"expire", "pexpire", "expireat", "pexpireat"}) {
            put(c, "expire", "del");
        }
        put("persist", "persist");
        // FLUSHALL, FLUSHDB and SWAPDB fire nothing in Redis 7.0.
        put("flushall");
        put("flushdb");
        put("swapdb");
        // Function libraries are not keys: loading or dropping one fires nothing.
        put("function|load");
        put("function|delete");
        put("function|flush");
        put("function|restore");
        // lists
        put("lpush", "lpush");
        put("lpushx", "lpush");
        put("rpush", "rpush");
        put("rpushx", "rpush");
        put("linsert", "linsert");
        put("lset", "lset");
        put("ltrim", "ltrim", "del");
        put("lrem", "lrem", "del");
        for (String c : new String[] {"lpop", "rpop", "lmpop", "blpop", "brpop", "blmpop"}) {
            put(c, "lpop", "rpop", "del");
        }
        for (String c : new String[] {"lmove", "blmove", "rpoplpush", "brpoplpush"}) {
            put(c, "lpush", "rpush", "lpop", "rpop", "del");
        }
        // hashes
        put("hset", "hset");
        put("hmset", "hset");
        put("hsetnx", "hset");
        put("hdel", "hdel", "del");
        put("hincrby", "hincrby");
        put("hincrbyfloat", "hincrbyfloat");
        for (String c : new String[] {"hexpire", "hpexpire", "hexpireat", "hpexpireat"}) {
            put(c, "hexpire", "hdel", "del");
        }
        put("hpersist", "hpersist");
        put("hgetdel", "hexpired", "hdel", "del");
        put("hgetex", "hexpired", "hexpire", "hpersist", "hdel", "del");
        put("hsetex", "hexpired", "hset", "hexpire", "hdel", "del");
        // sets
        put("sadd", "sadd");
        put("srem", "srem", "del");
        put("spop", "spop", "del");
        put("smove", "srem", "del", "sadd");
        put("sinterstore", "sinterstore", "del");
        put("sunionstore", "sunionstore", "del");
        put("sdiffstore", "sdiffstore", "del");
        // sorted sets
        put("zadd", "zadd", "zincr");
        put("zincrby", "zincr");
        put("zrem", "zrem", "del");
        put("zremrangebyrank", "zremrangebyrank", "del");
        put("zremrangebyscore", "zremrangebyscore", "del");
        put("zremrangebylex", "zremrangebylex", "del");
        put("zrangestore", "zrangestore", "del");
        put("zunionstore", "zunionstore", "del");
        put("zinterstore", "zinterstore", "del");
        put("zdiffstore", "zdiffstore", "del");
        put("zpopmin", "zpopmin", "del");
        put("bzpopmin", "zpopmin", "del");
        put("zpopmax", "zpopmax", "del");
        put("bzpopmax", "zpopmax", "del");
        put("zmpop", "zpopmin", "zpopmax", "del");
        put("bzmpop", "zpopmin", "zpopmax", "del");
        // geo (GEOADD is ZADD in Redis)
        put("geoadd", "zadd");
        put("georadius", "georadiusstore", "del");
        put("georadiusbymember", "georadiusstore", "del");
        put("geosearchstore", "geosearchstore", "del");
        // SORT ... STORE: class 'l'
        put("sort", "sortstore", "del");
        // streams (class 't'); a stream is never deleted for being empty
        put("xadd", "xadd", "xtrim");
        put("xtrim", "xtrim");
        put("xdel", "xdel");
        put("xsetid", "xsetid");
        put("xreadgroup", "xgroup-createconsumer");
        put("xgroup|create", "xgroup-create");
        put("xgroup|setid", "xgroup-setid");
        put("xgroup|destroy", "xgroup-destroy");
        put("xgroup|createconsumer", "xgroup-createconsumer");
        put("xgroup|delconsumer", "xgroup-delconsumer");
        put("xack");
        put("xclaim", "xgroup-createconsumer");
        put("xautoclaim", "xgroup-createconsumer");
    }

    private KeyspaceEventTable() {
    }

    private static void put(String command, String... events) {
        if (EVENTS.put(command, Set.of(events)) != null) {
            throw new IllegalStateException("listed twice: " + command);
        }
    }

    /** The events {@code command} (a full name) may fire itself, or null when it is not listed. */
    public static Set<String> events(String command) {
        return EVENTS.get(command);
    }

    /** Every command listed. */
    public static Set<String> commands() {
        return EVENTS.keySet();
    }
}
