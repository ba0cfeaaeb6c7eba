#!/usr/bin/env python3
"""Random commands against redis-server and Cinnabar side by side; stops at the first reply that differs.

Each seed configures both servers with the same small encoding limits (so values cross between
listpack, intset, quicklist, hashtable and skiplist forms often), then sends the same random
sequence of string, list, hash, set, sorted-set, key, SORT, bitmap, HLL, geo and stream commands
over five keys, with expiry and MULTI/EXEC/WATCH now and then, bad arguments and wrong types mixed
in, and compares the raw replies (a TTL only as -2, -1 or set). What
Redis itself leaves unordered (the members of a hashtable, intset or skiplist-encoded value, as
HGETALL, SMEMBERS and the SCANs reply, and SINTER/SUNION/SDIFF) is compared as a multiset;
XADD's and DUMP's replies depend on the time and are not compared; a lex range over members of
different scores, whose result Redis leaves unspecified, is not sent.

A difference prints the seed, the command and both replies; with --history KEY, the commands that
touched KEY before it. Not a test that CI runs: a tool for looking for bugs. On 2026-12-06 every
seed matched, with expiry and transactions: 1-400 in RESP2 (3000-5000 commands each), 1000-1200 in
RESP3 (5000). Before those were added, 1-240 in RESP2 and 100-140 and 1000-1150 in RESP3 had.

  python3 tools/differential-fuzz.py [--jar server/target/cinnabar-server.jar] [--seeds 1-40]
                                     [--commands 3000] [--resp 2|3] [--history k3]
"""
import argparse
import os
import random
import socket
import subprocess
import sys
import time


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Connection:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.settimeout(10)
        self.buf = b""

    def fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("closed")
        self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        i = self.buf.index(b"\r\n")
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def read(self):
        """A reply as bytes, or (header, [replies]) for an aggregate: enough to compare two."""
        line = self.line()
        t = line[:1]
        if t in b"+-:,#_(":
            return line
        if t in b"$=!":
            n = int(line[1:])
            if n < 0:
                return line
            while len(self.buf) < n + 2:
                self.fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return line + b"|" + data
        if t in b"*~>%|":
            n = int(line[1:])
            if n < 0:
                return line
            return (line, [self.read() for _ in range(n * 2 if t in b"%|" else n)])
        raise ValueError("not RESP: %r" % line)

    def call(self, args):
        self.s.sendall(encode(args))
        return self.read()


KEYS = ["k0", "k1", "k2", "k3", "{k}4"]
MEMBERS = ["a", "b", "c", "d", "1", "2", "10", "-3", "3.5", "x" * 70, ""]


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
    if c < 88: return ["XADD", k(), "*", m(), m()]
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


NOT_COMPARED = {"XADD", "DUMP"}
TIMES = {"TTL", "PTTL", "EXPIRETIME"}


def time_class(reply):
    """A TTL or expiry time read a moment apart on two servers: only -2, -1 or 'set' compare."""
    if isinstance(reply, bytes) and reply.startswith(b":") and int(reply[1:]) >= 0:
        return b":set"
    return reply
LEX = {"ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"}


def is_lex(cmd):
    return cmd[0] in LEX or (cmd[0] == "ZRANGE" and "BYLEX" in cmd)


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
UNORDERED = {"SINTER", "SUNION", "SDIFF"}
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
    if cmd[0] in ("HSCAN", "SSCAN", "ZSCAN"):
        return (head, [items[0], as_multiset(items[1], ["SMEMBERS" if cmd[0] == "SSCAN" else "HGETALL"])])
    if cmd[0] == "HGETALL" or head.startswith(b"%"):
        return (head, sorted(zip(items[0::2], items[1::2]), key=repr))
    return (head, sorted(items, key=repr))


def run_seed(seed, ports, commands, resp, history_key):
    r = random.Random(seed)
    a, b = Connection(ports[0]), Connection(ports[1])
    probe = Connection(ports[1])  # Redis, for questions that must not join b's transaction
    config = [("list-max-listpack-size", r.choice(["2", "4", "128", "-1"])),
              ("hash-max-listpack-entries", r.choice(["2", "4", "128"])),
              ("set-max-intset-entries", r.choice(["2", "4", "512"])),
              ("zset-max-listpack-entries", r.choice(["2", "4", "128"]))]
    for conn in (a, b, probe):
        if resp == 3:
            conn.call(["HELLO", "3"])
        for name, value in config:
            conn.call(["CONFIG", "SET", name, value])
        conn.call(["FLUSHALL"])
    history = []
    in_multi = False
    for i in range(commands):
        cmd = other_command(r) if r.random() < 0.1 else command(r)
        if lex_on_mixed_scores(cmd, probe):
            continue
        if in_multi and (cmd[0] in ONE_KEY_UNORDERED or cmd[0] in UNORDERED or cmd[0] in NOT_COMPARED
                         or cmd[0] in TIMES or is_lex(cmd)):
            continue  # inside EXEC's reply they could not be compared as they are above
        if cmd[0] == "FLUSHALL" and in_multi:
            continue
        history.append((i, cmd))
        ra, rb = a.call(cmd), b.call(cmd)
        if cmd[0] == "MULTI" and rb == b"+OK":
            in_multi = True
        elif cmd[0] in ("EXEC", "DISCARD"):
            in_multi = False
        if cmd[0] in NOT_COMPARED:
            continue
        if ra != rb and unordered(cmd, probe):
            ra, rb = as_multiset(ra, cmd), as_multiset(rb, cmd)
        if cmd[0] in TIMES:
            ra, rb = time_class(ra), time_class(rb)
        if ra != rb:
            print("seed %d, command %d: %r\n  cinnabar: %r\n  redis:    %r" % (seed, i, cmd, ra, rb))
            for j, c in history:
                if history_key and (history_key in c or c[0] == "FLUSHALL"):
                    print("    %d %r" % (j, c))
            return False
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
    p.add_argument("--history", help="on a difference, list the commands that named this key")
    a = p.parse_args()
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
            if not run_seed(seed, ports, a.commands, a.resp, a.history):
                return 1
        print("seeds %d-%d: %d commands each, the same replies (RESP%d)" % (first, last, a.commands, a.resp))
        return 0
    finally:
        for s in servers:
            s.terminate()
            s.wait()


if __name__ == "__main__":
    sys.exit(main())
