#!/usr/bin/env python3
"""Random commands against redis-server and Cinnabar side by side; stops at the first reply that differs.

Each seed configures both servers with the same small encoding limits (so values cross between
listpack, intset, quicklist, hashtable and skiplist forms often), then sends the same random
sequence of string, list, hash, set, sorted-set, key, SORT, bitmap, HLL, geo and stream commands
(streams with IDs the test chooses, consumer groups and claims) over five keys, with expiry,
MULTI/EXEC/WATCH, databases (SELECT, MOVE, SWAPDB, COPY ... DB) and script wrappers (EVAL,
EVAL_RO, FCALL and FCALL_RO of call, pcall, setresp(3), cjson.encode of the reply) now and then,
bad arguments and wrong types mixed in, and compares the raw replies (a TTL only as -2, -1 or
set) and DUMP's bytes. Now and then an encoding limit changes under the existing values, and
each server RESTOREs the other's DUMP of a key. Blocking commands run on a second connection per
server and are served (or timed out, or ended by CLIENT UNBLOCK) by what the main connection
sends. Every 200 commands INFO's counters are compared: hits, misses, error replies, errorstats,
each command's calls, rejected and failed calls, each database's keys and expires, changes since
the last save, lazily freed objects, blocked clients and keys, tracking's tables. With
--events, a keyspace-notification subscriber per server compares the events each command fires;
with --tracking, a client tracking what it reads (in one of CLIENT TRACKING's modes) compares the
invalidations it is sent, and in RESP3 the main connection tracks what it reads too (the content
of the invalidations pushed to it is compared, not where they fall between replies); with --pubsub, a subscriber to channels, patterns and a shard channel
compares what PUBLISH and SPUBLISH deliver.

Left uncompared, because Redis itself does not fix them: the order of a hashtable, intset or
skiplist-encoded value's members (HGETALL, SMEMBERS, the SCANs, SINTER/SUNION/SDIFF are compared
as multisets; a hashtable's DUMP and its cross RESTORE are skipped; SORT BY over a hashtable set
or a zset is not sent), which follows Redis's dict and its random hash seed; maps and sets that
pass through a Lua table (setresp(3)) or cjson.encode come out in the order of the table, which
Cinnabar lays out as Lua 5.1 does, so they are compared as they are, but for those of hashtable
encodings above; idle times (XPENDING, XINFO
CONSUMERS) and a stream's DUMP beyond its length (consumers' seen-times); a lex range over
members of different scores (not sent). One Redis 7.0 quirk is set aside, not copied: serving a
blocked pop does not signal the key there (a key SWAPDB made ready is never invalidated, a BCAST
NOLOOP client whose own push was popped is not told); invalidations while a blocker waits are
not compared, nor, once that has left the two tracking tables apart, their sizes in INFO.

A difference prints the seed, the command and both replies; with --history KEY, the commands that
touched KEY before it (and those that switch databases or change an encoding limit). Not a test that CI runs: a tool for looking for bugs. On 2026-12-06 every
seed matched, with expiry and transactions: 1-400 in RESP2 (3000-5000 commands each), 1000-1200 in
RESP3 (5000); with what came after (databases, scripts and functions, blocking, streams, DUMP,
counters, events, tracking, pub/sub), once the differences it found were fixed: 1-440 and
1000-1150, 2000-2100 and 3000-3080 in RESP2 (3000 commands each; 1-260 with --events --tracking,
the others with those and --pubsub), 4000-4090, 5000-5040, 6000-6030, 7000-7200 (--events
--tracking), 8000-8080 and 9000-9290 (--events --tracking --pubsub) in RESP3.

  python3 tools/differential-fuzz.py [--jar server/target/cinnabar-server.jar] [--seeds 1-40]
                                     [--commands 3000] [--resp 2|3] [--events] [--tracking] [--pubsub]
                                     [--counters-every 200] [--history k3]
"""
import argparse
import collections
import json
import os
import random
import select
import socket
import subprocess
import sys
import time

import resp
from resp import encode


class Connection(resp.Connection):
    def __init__(self, port):
        super().__init__(port, timeout=10)
        # When a list: RESP3 pushes are set aside here instead of being taken for replies.
        self.pushes = None

    def reply(self):
        """The next reply, past any pushes (kept in self.pushes)."""
        while True:
            message = self.read()
            if self.pushes is None or not (isinstance(message, tuple) and message[0].startswith(b">")):
                return message
            self.pushes.append(message)

    def pending_pushes(self):
        """Pushes already sent but not yet read (none of them a reply)."""
        while self.buf or select.select([self.s], [], [], 0)[0]:
            self.pushes.append(self.read())

    def call(self, args):
        self.s.sendall(encode(args))
        return self.reply()


KEYS = ["k0", "k1", "k2", "k3", "{k}4"]
# Binary members too: a zero byte (strcoll stops there, memcmp does not), high bytes, a line break.
MEMBERS = ["a", "b", "c", "d", "1", "2", "10", "-3", "3.5", "x" * 70, "", b"\x00\xff", b"a\r\nb", "\u00e9"]


def command(r):
    k = lambda: r.choice(KEYS)
    m = lambda: r.choice(MEMBERS)
    n = lambda: r.choice(["0", "1", "-1", "2", "-2", "5", "100", "-100", "x", "1.5", "9223372036854775807"])
    sc = lambda: r.choice(["0", "1", "-1", "2.5", "inf", "-inf", "+inf", "1e3", "nan", "x", "(1", "(2.5", "3"])
    lex = lambda: r.choice(["-", "+", "[a", "(a", "[c", "(d", "a", "[", "("])
    pick = lambda options, most: r.sample(options, r.choice(range(most + 1)))
    limit = lambda p: ["LIMIT", n(), n()] if r.random() < p else []
    c = r.randrange(100)
    if c < 3: return ["SET", k(), m()]
    if c < 5: return ["GET", k()]
    if c < 7: return ["APPEND", k(), m()]
    if c < 8: return ["INCRBY", k(), n()]
    if c < 12: return [r.choice(["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]), k()] + [m() for _ in range(r.randint(0 if r.random() < .1 else 1, 4))]
    if c < 14: return [r.choice(["LPOP", "RPOP"]), k()] + ([n()] if r.random() < .5 else [])
    if c < 16: return ["LRANGE", k(), n(), n()]
    if c < 17: return ["LINSERT", k(), r.choice(["BEFORE", "AFTER", "x"]), m(), m()]
    if c < 18: return ["LSET", k(), n(), m()]
    if c < 19: return ["LREM", k(), n(), m()]
    if c < 20: return ["LTRIM", k(), n(), n()]
    if c < 21: return ["LPOS", k(), m()] + r.choice([[], ["RANK", n()], ["COUNT", n()], ["MAXLEN", n()], ["RANK", n(), "COUNT", n()]])
    if c < 22: return ["LMOVE", k(), k(), r.choice(["LEFT", "RIGHT"]), r.choice(["LEFT", "RIGHT", "UP"])]
    if c < 23: return ["LMPOP", r.choice(["1", "2", "0"]), k(), k(), r.choice(["LEFT", "RIGHT"])] + (["COUNT", n()] if r.random() < .5 else [])
    if c < 24: return ["LINDEX", k(), n()]
    if c < 28: return ["HSET", k()] + sum([[m(), m()] for _ in range(r.randint(1, 3))], []) + ([m()] if r.random() < .05 else [])
    if c < 29: return ["HDEL", k(), m(), m()]
    if c < 30: return ["HGETALL", k()]
    if c < 31: return ["HINCRBY", k(), m(), n()]
    if c < 32: return ["HINCRBYFLOAT", k(), m(), sc()]
    if c < 33: return ["HSETNX", k(), m(), m()]
    if c < 34: return ["HMGET", k(), m(), m()]
    if c < 35: return [r.choice(["HKEYS", "HVALS", "HLEN"]), k()]
    if c < 36: return ["HSTRLEN", k(), m()]
    if c < 40: return ["SADD", k()] + [m() for _ in range(r.randint(1, 4))]
    if c < 41: return ["SREM", k(), m(), m()]
    if c < 42: return [r.choice(["SMEMBERS", "SCARD"]), k()]
    if c < 43: return [r.choice(["SINTER", "SUNION", "SDIFF"]), k(), k()]
    if c < 44: return [r.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), k(), k(), k()]
    if c < 45: return ["SINTERCARD", r.choice(["1", "2", "0", "3"]), k(), k()] + (["LIMIT", n()] if r.random() < .5 else [])
    if c < 46: return ["SMOVE", k(), k(), m()]
    if c < 47: return ["SMISMEMBER", k(), m(), m()]
    if c < 51: return ["ZADD", k()] + pick(["NX", "XX", "GT", "LT", "CH", "INCR"], 2) + sum([[sc(), m()] for _ in range(r.randint(1, 3))], [])
    if c < 52: return ["ZINCRBY", k(), sc(), m()]
    if c < 53: return ["ZREM", k(), m(), m()]
    if c < 55: return ["ZRANGE", k(), r.choice([n(), sc(), lex()]), r.choice([n(), sc(), lex()])] + pick(["BYSCORE", "BYLEX", "REV", "WITHSCORES"], 2) + limit(.3)
    if c < 56: return [r.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZCOUNT"]), k(), sc(), sc()] + (["WITHSCORES"] if r.random() < .3 else []) + limit(.3)
    if c < 57: return [r.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"]), k(), lex(), lex()]
    if c < 58: return [r.choice(["ZRANK", "ZREVRANK", "ZSCORE"]), k(), m()]
    if c < 59: return [r.choice(["ZPOPMIN", "ZPOPMAX"]), k()] + ([n()] if r.random() < .5 else [])
    if c < 60: return [r.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), k(), "2", k(), k()] + (["WEIGHTS", sc(), sc()] if r.random() < .3 else []) + (["AGGREGATE", r.choice(["SUM", "MIN", "MAX", "X"])] if r.random() < .3 else [])
    if c < 61: return [r.choice(["ZUNION", "ZINTER", "ZDIFF"]), "2", k(), k()] + (["WITHSCORES"] if r.random() < .5 else [])
    if c < 62: return ["ZREMRANGEBYRANK", k(), n(), n()]
    if c < 63: return ["ZREMRANGEBYSCORE", k(), sc(), sc()]
    if c < 64: return ["ZMSCORE", k(), m(), m()]
    if c < 65: return ["ZRANGESTORE", k(), k(), n(), n()] + pick(["BYSCORE", "REV"], 1)
    if c < 66: return ["ZMPOP", "2", k(), k(), r.choice(["MIN", "MAX"])] + (["COUNT", n()] if r.random() < .5 else [])
    if c < 67: return ["ZINTERCARD", "2", k(), k()]
    if c < 69: return [r.choice(["TYPE", "EXISTS", "STRLEN", "LLEN", "ZCARD", "OBJECT"]), k()]
    if c < 71: return ["OBJECT", "ENCODING", k()]
    if c < 72: return ["DEL", k()]
    if c < 73: return ["RENAME", k(), k()]
    if c < 74: return ["COPY", k(), k()] + (["REPLACE"] if r.random() < .5 else [])
    if c < 76: return ["SORT", k()] + pick(["ALPHA", "DESC"], 2) + limit(.3) + (["STORE", k()] if r.random() < .2 else [])
    if c < 77: return ["DUMP", k()]
    if c < 78: return ["GETRANGE", k(), n(), n()]
    if c < 79: return ["SETRANGE", k(), r.choice(["0", "3", "-1", "80"]), m()]
    if c < 82: return [r.choice(["HSCAN", "SSCAN", "ZSCAN"]), k(), "0", "COUNT", "100"]
    if c < 83: return ["GETDEL", k()]
    if c < 84: return ["SETBIT", k(), r.choice(["0", "7", "100"]), r.choice(["0", "1"])]
    if c < 85: return ["BITCOUNT", k()]
    if c < 86: return ["PFADD", k(), m()]
    if c < 87: return ["PFCOUNT", k()]
    if c < 88: return ["XADD", k(), r.choice(["1-*", "2-1", "3", "0-0"]), m(), m()]
    if c < 89: return ["XLEN", k()]
    if c < 90: return ["GEOADD", k(), r.choice(["13.36", "200", "-70"]), r.choice(["38.11", "86", "x"]), m()]
    if c < 91: return ["GEODIST", k(), m(), m()]
    if c < 92: return ["SRANDMEMBER", k(), r.choice(["0", "-0"])]
    if c < 94: return [r.choice(["HEXISTS", "SISMEMBER"]), k(), m()]
    if c < 96: return ["ZADD", k(), "1", m(), "2", m(), "3", m()]
    if c < 97: return ["RPOPLPUSH", k(), k()]
    if c < 98: return ["MSETNX", k(), m(), k(), m()]
    if c < 99: return ["GETSET", k(), m()]
    return ["FLUSHALL"] if r.random() < .3 else ["DBSIZE"]


def stream_command(r):
    """Streams with IDs the test chooses (never *, whose IDs are the time), consumer groups, their
    pending entries and claims; drawn in place of a command above one time in twelve."""
    k = lambda: r.choice(KEYS)
    ms = lambda: str(r.randint(0, 20))
    sid = lambda: r.choice([ms() + "-" + str(r.randint(0, 3)), ms(), "0-0", "-", "+", "(" + ms(), "x",
                            "18446744073709551615-18446744073709551615"])
    group = lambda: r.choice(["g1", "g2"])
    consumer = lambda: r.choice(["c1", "c2", "c3"])
    fields = lambda: [r.choice(MEMBERS), r.choice(MEMBERS)] * r.choice([1, 1, 2])
    count = lambda p: ["COUNT", r.choice(["0", "1", "2", "5", "-1"])] if r.random() < p else []
    c = r.randrange(30)
    if c < 7:
        opts = ["NOMKSTREAM"] if r.random() < .15 else []
        if r.random() < .25:
            opts += ([r.choice(["MAXLEN", "MINID"])] + ([r.choice(["=", "~"])] if r.random() < .5 else [])
                     + [r.choice(["0", "2", "5", ms()])] + (["LIMIT", r.choice(["0", "1", "10"])] if r.random() < .2 else []))
        return ["XADD", k()] + opts + [r.choice([ms() + "-*", ms() + "-" + str(r.randint(0, 3)), ms(), "0-0", "x"])] + fields()
    if c < 10: return [r.choice(["XRANGE", "XREVRANGE"]), k(), sid(), sid()] + count(.4)
    if c < 11: return ["XDEL", k(), sid(), sid()]
    if c < 12: return ["XTRIM", k(), r.choice(["MAXLEN", "MINID"])] + ([r.choice(["=", "~"])] if r.random() < .5 else []) + [r.choice(["0", "2", ms()])]
    if c < 13: return ["XREAD"] + count(.5) + ["STREAMS", k(), k(), sid(), r.choice(["$", sid()])]
    if c < 15:
        return (["XGROUP", "CREATE", k(), group(), r.choice(["$", "0", ms(), "x"])] + (["MKSTREAM"] if r.random() < .3 else [])
                + (["ENTRIESREAD", r.choice(["0", "3", "-1", "x"])] if r.random() < .2 else []))
    if c < 16: return ["XGROUP", "SETID", k(), group(), r.choice(["$", "0", ms()])] + (["ENTRIESREAD", r.choice(["2", "-1"])] if r.random() < .3 else [])
    if c < 17:
        sub = r.choice(["CREATECONSUMER", "DELCONSUMER", "DESTROY"])
        return ["XGROUP", sub, k(), group()] + ([consumer()] if (sub == "DESTROY") == (r.random() < .1) else [])
    if c < 20:
        return (["XREADGROUP", "GROUP", group(), consumer()] + count(.5) + (["NOACK"] if r.random() < .2 else [])
                + ["STREAMS", k(), r.choice([">", ">", "0", ms()])])
    if c < 21: return ["XACK", k(), group(), sid(), sid()]
    if c < 23:
        extended = [r.choice(["-", "(1"]), r.choice(["+", "10"]), r.choice(["1", "10", "0"])] + ([consumer()] if r.random() < .5 else [])
        return ["XPENDING", k(), group()] + ((["IDLE", "0"] if r.random() < .2 else []) + extended if r.random() < .6 else [])
    if c < 25:
        return (["XCLAIM", k(), group(), consumer(), "0", sid(), sid()]
                + sum([{"RETRYCOUNT": ["RETRYCOUNT", "2"], "LASTID": ["LASTID", sid()]}.get(o, [o])
                       for o in r.sample(["JUSTID", "FORCE", "RETRYCOUNT", "LASTID"], r.choice([0, 1, 2]))], []))
    if c < 27: return ["XAUTOCLAIM", k(), group(), consumer(), "0", sid()] + count(.5) + (["JUSTID"] if r.random() < .3 else [])
    if c < 28: return ["XINFO", "STREAM", k()]
    if c < 29: return ["XINFO", r.choice(["GROUPS", "CONSUMERS"]), k()] + [group()]
    return ["XSETID", k(), sid()] + (["ENTRIESADDED", r.choice(["5", "100"]), "MAXDELETEDID", sid()] if r.random() < .3 else [])


def more_command(r):
    """Rarer commands and options: SORT's patterns, SCAN, bit fields, geo searches, LCS, string
    variants; drawn in place of a command above one time in seven."""
    k = lambda: r.choice(KEYS)
    m = lambda: r.choice(MEMBERS)
    n = lambda: r.choice(["0", "1", "-1", "2", "-2", "5", "100", "x", "9223372036854775807"])
    c = r.randrange(22)
    if c < 3:
        # Patterns that name the other keys: element "1" of SORT k BY k* weighs by the key k1.
        by = ["BY", r.choice(["k*", "nosort", "k*->a", "{k}*", "*", "k*->"])] if r.random() < .7 else []
        gets = sum([["GET", r.choice(["#", "k*", "k*->a", "k*->b", "nokey*"])] for _ in range(r.choice([0, 1, 2]))], [])
        name = "SORT_RO" if r.random() < .2 else "SORT"
        return ([name, k()] + by + gets + r.sample(["ALPHA", "DESC"], r.choice([0, 1, 2]))
                + (["LIMIT", n(), n()] if r.random() < .3 else [])
                + (["STORE", k()] if name == "SORT" and r.random() < .2 else []))
    if c < 5:
        return (["SCAN", "0", "COUNT", "1000"] + (["MATCH", r.choice(["k*", "*1", "{*", "k[0-2]", "nothing"])] if r.random() < .5 else [])
                + (["TYPE", r.choice(["string", "list", "hash", "set", "zset", "stream", "x"])] if r.random() < .5 else []))
    if c < 7:
        ops = []
        for _ in range(r.randint(1, 3)):
            t = r.choice(["u8", "i4", "u1", "i64", "u63", "u64", "i8", "x"])
            off = r.choice(["0", "4", "#1", "100", "-1"])
            ops += r.choice([["GET", t, off], ["SET", t, off, n()], ["INCRBY", t, off, n()],
                             ["OVERFLOW", r.choice(["WRAP", "SAT", "FAIL", "x"])]])
        return [r.choice(["BITFIELD", "BITFIELD_RO"]) if not any(o in ops for o in ("SET", "INCRBY", "OVERFLOW")) else "BITFIELD", k()] + ops
    if c < 8: return ["BITPOS", k(), r.choice(["0", "1", "2"])] + r.choice([[], [n()], [n(), n()], [n(), n(), r.choice(["BYTE", "BIT", "x"])]])
    if c < 9: return ["BITOP", r.choice(["AND", "OR", "XOR", "NOT", "x"]), k(), k()] + ([k()] if r.random() < .5 else [])
    if c < 10: return ["BITCOUNT", k(), n(), n()] + ([r.choice(["BYTE", "BIT"])] if r.random() < .5 else [])
    if c < 12:
        where = r.choice([["FROMMEMBER", m()], ["FROMLONLAT", "13.36", "38.11"], ["FROMLONLAT", "200", "0"]])
        shape = r.choice([["BYRADIUS", r.choice(["100", "5000", "-1"]), r.choice(["km", "m", "mi", "x"])],
                          ["BYBOX", "400", "400", "km"]])
        opts = r.sample(["ASC", "DESC", "WITHDIST", "WITHCOORD", "WITHHASH"], r.choice([0, 1, 2]))
        if "ASC" in opts and "DESC" in opts:
            opts.remove("DESC")
        if "ASC" not in opts and "DESC" not in opts:
            opts.append(r.choice(["ASC", "DESC"]))  # unsorted results come in Redis's box order
        count = ["COUNT", r.choice(["1", "2", "0"])] + (["ANY"] if r.random() < .3 else []) if r.random() < .4 else []
        if "ANY" in count:
            opts = [o for o in opts if o not in ("ASC", "DESC")] + ["ASC"]
        if r.random() < .3:
            return ["GEOSEARCHSTORE", k(), k()] + where + shape + [o for o in opts if not o.startswith("WITH")] + count + (["STOREDIST"] if r.random() < .5 else [])
        return ["GEOSEARCH", k()] + where + shape + opts + count
    if c < 13: return [r.choice(["GEOPOS", "GEOHASH"]), k(), m(), m()]
    if c < 14: return ["LCS", k(), k()] + r.choice([[], ["LEN"], ["IDX"], ["IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"]])
    if c < 15: return [r.choice(["INCRBYFLOAT", "DECRBY", "SETNX"]), k(), r.choice(["1.5", "-3", "x", "1e400", "10"])]
    if c < 16: return [r.choice(["MGET", "EXISTS", "TOUCH", "UNLINK"]), k(), k(), k()]
    if c < 17: return ["RENAMENX", k(), k()]
    if c < 18: return [r.choice(["GETRANGE", "SUBSTR"]), k(), n(), n()]
    if c < 19: return ["MSET", k(), m(), k(), m()]
    if c < 21: return ["CLIENT", "INFO"]
    if c < 20: return r.choice([["FUNCTION", "DUMP"], ["FUNCTION", "LIST"], ["FUNCTION", "LIST", "WITHCODE"],
                                ["FUNCTION", "LIST", "LIBRARYNAME", r.choice(["f*", "x"])], ["FUNCTION", "STATS"]])
    return [r.choice(["HRANDFIELD", "SRANDMEMBER", "ZRANDMEMBER"]), k(), "0"]


def other_command(r):
    """Expiry and transactions, drawn one time in ten."""
    k = lambda: r.choice(KEYS)
    c = r.randrange(12)
    if c < 3: return [r.choice(["EXPIRE", "PEXPIRE"]), k(), r.choice(["1000", "100000", "-1", "0", "x"])] + r.sample(["NX", "XX", "GT", "LT"], r.choice([0, 0, 1, 2]))
    if c < 4: return ["PERSIST", k()]
    if c < 6: return [r.choice(["TTL", "PTTL", "EXPIRETIME"]), k()]
    if c < 7: return ["SET", k(), r.choice(MEMBERS)] + r.choice([[], ["EX", "1000"], ["KEEPTTL"], ["NX"], ["XX", "GET"], ["PX", "0"], ["EX", "x"]])
    if c < 8: return ["GETEX", k()] + r.choice([[], ["PERSIST"], ["EX", "1000"], ["EXAT", "1"]])
    if c < 10: return [r.choice(["MULTI", "EXEC", "DISCARD"])]
    if c < 11: return ["WATCH", k()]
    return ["UNWATCH"]


def database_command(r):
    """Several databases: drawn one time in twenty-five, SELECT only outside a transaction."""
    k = lambda: r.choice(KEYS)
    db = lambda: r.choice(["0", "1", "2", "16", "-1", "x"])
    c = r.randrange(6)
    if c < 2: return ["SELECT", db()]
    if c < 3: return ["MOVE", k(), db()]
    if c < 4: return ["SWAPDB", db(), db()]
    if c < 5: return ["COPY", k(), k(), "DB", db()] + (["REPLACE"] if r.random() < .5 else [])
    return [r.choice(["FLUSHDB", "DBSIZE"])]


SCRIPTS = {
    "call": "return redis.call(unpack(ARGV))",
    "pcall": "local r = redis.pcall(unpack(ARGV)) if type(r) == 'table' and r.err then return {'caught', r.err} end return r",
    "resp3": "redis.setresp(3) return redis.call(unpack(ARGV))",
    "types": "local r = redis.pcall(unpack(ARGV)) local t = type(r) if t == 'table' then return {t, #r, r.ok or r.err or ''} end return {t, tostring(r)}",
    "json": "return cjson.encode({redis.pcall(unpack(ARGV))})",
    "no-writes": "#!lua flags=no-writes\nreturn redis.call(unpack(ARGV))",
}


# The same wrappers as functions, loaded on both servers before each seed.
LIBRARY = """#!lua name=fz
local function call(keys, args) return redis.call(unpack(args)) end
local function caught(keys, args)
  local r = redis.pcall(unpack(args))
  if type(r) == 'table' and r.err then return {'caught', r.err} end
  return r
end
local function resp3(keys, args) redis.setresp(3) return redis.call(unpack(args)) end
redis.register_function('call', call)
redis.register_function('pcall', caught)
redis.register_function('resp3', resp3)
redis.register_function{function_name='ro', callback=call, flags={'no-writes'}}
"""


def script_command(r, inner):
    """One of the commands above run from Lua, so that its reply crosses Redis's conversions to
    Lua and back (RESP2 and RESP3, errors caught and not, cjson, tostring of numbers), by EVAL
    or by FCALL of the same wrapper as a function."""
    name = r.choice(sorted(SCRIPTS))
    verb = r.choice(["EVAL", "EVAL", "EVAL_RO", "FCALL", "FCALL_RO"])
    functions = {"call": "call", "pcall": "pcall", "resp3": "resp3", "no-writes": "ro"}
    if verb.startswith("FCALL") and name in functions:
        return [verb, functions[name], "0"] + inner, name
    return [verb.replace("FCALL", "EVAL"), SCRIPTS[name], "0"] + inner, name


def inner_command(cmd):
    return cmd[3:] if cmd[0] in ("EVAL", "EVAL_RO", "FCALL", "FCALL_RO") else cmd


BLOCKING = {"BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP"}
BLOCKING_TIMEOUTS = ["0.01", "0.01", "-1", "x", "0.001"]


def blocking_command(r, timeout):
    """A blocking pop or move; `timeout` is "0" for the blocker connection, else a short or bad
    one for the main connection, where only a key that already holds data can answer."""
    k = lambda: r.choice(KEYS)
    c = r.randrange(8)
    if c < 1: return [r.choice(["BLPOP", "BRPOP"]), k(), k(), timeout]
    if c < 2: return [r.choice(["BLPOP", "BRPOP"]), k(), timeout]
    if c < 3: return ["BLMOVE", k(), k(), r.choice(["LEFT", "RIGHT"]), r.choice(["LEFT", "RIGHT"]), timeout]
    if c < 4: return ["BRPOPLPUSH", k(), k(), timeout]
    if c < 5: return ["BLMPOP", timeout, "2", k(), k(), r.choice(["LEFT", "RIGHT"])] + (["COUNT", r.choice(["1", "3", "0"])] if r.random() < .5 else [])
    if c < 7: return [r.choice(["BZPOPMIN", "BZPOPMAX"]), k(), k(), timeout]
    return ["BZMPOP", timeout, "2", k(), k(), r.choice(["MIN", "MAX"])] + (["COUNT", r.choice(["1", "3"])] if r.random() < .5 else [])


class Blockers:
    """A second connection to each server that sends a blocking command with no timeout and is
    then served, or not, by the main connection's pushes. Redis serves a blocked client within
    the command that made its key ready, and writes both replies before it reads its next
    command, so PINGs on another connection tell whether Redis's blocker has its reply; a
    reply on one side only then waits a while for the other, which Cinnabar may write later."""

    def __init__(self, ports, resp):
        self.conns = [Connection(port) for port in ports]
        self.syncs = [Connection(port) for port in ports]
        for conn in self.conns:
            if resp == 3:
                conn.call(["HELLO", "3"])
        self.ids = [int(conn.call(["CLIENT", "ID"])[1:]) for conn in self.conns]
        self.pending = None

    def send(self, cmd):
        self.pending = cmd
        for conn in self.conns:
            conn.s.sendall(encode(cmd))

    def ready(self, i, wait):
        conn = self.conns[i]
        if conn.buf:
            return True
        if wait == 0:
            # The first PING may be read in the same round as a command just sent to the
            # blocker, and answered before it; the second is read in a later round.
            self.syncs[i].call(["PING"])
            self.syncs[i].call(["PING"])
        return bool(select.select([conn.s], [], [], wait)[0])

    def check(self):
        """None while both still wait; else the pending command and the two replies (None
        for a side that gave none)."""
        if self.pending is None:
            return None
        redis_ready = self.ready(1, 0)
        cinnabar_ready = self.ready(0, 2.0 if redis_ready else 0)
        if not redis_ready and not cinnabar_ready:
            return None
        cmd, self.pending = self.pending, None
        STATS["blocked commands answered"] += 1
        return (cmd, self.conns[0].read() if cinnabar_ready else None,
                self.conns[1].read() if redis_ready else None)


class Probe:
    """A connection to each server for questions about the data (a type, an encoding) that
    must not join the main connection's transaction. Both servers are asked, so that the
    hits, misses and calls the questions count stay the same on both; Redis's answer is used."""

    def __init__(self, ports):
        self.conns = [Connection(port) for port in ports]

    def call(self, args):
        self.conns[0].call(args)
        return self.conns[1].call(args)


# Counters that follow from the commands alone, not from time or from how often a side was
# asked whether it has answered (PING), compared every STATS_EVERY commands.
COUNTED = ("keyspace_hits", "keyspace_misses", "total_error_replies", "pubsub_channels",
           "pubsub_patterns", "pubsubshard_channels", "blocked_clients", "total_blocking_keys",
           "total_blocking_keys_on_nokey", "rdb_changes_since_last_save", "lazyfreed_objects",
           "tracking_clients", "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes",
           "dump_payload_sanitizations", "unexpected_error_replies")
STATS_EVERY = [200]  # --counters-every
TRACKING_TABLE_SIZES = ("tracking_total_keys", "tracking_total_items")


def counters(conn):
    """INFO's counters, commandstats' calls and errorstats of one server, as a dict."""
    found = {}
    for section in ("stats", "clients", "persistence", "commandstats", "errorstats", "keyspace"):
        reply = conn.call(["INFO", section])
        text = (reply[1] if isinstance(reply, tuple) else reply).split(b"|", 1)[1].decode()
        for line in text.splitlines():
            if ":" not in line or line.startswith("#"):
                continue
            name, value = line.split(":", 1)
            if name in COUNTED:
                found[name] = value
            elif name.startswith("cmdstat_") and name not in ("cmdstat_ping", "cmdstat_info"):
                found[name] = ",".join(f for f in value.split(",") if not f.startswith("usec"))
            elif name.startswith("errorstat_"):
                found[name] = value
            elif name.startswith("db"):
                found[name] = ",".join(f for f in value.split(",") if not f.startswith("avg_ttl"))
    return found


def counters_differ(probe, skipped=()):
    """None if both servers counted the same (but for `skipped`), else (Cinnabar's, Redis's) that differ."""
    ca, cb = counters(probe.conns[0]), counters(probe.conns[1])
    for name in skipped:
        ca.pop(name, None)
        cb.pop(name, None)
    if ca == cb:
        return None
    names = sorted(set(ca) | set(cb))
    return ({n: ca.get(n) for n in names if ca.get(n) != cb.get(n)},
            {n: cb.get(n) for n in names if ca.get(n) != cb.get(n)})


class Subscribers:
    """A subscriber on each server; after each command the two must have received the same
    messages, in the same order. PINGs on another connection tell when Redis's have all come."""

    def __init__(self, ports):
        self.conns = [Connection(port) for port in ports]
        self.syncs = [Connection(port) for port in ports]

    def arrived(self, i):
        conn = self.conns[i]
        self.syncs[i].call(["PING"])
        self.syncs[i].call(["PING"])
        messages = []
        while conn.buf or select.select([conn.s], [], [], 0)[0]:
            messages.append(conn.read())
        return messages

    def compare(self):
        """None if both received the same, else (Cinnabar's messages, Redis's)."""
        redis = self.arrived(1)
        cinnabar = []
        self.conns[0].s.settimeout(2)
        try:
            for _ in redis:
                cinnabar.append(self.conns[0].read())
        except socket.timeout:
            return cinnabar, redis
        finally:
            self.conns[0].s.settimeout(10)
        cinnabar += self.arrived(0)
        STATS[self.COUNTED] += len(redis)
        if cinnabar != redis:
            # A key whose time passed may be expired by one server's active cycle a moment
            # before the other's: once both cycles have run, both must have said the same.
            time.sleep(0.3)
            redis += self.arrived(1)
            cinnabar += self.arrived(0)
            if sorted(cinnabar, key=repr) == sorted(redis, key=repr):
                STATS["messages that came a cycle apart"] += 1
                return None
        return None if cinnabar == redis else (cinnabar, redis)

    def close(self):
        for conn in self.conns + self.syncs:
            conn.close()


class Events(Subscribers):
    """A subscriber to every keyspace and keyevent notification on each server."""

    CLASSES = ["KEA", "KEA", "Kgl$", "Eshz", "KExtd", "KEm"]
    COUNTED = "notifications"

    def __init__(self, ports, classes):
        super().__init__(ports)
        for conn in self.syncs:
            conn.call(["CONFIG", "SET", "notify-keyspace-events", classes])
        for conn in self.conns:
            conn.call(["PSUBSCRIBE", "__key*__:*"])


class PubSub(Subscribers):
    """A subscriber on each server to channels, patterns and a shard channel that PUBLISH and
    SPUBLISH (sent as commands, in transactions and from scripts) reach or miss."""

    COUNTED = "published messages"

    def __init__(self, ports):
        super().__init__(ports)
        for conn in self.conns:
            conn.call(["SUBSCRIBE", "c1", "c2"])
            conn.read()
            conn.call(["PSUBSCRIBE", "c*", "{k}*"])
            conn.read()
            conn.call(["SSUBSCRIBE", "s1"])


def pubsub_command(r):
    channel = lambda: r.choice(["c1", "c2", "c3", "{k}4", "s1", "x"])
    c = r.randrange(8)
    if c < 4: return ["PUBLISH", channel(), r.choice(MEMBERS)]
    if c < 5: return ["SPUBLISH", channel(), r.choice(MEMBERS)]
    if c < 6: return ["PUBSUB", r.choice(["CHANNELS", "SHARDCHANNELS"])] + ([r.choice(["c*", "s*", "*", "x"])] if r.random() < .5 else [])
    if c < 7: return ["PUBSUB", r.choice(["NUMSUB", "SHARDNUMSUB"]), channel(), channel()]
    return ["PUBSUB", "NUMPAT"]


def tracked_read(r):
    k = lambda: r.choice(KEYS)
    return r.choice([["GET", k()], ["STRLEN", k()], ["LLEN", k()], ["LRANGE", k(), "0", "1"],
                     ["HGET", k(), r.choice(MEMBERS)], ["SCARD", k()], ["ZCARD", k()], ["TYPE", k()],
                     ["EXISTS", k(), k()], ["XLEN", k()], ["MGET", k(), k()], ["PFCOUNT", k()]])


class Tracking(Subscribers):
    """A client on each server that tracks the keys it reads (CLIENT TRACKING with REDIRECT to a
    subscriber of __redis__:invalidate, in one of the modes), reading now and then from database
    0 while the main connection changes keys in every database; the invalidations the two
    subscribers receive are compared after each command, the readers' replies as they come."""

    MODES = [[], [], ["BCAST"], ["BCAST", "PREFIX", "k"], ["BCAST", "PREFIX", "k1", "PREFIX", "{"],
             ["OPTIN"], ["OPTOUT"]]
    COUNTED = "invalidations"

    def __init__(self, ports, mode):
        super().__init__(ports)
        self.mode = mode
        self.readers = [Connection(port) for port in ports]
        for sub, reader in zip(self.conns, self.readers):
            sub_id = int(sub.call(["CLIENT", "ID"])[1:])
            sub.call(["SUBSCRIBE", "__redis__:invalidate"])
            reader.call(["CLIENT", "TRACKING", "ON", "REDIRECT", str(sub_id)] + mode)

    def read(self, r):
        """A read by the tracking client: None, or (the command, Cinnabar's reply, Redis's)."""
        cmd = tracked_read(r)
        caching = ("YES" if "OPTIN" in self.mode and r.random() < .7 else
                   "NO" if "OPTOUT" in self.mode and r.random() < .3 else None)
        if caching:
            for reader in self.readers:
                reader.call(["CLIENT", "CACHING", caching])
        replies = [reader.call(cmd) for reader in self.readers]
        return None if replies[0] == replies[1] else (cmd, replies[0], replies[1])

    def close(self):
        super().close()
        for conn in self.readers:
            conn.close()


STATS = collections.Counter()
NOT_COMPARED = set()
# Compared byte for byte, except a hashtable's, which lists its members in each server's dict
# order, and a stream's with consumers, whose seen-times are the clock's (only the length then).
DUMPS = {"DUMP"}
TIMES = {"TTL", "PTTL", "EXPIRETIME"}


def mask_idle(cmd, reply):
    """XPENDING's and XINFO CONSUMERS' idle times are read off the clock: masked before comparing."""
    if not isinstance(reply, tuple):
        return reply
    head, items = reply
    if cmd[0] == "XPENDING":
        return (head, [(e[0], e[1][:2] + [b"idle"] + e[1][3:]) if isinstance(e, tuple) and len(e[1]) == 4 else e
                       for e in items])
    if cmd[0] == "XINFO" and cmd[1] == "CONSUMERS":
        masked = []
        for e in items:
            if isinstance(e, tuple):
                kv = list(e[1])
                for j in range(0, len(kv) - 1, 2):
                    if kv[j] in (b"$4|idle", b"+idle"):
                        kv[j + 1] = b"idle"
                e = (e[0], kv)
            masked.append(e)
        return (head, masked)
    return reply


# CLIENT INFO's fields that depend on the connection, the clock or memory.
CLIENT_VARIES = {"id", "addr", "laddr", "fd", "age", "idle", "qbuf", "qbuf-free", "argv-mem", "multi-mem",
                 "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events"}


def client_info_fields(cmd, reply):
    if cmd[:2] != ["CLIENT", "INFO"] or not isinstance(reply, bytes) or b"|" not in reply:
        return reply
    text = reply.split(b"|", 1)[1].decode()
    text = text[4:] if text.startswith("txt:") else text  # RESP3's verbatim string
    return " ".join(f for f in text.split() if f.split("=", 1)[0] not in CLIENT_VARIES)


def functions_unordered(cmd, reply):
    """FUNCTION LIST gives a library's functions in its dict's order: sorted before comparing."""
    if cmd[:2] != ["FUNCTION", "LIST"] or not isinstance(reply, tuple):
        return reply
    libraries = []
    for library in reply[1]:
        if isinstance(library, tuple):
            kv = list(library[1])
            for j in range(0, len(kv) - 1, 2):
                if kv[j] in (b"$9|functions", b"+functions") and isinstance(kv[j + 1], tuple):
                    kv[j + 1] = (kv[j + 1][0], sorted(kv[j + 1][1], key=repr))
            library = (library[0], kv)
        libraries.append(library)
    return (reply[0], libraries)


def time_class(reply):
    """A TTL or expiry time read a moment apart on two servers: only -2, -1 or 'set' compare."""
    if isinstance(reply, bytes) and reply.startswith(b":") and int(reply[1:]) >= 0:
        return b":set"
    return reply
LEX = {"ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"}


def is_lex(cmd):
    return cmd[0] in LEX or (cmd[0] == "ZRANGE" and "BYLEX" in cmd)


def sort_by_over_unordered(cmd, redis, in_multi):
    """SORT ... BY or ALPHA over a hashtable set, or over a zset (which SORT turns into a skiplist
    first): elements of equal weight (keys that do not exist, BY nosort of a set, "" and "\0x"
    for strcoll) keep the order Redis's
    dict iterates in, which depends on its random hash seed; so such a command is not sent, nor
    one queued, whose key may change form by EXEC."""
    if cmd[0] not in ("SORT", "SORT_RO") or ("BY" not in cmd and "ALPHA" not in cmd):
        return False  # (ALPHA: strcoll finds a member with a zero byte equal to its prefix)
    return (in_multi or redis.call(["OBJECT", "ENCODING", cmd[1]]) == b"$9|hashtable"
            or redis.call(["TYPE", cmd[1]]) == b"+zset")


def lex_on_mixed_scores(cmd, redis):
    """A lex range over members of different scores: Redis leaves its result unspecified (it
    depends on the skiplist's random levels), so such a command is not sent at all."""
    if not is_lex(cmd):
        return False
    if redis.call(["TYPE", cmd[1]]) != b"+zset":
        return False
    head, items = redis.call(["ZRANGE", cmd[1], "0", "-1", "WITHSCORES"])
    if items and isinstance(items[0], tuple):  # RESP3: [member, score] pairs
        scores = {pair[1][1] for pair in items}
    else:
        scores = set(items[1::2])
    return len(scores) > 1
ONE_KEY_UNORDERED = {"HVALS", "HKEYS", "HGETALL", "SMEMBERS", "HSCAN", "SSCAN", "ZSCAN"}
UNORDERED = {"SINTER", "SUNION", "SDIFF", "SCAN", "PUBSUB"}
UNORDERED_ENCODINGS = (b"$9|hashtable", b"$8|skiplist", b"$6|intset")


def unordered(cmd, redis):
    if cmd[0] in UNORDERED:
        return True
    if cmd[0] in ONE_KEY_UNORDERED:
        encoding = redis.call(["OBJECT", "ENCODING", cmd[1]])
        return encoding in UNORDERED_ENCODINGS or encoding.startswith(b"=")
    return False


def as_multiset(reply, cmd):
    if not isinstance(reply, tuple):
        return reply
    head, items = reply
    if cmd[0] in ("HSCAN", "SSCAN", "ZSCAN", "SCAN"):
        return (head, [items[0], as_multiset(items[1], ["SMEMBERS" if cmd[0] in ("SSCAN", "SCAN") else "HGETALL"])])
    if cmd[0] == "HGETALL" or head.startswith(b"%"):
        return (head, sorted(zip(items[0::2], items[1::2]), key=repr))
    return (head, sorted(items, key=repr))


ENCODING_LIMITS = {"list-max-listpack-size": ["2", "4", "128", "-1"], "list-compress-depth": ["0", "1", "2"],
                   "hash-max-listpack-entries": ["2", "4", "128"], "hash-max-listpack-value": ["1", "64"],
                   "set-max-intset-entries": ["2", "4", "512"], "zset-max-listpack-entries": ["2", "4", "128"],
                   "zset-max-listpack-value": ["1", "64"], "stream-node-max-entries": ["2", "3", "100"],
                   "stream-node-max-bytes": ["40", "4096"]}


def next_command(r, in_multi):
    """The next command, and the name of the script that wraps it (None if it is sent as is)."""
    x = r.random()
    if x < 0.005:
        # Limits changed under existing values: they convert when next written, not now.
        name = r.choice(sorted(ENCODING_LIMITS))
        return ["CONFIG", "SET", name, r.choice(ENCODING_LIMITS[name])], None
    if x < 0.1:
        return other_command(r), None
    if x < 0.14:
        cmd = database_command(r)
        return (["DBSIZE"] if in_multi and cmd[0] == "SELECT" else cmd), None
    if x < 0.17:
        return blocking_command(r, r.choice(BLOCKING_TIMEOUTS)), None
    y = r.random()
    cmd = (more_command(r) if y < 1 / 7 else stream_command(r) if y < 1 / 7 + 1 / 12
           else pubsub_command(r) if y < 1 / 7 + 1 / 12 + 1 / 40 else command(r))
    if x < 0.27 and cmd[0] != "FLUSHALL":
        return script_command(r, cmd)
    return cmd, None


NIL = (b"$-1", b"_")


def cross_restore(a, b, key):
    """Each server restores the other's DUMP of the key, replacing it: the same content, not
    necessarily the same bytes (encodings, stream IDs). None if both took it, else what differed."""
    dump_a, dump_b = a.call(["DUMP", key]), b.call(["DUMP", key])
    if (dump_a in NIL) != (dump_b in NIL):
        return dump_a, dump_b
    if dump_a in NIL:
        return None
    # Asked of both, so that both count the same hits; Redis's answer decides.
    a.call(["TYPE", key])
    a.call(["OBJECT", "ENCODING", key])
    kind, encoding = b.call(["TYPE", key]), b.call(["OBJECT", "ENCODING", key])
    if b"hash" in kind and encoding == b"$9|hashtable":
        # Restored under raised limits it becomes a listpack in the order the dump lists the
        # fields: each server's own dict order, Redis's from a random hash seed.
        return None
    STATS["cross RESTORE"] += 1
    payload = lambda reply: reply.split(b"|", 1)[1]
    ra = a.call(["RESTORE", key, "0", payload(dump_b), "REPLACE"])
    rb = b.call(["RESTORE", key, "0", payload(dump_a), "REPLACE"])
    return None if ra == rb == b"+OK" else (ra, rb)


def compare_pushes(a, b):
    """None if both main connections were pushed the same since the last call, else both lists.
    Only their content: an invalidation of a key a server's expiry cycle deleted may come a
    moment apart, and between other replies."""
    for conn in (a, b):
        conn.pending_pushes()
    if a.pushes != b.pushes:
        time.sleep(0.3)
        for conn in (a, b):
            conn.pending_pushes()
    pa, pb = a.pushes, b.pushes
    a.pushes, b.pushes = [], []
    STATS["pushes"] += len(pb)
    return None if sorted(pa, key=repr) == sorted(pb, key=repr) else (pa, pb)


def run_seed(seed, ports, commands, resp, history_key, events, tracking, pubsub):
    a, b = Connection(ports[0]), Connection(ports[1])
    probe = Probe(ports)
    blockers = Blockers(ports, resp)
    r = random.Random(seed)
    events = Events(ports, r.choice(Events.CLASSES)) if events else None
    tracking = Tracking(ports, r.choice(Tracking.MODES)) if tracking else None
    pubsub = PubSub(ports) if pubsub else None
    try:
        return run_commands(r, seed, (a, b, probe), blockers, (events, tracking, pubsub), commands, resp, history_key)
    finally:
        for conn in [a, b] + probe.conns + blockers.conns + blockers.syncs:
            conn.close()
        if events:
            events.syncs[0].call(["CONFIG", "SET", "notify-keyspace-events", ""])
            events.syncs[1].call(["CONFIG", "SET", "notify-keyspace-events", ""])
            events.close()
        if tracking:
            tracking.close()
        if pubsub:
            pubsub.close()


def run_commands(r, seed, conns, blockers, subscribers, commands, resp, history_key):
    a, b, probe = conns
    events, tracking, pubsub = subscribers
    config = [("list-max-listpack-size", r.choice(["2", "4", "128", "-1"])),
              ("hash-max-listpack-entries", r.choice(["2", "4", "128"])),
              ("set-max-intset-entries", r.choice(["2", "4", "512"])),
              ("zset-max-listpack-entries", r.choice(["2", "4", "128"])),
              # What a previous seed may have changed, back to the defaults.
              ("list-compress-depth", "0"), ("hash-max-listpack-value", "64"), ("zset-max-listpack-value", "64"),
              ("stream-node-max-entries", r.choice(["2", "3", "100"])),
              ("stream-node-max-bytes", r.choice(["40", "4096", "4096"]))]
    for conn in [a, b] + probe.conns:
        if resp == 3:
            conn.call(["HELLO", "3"])
        for name, value in config:
            conn.call(["CONFIG", "SET", name, value])
    a.call(["FLUSHALL"])
    b.call(["FLUSHALL"])
    for conn in (a, b):
        loaded = conn.call(["FUNCTION", "LOAD", "REPLACE", LIBRARY])
        assert loaded == b"$2|fz", loaded
    if tracking and resp == 3:
        # The main connection tracks what it reads too: its own writes push invalidations to it.
        mode = r.choice([[], ["NOLOOP"], ["BCAST"], ["BCAST", "NOLOOP"], ["BCAST", "PREFIX", "k"]])
        for conn in (a, b):
            conn.pushes = []
            assert conn.call(["CLIENT", "TRACKING", "ON"] + mode) == b"+OK"
    a.call(["CONFIG", "RESETSTAT"])
    b.call(["CONFIG", "RESETSTAT"])
    history = []
    in_multi = False

    def differ(i, cmd, ra, rb):
        print("seed %d, command %d: %r\n  cinnabar: %r\n  redis:    %r" % (seed, i, cmd, ra, rb))
        for j, c in history:
            if cmd[0] == "(INFO counters before)" and j >= i - max(STATS_EVERY[0], 8):
                print("    %d %r" % (j, c))
            elif history_key and (history_key in c or c[0] in ("FLUSHALL", "FLUSHDB", "SWAPDB", "SELECT", "CONFIG", "MOVE", "COPY", "RENAME")):
                print("    %d %r" % (j, c))
        return False

    # Once Redis 7.0's quirk (below) has left a key in its tracking table that Cinnabar
    # invalidated, the two tables' sizes differ for the rest of the seed.
    uncounted = set()
    for i in range(commands):
        if i % STATS_EVERY[0] == 0 and not in_multi:
            difference = counters_differ(probe, uncounted)
            if difference:
                return differ(i, ["(INFO counters before)"], *difference)
        if blockers.pending is None and r.random() < 0.03:
            cmd = blocking_command(r, "0")
            history.append((i, ["(blocker)"] + cmd))
            blockers.send(cmd)
        served = blockers.check()
        if served and served[1] != served[2]:
            return differ(i, ["(blocker)"] + served[0], served[1], served[2])
        if blockers.pending is not None and r.random() < 0.02:
            how = r.choice([[], ["TIMEOUT"], ["ERROR"], ["x"]])
            history.append((i, ["CLIENT", "UNBLOCK", "(blocker)"] + how))
            STATS["CLIENT UNBLOCK"] += 1
            ra = a.call(["CLIENT", "UNBLOCK", str(blockers.ids[0])] + how)
            rb = b.call(["CLIENT", "UNBLOCK", str(blockers.ids[1])] + how)
            if ra != rb:
                return differ(i, ["CLIENT", "UNBLOCK", "(blocker)"] + how, ra, rb)
            continue
        if not in_multi and r.random() < .02:
            key = r.choice(KEYS)
            history.append((i, ["(cross RESTORE)", key]))
            difference = cross_restore(a, b, key)
            if difference:
                return differ(i, ["(cross RESTORE)", key], *difference)
            continue
        cmd, script = next_command(r, in_multi)
        inner = inner_command(cmd)
        if lex_on_mixed_scores(inner, probe) or sort_by_over_unordered(inner, probe, in_multi):
            continue
        if in_multi and (inner[0] in ONE_KEY_UNORDERED or inner[0] in UNORDERED or inner[0] in NOT_COMPARED
                         or inner[0] in TIMES or inner[0] in ("XPENDING", "XINFO", "DUMP", "FUNCTION", "CLIENT")
                         or is_lex(inner)):
            continue  # inside EXEC's reply they could not be compared as they are above
        if script == "json" and (inner[0] in ONE_KEY_UNORDERED or inner[0] in UNORDERED):
            continue  # an order Redis leaves open, inside a string
        if cmd[0] in ("FLUSHALL", "FLUSHDB", "SWAPDB") and in_multi:
            continue
        history.append((i, cmd))
        STATS["scripts" if script else cmd[0] if cmd[0] in ("SELECT", "MOVE", "SWAPDB") else
              "blocking" if cmd[0] in BLOCKING else "other"] += 1
        ra, rb = a.call(cmd), b.call(cmd)
        if cmd[0] == "MULTI" and rb == b"+OK":
            in_multi = True
        elif cmd[0] in ("EXEC", "DISCARD"):
            in_multi = False
        elif cmd[0] == "SELECT" and rb == b"+OK":
            probe.call(cmd)
        if inner[0] in DUMPS and ra != rb:
            encoding, kind = probe.call(["OBJECT", "ENCODING", inner[1]]), probe.call(["TYPE", inner[1]])
            if encoding == b"$9|hashtable" or b"stream" in kind and len(ra) == len(rb):
                continue  # a dict's order, or a consumer's seen-time (the clock's)
        if inner[0] in NOT_COMPARED:
            continue
        if ra != rb and unordered(inner, probe):
            ra, rb = as_multiset(ra, inner), as_multiset(rb, inner)
        if inner[0] in TIMES:
            ra, rb = time_class(ra), time_class(rb)
        if inner[0] in ("XPENDING", "XINFO"):
            ra, rb = mask_idle(inner, ra), mask_idle(inner, rb)
        if inner[0] == "FUNCTION":
            ra, rb = functions_unordered(inner, ra), functions_unordered(inner, rb)
        if inner[0] == "CLIENT":
            ra, rb = client_info_fields(inner, ra), client_info_fields(inner, rb)
        if ra != rb:
            return differ(i, cmd, ra, rb)
        difference = events and events.compare()
        if difference:
            return differ(i, ["(notifications of)"] + cmd, *difference)
        difference = pubsub and pubsub.compare()
        if difference:
            return differ(i, ["(messages after)"] + cmd, *difference)
        difference = a.pushes is not None and compare_pushes(a, b)
        if difference and blockers.pending:
            difference = None  # Redis 7.0's quirk, as for the tracking client below
            uncounted.update(TRACKING_TABLE_SIZES)
        if difference:
            return differ(i, ["(pushes after)"] + cmd, *difference)
        difference = tracking and tracking.compare()
        if difference and blockers.pending:
            # Redis 7.0 serves a blocked pop without signalling the key (the push that made it
            # ready did): a key a swap made ready is never invalidated there, and a BCAST NOLOOP
            # client whose own push was popped is not told. Cinnabar signals the pop.
            difference = None
            uncounted.update(TRACKING_TABLE_SIZES)
        if difference:
            return differ(i, ["(invalidations after)"] + cmd, *difference)
        if tracking and r.random() < .3:
            difference = tracking.read(r)
            if difference:
                return differ(i, ["(tracking client)"] + difference[0], *difference[1:])
    return True


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port):
    for _ in range(100):
        try:
            Connection(port).call(["PING"])
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("no server on port %d" % port)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=os.path.join(here, "..", "server", "target", "cinnabar-server.jar"))
    p.add_argument("--seeds", default="1-40", help="first-last")
    p.add_argument("--commands", type=int, default=3000)
    p.add_argument("--resp", type=int, choices=(2, 3), default=2)
    p.add_argument("--events", action="store_true",
                   help="compare the keyspace notifications each command fires (slower)")
    p.add_argument("--pubsub", action="store_true",
                   help="compare the messages PUBLISH and SPUBLISH deliver to a subscriber (slower)")
    p.add_argument("--tracking", action="store_true",
                   help="compare the invalidations a client tracking what it reads receives (slower)")
    p.add_argument("--history", help="on a difference, list the commands that named this key")
    p.add_argument("--counters-every", type=int, default=200,
                   help="compare INFO's counters every N commands (1 finds the command that differs)")
    a = p.parse_args()
    STATS_EVERY[0] = a.counters_every
    first, last = (int(x) for x in a.seeds.split("-"))
    ports = (free_port(), free_port())
    servers = [subprocess.Popen(["java", "-jar", a.jar, "--port", str(ports[0]), "--save", ""],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
               subprocess.Popen(["redis-server", "--port", str(ports[1]), "--save", ""],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for port in ports:
            wait(port)
        for seed in range(first, last + 1):
            if not run_seed(seed, ports, a.commands, a.resp, a.history, a.events, a.tracking, a.pubsub):
                return 1
        print("seeds %d-%d: %d commands each, the same replies (RESP%d)" % (first, last, a.commands, a.resp))
        print(", ".join("%s %d" % item for item in sorted(STATS.items())))
        return 0
    finally:
        for s in servers:
            s.terminate()
            s.wait()


if __name__ == "__main__":
    sys.exit(main())
