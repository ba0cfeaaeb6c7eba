#!/usr/bin/env python3
"""Random ACL users and what they may do, against redis-server and Cinnabar side by side.

For each seed, a user is set up again and again with random rules (ACL SETUSER reset on nopass
and up to seven rules: commands, categories, first arguments, key patterns with %R/%W, channel
patterns, the all/reset forms, and up to two selectors of up to four rules each); each time a
connection authenticated as that user sends random commands over a small set of keys (reads,
writes, both, several keys, channels, EVAL with redis.call, pcall and acl_check_cmd, SORT with BY
and GET, SELECT with first arguments, CONFIG GET), half of them first asked about with ACL DRYRUN
from an admin connection, and the three newest ACL LOG entries are read (their age and client
line left out). Every reply is compared byte for byte: the rules' refusals, -NOPERM errors,
DRYRUN's sentences and the log must be Redis's.

Start the servers yourself, each with nothing else to do (the tool runs FLUSHALL and ACL LOG
RESET, and creates and deletes the user "fz"), for example

  redis-server --port 7112 --save '' &
  java -jar server/target/cinnabar-server.jar --port 7111 --save '' &
  python3 tools/acl-differential-fuzz.py --redis-port 7112 --cinnabar-port 7111 --seeds 1-40

2026-12-07: seeds 1-40 (about 19,500 commands), no difference.
"""
import argparse
import random
import sys

import resp

CATEGORIES = ["@read", "@write", "@string", "@hash", "@list", "@keyspace", "@fast", "@slow", "@pubsub",
              "@scripting", "@admin", "@dangerous", "@connection", "@transaction", "@set", "@sortedset"]
COMMANDS = ["get", "set", "hset", "hget", "lpush", "lrange", "del", "mget", "mset", "copy", "publish", "eval",
            "config|get", "config", "client|id", "client", "select", "sort", "incr", "append", "exists", "type",
            "ttl", "object|encoding", "debug|object", "info", "ping", "echo", "rename", "sunionstore", "zadd",
            "zrange", "xadd", "pfadd", "getdel", "dbsize", "keys", "scan", "flushdb"]
KEY_PATTERNS = ["a*", "b:*", "*", "c?", "[ab]x", "*:1"]
CHANNEL_PATTERNS = ["n*", "news", "*", "x?"]
KEYS = ["a", "a1", "b:1", "b:2", "c1", "ax", "bx", "z:1", "other"]
USER = "fz"


def rule(r):
    x = r.random()
    if x < 0.3:
        return r.choice("+-") + r.choice(CATEGORIES)
    if x < 0.6:
        return r.choice("+-") + r.choice(COMMANDS)
    if x < 0.65:
        return "+select|%d" % r.randint(0, 2)
    if x < 0.8:
        return r.choice(["~", "%R~", "%W~", "%RW~"]) + r.choice(KEY_PATTERNS)
    if x < 0.88:
        return "&" + r.choice(CHANNEL_PATTERNS)
    return r.choice(["allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands", "nocommands",
                     "+@all", "-@all"])


def user_rules(r):
    rules = ["reset", "on", "nopass"] + [rule(r) for _ in range(r.randint(1, 7))]
    for _ in range(r.randint(0, 2)):
        rules.append("(" + " ".join(rule(r) for _ in range(r.randint(1, 4))) + ")")
    return rules


def command(r):
    k = lambda: r.choice(KEYS)
    makers = [
        lambda: ["GET", k()], lambda: ["SET", k(), "v"], lambda: ["HSET", k(), "f", "v"],
        lambda: ["MGET", k(), k(), k()], lambda: ["MSET", k(), "1", k(), "2"], lambda: ["COPY", k(), k()],
        lambda: ["PUBLISH", r.choice(["news", "nx", "x1", "other"]), "m"],
        lambda: ["EVAL", "return redis.call('get',KEYS[1])", "1", k()],
        lambda: ["EVAL", "return redis.pcall('set',KEYS[1],'x')", "1", k()],
        lambda: ["EVAL", "return redis.acl_check_cmd('set',ARGV[1],'x')", "0", k()],
        lambda: ["CONFIG", "GET", "maxmemory"], lambda: ["SELECT", str(r.randint(0, 2))],
        lambda: ["SORT", k()], lambda: ["SORT", k(), "BY", "nosort"], lambda: ["SORT", k(), "GET", "#"],
        lambda: ["INCR", k()], lambda: ["APPEND", k(), "x"], lambda: ["EXISTS", k(), k()], lambda: ["TYPE", k()],
        lambda: ["RENAME", k(), k()], lambda: ["SUNIONSTORE", k(), k(), k()], lambda: ["ZADD", k(), "1", "m"],
        lambda: ["XADD", k(), "1-1", "f", "v"], lambda: ["GETDEL", k()], lambda: ["DBSIZE"], lambda: ["PING"],
        lambda: ["OBJECT", "ENCODING", k()], lambda: ["LPUSH", k(), "x"], lambda: ["DEL", k(), k()],
    ]
    return r.choice(makers)()


def without_age_and_client(reply):
    """ACL LOG's entries with their age-seconds and client-info values dropped."""
    if isinstance(reply, tuple):
        items = []
        skip = False
        for item in reply[1]:
            if skip:
                skip = False
                continue
            if item in (b"$11|age-seconds", b"$11|client-info"):
                skip = True
                continue
            items.append(without_age_and_client(item))
        return reply[0], items
    return reply


def transcript(port, seed, users, commands):
    r = random.Random(seed)
    admin = resp.Connection(port)
    out = []
    try:
        admin.call(["FLUSHALL"])
        admin.call(["ACL", "LOG", "RESET"])
        for _ in range(users):
            rules = user_rules(r)
            out.append(("ACL SETUSER %s %s" % (USER, " ".join(rules)), admin.call(["ACL", "SETUSER", USER] + rules)))
            user = resp.Connection(port)
            try:
                user.call(["AUTH", USER, "x"])
                for _ in range(commands):
                    c = command(r)
                    if r.random() < 0.5:
                        out.append(("ACL DRYRUN %s %s" % (USER, " ".join(c)), admin.call(["ACL", "DRYRUN", USER] + c)))
                    out.append((" ".join(c), user.call(c)))
            finally:
                user.close()
            out.append(("ACL LOG 3", without_age_and_client(admin.call(["ACL", "LOG", "3"]))))
            admin.call(["ACL", "LOG", "RESET"])
        admin.call(["ACL", "DELUSER", USER])
    finally:
        admin.close()
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--cinnabar-port", type=int, required=True)
    p.add_argument("--seeds", default="1-20", help="first-last")
    p.add_argument("--users", type=int, default=20, help="user set-ups per seed")
    p.add_argument("--commands", type=int, default=15, help="commands per user set-up")
    p.add_argument("--show", type=int, default=10, help="differences printed in full")
    a = p.parse_args()
    first, last = (int(x) for x in a.seeds.split("-"))
    differences = 0
    total = 0
    for seed in range(first, last + 1):
        redis = transcript(a.redis_port, seed, a.users, a.commands)
        ours = transcript(a.cinnabar_port, seed, a.users, a.commands)
        for (what, expected), (_, got) in zip(redis, ours):
            total += 1
            if expected != got:
                differences += 1
                if differences <= a.show:
                    print("seed %d: %s\n  redis:    %r\n  cinnabar: %r" % (seed, what, expected, got))
    print("seeds %d-%d: %d replies compared, %s" % (
        first, last, total, "no difference" if not differences else "%d differ" % differences))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
