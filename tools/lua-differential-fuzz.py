#!/usr/bin/env python3
"""Random Lua scripts against redis-server and Cinnabar side by side: the order and borders of Lua tables.

Starts a redis-server 7.0.15 and a Cinnabar server on free ports, then sends the same random
scripts to both, each as `EVAL script 0` (now and then `EVAL script 2 k1 k2 a1 a2 ...`, the
script reading KEYS and ARGV), and compares the raw RESP replies byte for byte. The scripts are
about what Lua 5.1's ltable.c decides and Cinnabar's table has to copy: the order `pairs` and `next`
visit keys in (array part, then hash nodes by main position, collisions, the free-node pointer,
the sizes a rehash picks), the border `#t` finds in a table with holes, the sizes constructors
start with (`{1,2,3}`, `{a=1}`, mixed, nested, `{...}` with nils among the arguments, `{f()}`),
keys set to nil staying in their node until the next rehash (`next(t, k)` from a deleted key),
and Lua 5.1's string hash as Redis has it (every byte hashed). Each script builds a table
(constructors of every shape; loops of up to a few hundred integer, negative, float, boolean and
string keys of 0 to 100 bytes, binary bytes too; cjson.decode of an object; cmsgpack.unpack of
a map; HGETALL of a small hash turned into a table; ARGV), changes it in random order (t[k]=v,
t[k]=nil and re-adding, rawset, table.insert and table.remove with and without a position,
deleting during a pairs traversal), and returns what shows the table's layout: keys (and
values) in pairs and next order, next(t, k) from a middle key or a deleted one, #t,
table.getn, table.maxn, select('#', unpack(t)), ipairs runs, table.concat, table.foreach,
cjson.encode, cmsgpack.pack's bytes, a {map=t} reply. Some scripts sort arrays with ties
(table.sort with and without a comparator, an inconsistent one too), and some end in the error
cases (next(t, absent key), t[nil]=1, t[0/0]=1, rawset(t, nil, 1), keys added during a
traversal), compared as the error replies. Numbers that are not integers come back as strings
(string.format('%.17g')), since a script's reply truncates numbers to integers.

Left uncompared, because Redis itself does not fix them: tables and functions as keys (their
hash is their address), tostring of tables and functions, math.random without
math.randomseed, pairs over _G or the library tables. Left in, though Redis fixes it only
through its garbage collector's pace: a string key set to nil is marked dead when a collection
step traverses the table, and written again it is then not found in its old node, which can
move it or start a rehash. Forced to collect all the time, a redis-server changed about 1
script in 500 that way; at its own pace, none of 20000 with the collector's phase shifted
between scripts. So a difference that comes down to a string key deleted and written again is
most likely real, but worth a second look. Each seed starts with SCRIPT FLUSH, which in Redis
7.0 makes a new Lua state: a seed gives the same scripts and replies whatever ran before it.

A difference prints the seed, the script (with its KEYS and ARGV) and both replies, and exits 1;
with --keep-going the differences are counted instead (the first --show of them printed in full,
the rest as one line each) and a summary per kind of script follows. --self-check runs two
redis-servers instead of redis-server and Cinnabar: they must never differ (that the scripts
are deterministic). --print writes a seed's scripts without starting any server. The servers
started are always stopped, on an error or Ctrl-C too. Not a test that CI runs: a tool for
looking for bugs. Seeds 1-20 (4000 scripts) take seconds; --self-check agreed on seeds 1-300 in
RESP2 and in RESP3. On 2026-12-06, LuaJ's own table differed in 43% of the scripts (and threw an
ArrayIndexOutOfBoundsException on one); with the table in Lua 5.1's layout (LuaTable, shadowed),
seeds 1-400 in RESP2 and 1-150 in RESP3 (110,000 scripts) gave the same replies.

  python3 tools/lua-differential-fuzz.py [--jar server/target/cinnabar-server.jar] [--seeds 1-20]
                                         [--scripts 200] [--resp 2|3] [--keep-going] [--show 20]
                                         [--self-check] [--print]
"""
import argparse
import collections
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import resp


def Connection(port):
    return resp.Connection(port, timeout=60)


def render(reply, limit=1500):
    """A reply in a compact notation: 12, "bulk", +status, -error, [a, b], %{k: v}, nil."""
    out = []

    def walk(x):
        if isinstance(x, tuple):
            header, items = x
            t = header[:1]
            if t in b"%|":
                out.append("%{")
                for i in range(0, len(items), 2):
                    if i:
                        out.append(", ")
                    walk(items[i])
                    out.append(": ")
                    walk(items[i + 1])
                out.append("}")
            else:
                out.append({b"~": "~[", b">": ">["}.get(t, "["))
                for i, item in enumerate(items):
                    if i:
                        out.append(", ")
                    walk(item)
                out.append("]")
            return
        t = x[:1]
        if t in b"$=!" and b"|" in x:
            data = x.split(b"|", 1)[1]
            text = data.decode("latin-1")
            out.append('"' + "".join(c if " " <= c <= "~" and c not in '"\\' else
                                     "\\" + c if c in '"\\' else "\\x%02x" % ord(c) for c in text) + '"')
        elif t == b":":
            out.append(x[1:].decode())
        elif x in (b"$-1", b"*-1", b"_"):
            out.append("nil")
        else:
            out.append(x.decode("latin-1"))

    walk(reply)
    text = "".join(out)
    return text if len(text) <= limit else text[:limit] + "... (%d characters)" % len(text)


def first_difference(a, b, path=""):
    """Where two replies first part: a path such as [3] or [1][0], and the two parts there."""
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0][:1] == b[0][:1]:
        for i, (x, y) in enumerate(zip(a[1], b[1])):
            if x != y:
                return first_difference(x, y, "%s[%d]" % (path, i))
        if len(a[1]) != len(b[1]):
            return "%s (lengths %d and %d)" % (path or "top", len(a[1]), len(b[1]))
    return "%s: %s vs %s" % (path or "top", render(a, 200), render(b, 200))


# ---------------------------------------------------------------------------------------------
# Lua scripts

def lua_string(s):
    """A Lua string literal for a Python str of code points 0-255."""
    out = []
    for c in s:
        o = ord(c)
        if c in "'\\":
            out.append("\\" + c)
        elif 32 <= o < 127:
            out.append(c)
        else:
            out.append("\\%d" % o)
    return "'" + "".join(out) + "'"


NAMES = ["a", "b", "c", "d", "e", "f", "g", "h", "x", "y", "z", "k1", "k2", "k3", "k10", "k11",
         "id", "name", "key", "aa", "ab", "ba", "n", "v", "w", "q", "A", "B", "abc", "foo", "bar"]
# Strings that are not identifiers: numbers' look-alikes, the empty string, punctuation.
ODD_STRINGS = ["1", "10", "-1", "1.5", "", " ", "a b", "0", "01", "true", "k 1", "\u00e9"]
# Numbers that are integers, the small ones most often (they fall in the array part).
BIG_INTS = ["32", "33", "64", "65", "100", "128", "255", "256", "257", "1000", "-100", "-7",
            "2147483647", "4294967296", "2^31", "-2^31", "2^40", "1e15"]
FLOATS = ["1.5", "0.5", "-2.25", "3.0", "0.1", "2.5", "-0.5", "7.75", "1/3", "100.25", "4/2"]
# Numbers whose conversion to an integer reply is undefined, or that stress number formatting:
# used only in scripts that return keys through S (never as raw numbers).
WILD = ["1e300", "-1e300", "1e-300", "1/0", "-1/0", "2^53", "2^53+2", "2^63", "-2^63", "2^31+0.5",
        "-#{}", "5e-324", "1e100"]


# Helpers a script may call; only those it uses are put at its start.
HELPERS = [
    ("S", "local function S(x) local y = type(x) if y == 'number' then if x == math.floor(x) and x > -2^53 "
          "and x < 2^53 then return x end return string.format('%.17g', x) elseif y == 'string' then "
          "return x elseif y == 'boolean' then return tostring(x) end return '<' .. y .. '>' end"),
    ("K", "local function K(t) local o = {} for k in pairs(t) do o[#o + 1] = S(k) end return o end"),
    ("KV", "local function KV(t) local o = {} for k, v in pairs(t) do o[#o + 1] = S(k) o[#o + 1] = S(v) end "
           "return o end"),
    ("N", "local function N(t, k) local o = {} k = next(t, k) while k ~= nil do o[#o + 1] = S(k) "
          "k = next(t, k) end return o end"),
    ("I", "local function I(t) local o = {} for i, v in ipairs(t) do o[i] = S(v) end return o end"),
    ("B", "local function B(t) return {#t, table.getn(t), S(table.maxn(t)), select('#', unpack(t))} end"),
]
NEEDS = {"K": {"S"}, "KV": {"S"}, "N": {"S"}, "I": {"S"}, "B": {"S"}, "S": set()}


class Script:
    """One script being written: its lines, the keys it has used, what it is made of."""

    def __init__(self, r):
        self.r = r
        self.lines = []
        self.helpers = set()
        self.keys_used = []      # Lua expressions of keys the table has had
        self.deleted = []        # of those, the ones last set to nil
        self.kinds = []          # what the script is made of, for the summary
        self.wild = r.random() < 0.25
        self.keys = []           # KEYS and ARGV for EVAL
        self.argv = []

    def use(self, *names):
        for name in names:
            self.helpers.add(name)
            self.helpers |= NEEDS[name]

    def add(self, line):
        self.lines.append(line)

    def source(self):
        head = [code for name, code in HELPERS if name in self.helpers]
        return "\n".join(head + self.lines)

    # -- pieces ---------------------------------------------------------------------------------

    def key(self, fresh=False):
        """A key expression: an old one now and then (unless fresh), else a new one."""
        r = self.r
        if not fresh and self.keys_used and r.random() < 0.4:
            return r.choice(self.keys_used)
        c = r.random()
        if c < 0.32:
            k = str(r.randint(-2, 20))
        elif c < 0.52:
            k = lua_string(r.choice(NAMES))
        elif c < 0.57:
            k = lua_string(r.choice(ODD_STRINGS))
        elif c < 0.64:
            k = "string.rep(%s, %d)" % (lua_string(r.choice(["x", "ab", "y", "\u00ff"])), r.randint(0, 100))
        elif c < 0.68:
            k = "string.char(%s)" % ", ".join(str(r.randrange(256)) for _ in range(r.randint(1, 4)))
        elif c < 0.72:
            k = r.choice(["true", "false"])
        elif c < 0.84:
            k = r.choice(FLOATS + (WILD if self.wild else []))
        else:
            k = r.choice(BIG_INTS)
        return k

    def value(self, depth=0):
        r = self.r
        c = r.random()
        if c < 0.6:
            return str(r.randint(1, 99))
        if c < 0.8:
            return lua_string("v%d" % r.randint(1, 30))
        if c < 0.88:
            return r.choice(["true", "false"])
        if c < 0.93:
            return r.choice(["1.5", "-0.25", "2^33"])
        if depth < 2:
            return self.constructor(depth + 1, small=True)
        return "{}"

    def note_key(self, k):
        if k not in self.keys_used:
            self.keys_used.append(k)
        if k in self.deleted:
            self.deleted.remove(k)

    def note_deleted(self, k):
        if k not in self.deleted:
            self.deleted.append(k)

    def size(self):
        """A table size, near the powers of two where the array part or the nodes double."""
        r = self.r
        if r.random() < 0.5:
            return r.randint(1, 12)
        base = r.choice([4, 8, 16, 32, 64, 128, 256])
        return max(1, base + r.randint(-2, 2)) if r.random() < 0.8 else r.randint(13, 300)

    # -- constructors ---------------------------------------------------------------------------

    def constructor(self, depth=0, small=False):
        """A table constructor expression of a random shape."""
        r = self.r
        n = r.randint(0, 5 if small else 12)
        shape = r.choice(["array", "record", "mixed", "mixed"])
        items = []
        position = 0
        for _ in range(n):
            c = r.random()
            if shape == "array" or shape == "mixed" and c < 0.4:
                if r.random() < 0.15:
                    items.append("nil")
                else:
                    items.append(self.value(depth))
                position += 1
                if depth == 0:
                    self.note_key(str(position))
            elif shape == "record" or c < 0.7:
                name = r.choice(NAMES)
                items.append("%s = %s" % (name, self.value(depth)))
                if depth == 0:
                    self.note_key(lua_string(name))
            else:
                k = self.key(fresh=True)
                if k.startswith("-#"):
                    k = "(%s)" % k
                items.append("[%s] = %s" % (k, self.value(depth)))
                if depth == 0:
                    self.note_key(k)
        sep = r.choice([", ", ", ", "; "])
        return "{" + sep.join(items) + "}"

    def loop_fill(self, target="t"):
        """for i = 1, N do t[EXPR] = VALUE end, N up to a few hundred."""
        r = self.r
        n = self.size()
        expr = r.choice(["i", "i", "%d + 1 - i" % n, "-i", "i * 2", "i * 3 - 1", "i + 0.5", "i / 4",
                         "'k' .. i", "'k' .. i", "string.rep('x', i % 101)", "string.char(i % 256)",
                         "i % 2 == 0 and i or 's' .. i", "2 ^ (i % 60)", "i % 5 == 0 and i + 0.5 or i",
                         "i * 1e10", "i % 3 == 0", "i - %d" % (n // 2), "string.rep('ab', i % 50) .. i"])
        if "2 ^" in expr and not self.wild:
            expr = "2 ^ (i % 50)"
        value = r.choice(["i", "i", "'v' .. i", "true", "-i"])
        step = "" if r.random() < 0.85 else ", %d" % r.choice([2, 3])
        self.add("for i = 1, %d%s do %s[%s] = %s end" % (n, step, target, expr, value))
        self.kinds.append("loop")
        for i in (1, 2, n):
            self.note_key(expr.replace("i", str(i)) if expr == "i" or expr.startswith("'k'") else str(i))
        return n

    def build(self):
        """local t = ...: one of the table's beginnings."""
        r = self.r
        c = r.randrange(100)
        if c < 30:
            self.kinds.append("constructor")
            self.add("local t = " + self.constructor())
        elif c < 50:
            self.kinds.append("loop")
            self.add("local t = " + (self.constructor(small=True) if r.random() < 0.3 else "{}"))
            self.loop_fill()
            if r.random() < 0.2:
                self.loop_fill()
        elif c < 58:
            self.kinds.append("vararg")
            args = []
            for _ in range(r.randint(0, 8)):
                args.append("nil" if r.random() < 0.3 else self.value(1))
            body = r.choice(["{...}", "{...}", "{...}", "{..., 'z'}", "{'a', ...}",
                             "{n = select('#', ...), ...}", "{x = 1, ...}"])
            self.add("local function f(...) return %s end" % body)
            self.add("local t = f(%s)" % ", ".join(args))
            for i in range(1, len(args) + 2):
                self.note_key(str(i))
        elif c < 65:
            self.kinds.append("multiple results")
            values = ["nil" if r.random() < 0.3 else self.value(1) for _ in range(r.randint(0, 6))]
            self.add("local function g() return %s end" % ", ".join(values))
            first = [self.value(1) for _ in range(r.randint(0, 3))]
            shape = r.choice(["{%s}", "{%s}", "{k = 1, %s}", "{[10] = 1, %s}"])
            inner = ", ".join(first + [r.choice(["g()", "g()", "(g())"])] + ([self.value(1)] if r.random() < 0.2 else []))
            self.add("local t = " + shape % inner)
            for i in range(1, len(first) + len(values) + 2):
                self.note_key(str(i))
        elif c < 72:
            self.kinds.append("nested")
            self.add("local u = " + self.constructor(depth=1))
            self.add("local t = {u, a = u, %s, b = {%s}}" % (self.value(1), self.value(1)))
            if r.random() < 0.5:
                self.add("t = u")
                self.keys_used = []
        elif c < 80:
            self.kinds.append("cjson.decode")
            self.add("local t = cjson.decode(%s)" % lua_string(self.json_text()))
        elif c < 85:
            self.kinds.append("cmsgpack.unpack")
            self.add("local t = cmsgpack.unpack(cmsgpack.pack(%s))" % self.constructor(small=r.random() < 0.5))
        elif c < 91:
            self.kinds.append("HGETALL")
            pairs = r.sample(NAMES + ["1", "2", "10", "f" * 30], r.randint(1, 12))
            self.keys = ["lfz:h", "lfz:x"]
            self.argv = sum([[p, str(r.randint(1, 99))] for p in pairs], [])
            self.add("redis.call('DEL', KEYS[1])")
            self.add("redis.call('HSET', KEYS[1], unpack(ARGV))")
            self.add("local h = redis.call('HGETALL', KEYS[1])")
            self.add("local t = {}")
            self.add("for i = 1, #h, 2 do t[h[i]] = h[i + 1] end")
            for p in pairs:
                self.note_key(lua_string(p))
        else:
            self.kinds.append("ARGV")
            self.keys = ["lfz:a", "lfz:b"]
            self.argv = [r.choice(NAMES + ODD_STRINGS[:5] + ["7", "100", "2.5"]) for _ in range(r.randint(0, 20))]
            self.add(r.choice(["local t = {} for i, v in ipairs(ARGV) do t[v] = i end",
                               "local t = {} for i, v in ipairs(ARGV) do t[tonumber(v) or v] = i end",
                               "local t = {unpack(ARGV)}",
                               "local t = {KEYS[1], unpack(ARGV)}",
                               "local t = {} for i = #ARGV, 1, -1 do t[ARGV[i]] = i end"]))
            for v in self.argv[:5]:
                self.note_key(lua_string(v))

    def json_text(self):
        r = self.r

        def value(depth):
            c = r.random()
            if c < 0.5 or depth > 1:
                return str(r.randint(-5, 99))
            if c < 0.7:
                return '"s%d"' % r.randint(1, 9)
            if c < 0.8:
                return r.choice(["true", "false", "null"])
            if c < 0.9:
                return "[" + ",".join(value(depth + 1) for _ in range(r.randint(0, 4))) + "]"
            return obj(depth + 1)

        def obj(depth):
            names = [r.choice(NAMES + ["1", "2", "10", ""]) for _ in range(r.randint(2, 14 if depth == 0 else 4))]
            return "{" + ",".join('"%s":%s' % (name, value(depth)) for name in names) + "}"

        if r.random() < 0.85:
            text = obj(0)
            for name in NAMES:
                if '"%s":' % name in text:
                    self.note_key(lua_string(name))
            return text
        return "[" + ",".join(value(1) for _ in range(r.randint(1, 10))) + "]"

    # -- changes --------------------------------------------------------------------------------

    def change(self):
        r = self.r
        c = r.randrange(100)
        if c < 22:
            k = r.choice(self.deleted) if self.deleted and r.random() < 0.4 else self.key()
            self.add("%s(t, %s, %s)" % ("rawset", k, self.value(1)) if r.random() < 0.15 else
                     "t[%s] = %s" % (k, self.value(1)))
            self.note_key(k)
            self.kinds.append("set")
        elif c < 40:
            k = self.key() if r.random() < 0.85 else self.key(fresh=True)
            self.add("rawset(t, %s, nil)" % k if r.random() < 0.15 else "t[%s] = nil" % k)
            self.note_deleted(k)
            self.kinds.append("delete")
        elif c < 50:
            if r.random() < 0.5:
                self.add("table.insert(t, %s)" % self.value(1))
            else:
                self.add("table.insert(t, %d, %s)" % (r.randint(1, 12), self.value(1)))
            self.kinds.append("table.insert")
        elif c < 58:
            if r.random() < 0.5:
                self.add("table.remove(t)")
            else:
                self.add("table.remove(t, %d)" % r.randint(1, 12))
            self.kinds.append("table.remove")
        elif c < 66:
            a = r.randint(1, 10)
            b = a + r.randint(0, 40)
            expr = r.choice(["i", "i", "'k' .. i", "i + 0.5", "-i"])
            step = "" if r.random() < 0.6 else ", %d" % r.choice([2, 3, 5])
            self.add("for i = %d, %d%s do t[%s] = nil end" % (a, b, step, expr))
            self.kinds.append("delete loop")
        elif c < 74:
            self.loop_fill()
        elif c < 86:
            cond = r.choice(["type(k) == 'number'", "type(k) == 'string'",
                             "type(k) == 'number' and k % 2 == 0", "type(v) == 'number' and v % 3 == 0",
                             "type(k) == 'string' and #k % 2 == 0", "v == true", "type(k) ~= 'number' or k > 4"])
            if r.random() < 0.35:
                self.add("do local c = 0 for k in pairs(t) do c = c + 1 if c %% %d == 0 then t[k] = nil end end end"
                         % r.choice([2, 3]))
            else:
                self.add("for k, v in pairs(t) do if %s then t[k] = nil end end" % cond)
            self.kinds.append("delete in pairs")
        elif c < 90:
            self.add("for k, v in pairs(t) do t[k] = %s end" % r.choice(["1", "'w'", "type(v) == 'number' and v + 1 or v"]))
            self.kinds.append("update in pairs")
        elif c < 95:
            self.add("t[%s] = nil" % self.key(fresh=True))
            self.kinds.append("nil to absent")
        else:
            # Delete then re-add at once (no allocation in between: see the docstring).
            k = self.key()
            self.add("t[%s] = nil t[%s] = %s" % (k, k, self.value(1)))
            self.note_key(k)
            self.kinds.append("delete and re-add")

    # -- what is returned -----------------------------------------------------------------------

    def observation(self):
        """An expression that shows something of t's layout, and its kind."""
        r = self.r
        c = r.randrange(100)
        if c < 24:
            self.use("K")
            return "K(t)", "pairs keys"
        if c < 32:
            self.use("KV")
            return "KV(t)", "pairs keys and values"
        if c < 37:
            self.use("N")
            return "N(t)", "next keys"
        if c < 48:
            return r.choice(["#t", "#t", "table.getn(t)"]), "#"
        if c < 55:
            self.use("B")
            return "B(t)", "borders"
        if c < 60:
            self.use("I")
            return "I(t)", "ipairs"
        if c < 68:
            return "cjson.encode(t)", "cjson.encode"
        if c < 74:
            return "cmsgpack.pack(t)", "cmsgpack.pack"
        if c < 77:
            return "table.concat(t, ',')", "table.concat"
        if c < 80:
            self.use("S")
            self.add("local fe = {} table.foreach(t, function(k) fe[#fe + 1] = S(k) end)")
            return "fe", "table.foreach"
        if c < 87:
            self.use("N")
            self.add("local m, c = nil, 0 for k in pairs(t) do c = c + 1 if c == %d then m = k end end" % r.randint(1, 8))
            return "N(t, m)", "next from a middle key"
        if c < 92:
            self.use("N")
            k = r.choice(self.deleted) if self.deleted and r.random() < 0.6 else self.key()
            # The keys after k, or the error's message if k is not in the table (any longer).
            return "(select(2, pcall(N, t, %s)))" % k, "next from a key (maybe deleted)"
        if c < 96 and not self.wild:
            return "{map = t}", "map reply"
        self.use("S")
        return "{select('#', unpack(t)), S(table.maxn(t)), #t}", "unpack"


def error_script(s):
    """A table and one of the error cases."""
    r = s.r
    s.add("local t = " + s.constructor(small=True))
    if r.random() < 0.5:
        s.change()
    c = r.randrange(10)
    if c == 0:
        s.add("return next(t, %s)" % r.choice(["'absent'", "12345", "1.25", "true", "-1"]))
    elif c == 1:
        s.add("t[nil] = 1")
    elif c == 2:
        s.add("t[0/0] = 1")
    elif c == 3:
        s.add(r.choice(["rawset(t, nil, 1)", "rawset(t, 0/0, 1)"]))
    elif c == 4:
        s.add("local ok, e = pcall(%s) return {tostring(ok), e}"
              % r.choice(["next, t, 'absent'", "rawset, t, nil, 1", "function() t[0/0] = 2 end",
                          "function() t[nil] = 2 end"]))
    elif c == 5:
        s.add("local k = nil t[k] = 1")
    elif c == 6:
        s.add("table.insert(t, 1, 2, 3)")
    elif c == 7:
        s.add("local nan = 0/0 return {t[nan] == nil, t[nil] == nil, rawget(t, nan) == nil}")
    else:
        # Keys added during a traversal: what happens follows the table's layout exactly.
        s.use("K")
        s.add("for k in pairs(t) do t[k] = nil t['n' .. tostring(k)] = 1 end")
        s.add("return K(t)")
    s.kinds.append("error case")


def sort_script(s):
    """An array sorted with ties, the unstable order showing."""
    r = s.r
    n = r.randint(2, 60)
    a, m = r.randint(1, 40), r.randint(2, 30)
    c = r.randrange(7)
    if c < 2:
        s.add("local t = {} for i = 1, %d do t[i] = (i * %d) %% %d end" % (n, a, m))
        d = r.randint(2, 5)
        s.add("table.sort(t, function(a, b) return a %% %d %s b %% %d end)" % (d, r.choice(["<", ">"]), d))
        s.add("return t")
    elif c < 4:
        s.add("local t = {} for i = 1, %d do t[i] = {k = (i * %d) %% %d, id = i} end" % (n, a, m))
        s.add("table.sort(t, function(a, b) return a.k %s b.k end)" % r.choice(["<", ">"]))
        s.add("local o = {} for i = 1, #t do o[i] = t[i].id end return o")
    elif c == 4:
        s.add("local t = {} for i = 1, %d do t[i] = %s end" % (n, r.choice(["(i * %d) %% %d" % (a, m),
                                                                         "string.char(97 + (i * %d) %% 26)" % a,
                                                                         "'x' .. (i * %d) %% %d" % (a, m)])))
        s.add("table.sort(t%s)" % r.choice(["", ", function(a, b) return a > b end"]))
        s.add("return t")
    elif c == 5:
        # An order function that is not one: Lua 5.1's quicksort may raise ("invalid order
        # function for sorting"), or leave some order. It may be handed the nil past the end:
        # indexing that would raise an error naming a local, which is not about tables.
        s.add("local t = {} for i = 1, %d do t[i] = {k = (i * %d) %% %d, id = i} end" % (n, a, m))
        s.add("table.sort(t, function(a, b) return (a and a.k or -1) <= (b and b.k or -1) end)")
        s.add("local o = {} for i = 1, #t do o[i] = t[i] and t[i].id or 0 end return o")
    else:
        # A hole: how much is sorted follows #t.
        s.add("local t = {} for i = 1, %d do t[i] = (i * %d) %% %d end" % (n, a, m))
        s.add("t[%d] = nil" % r.randint(1, n))
        s.add("local ok, e = pcall(table.sort, t) return {tostring(ok), e or 0, #t}")
    s.kinds.append("table.sort")


def make_script(r):
    """A script and its KEYS and ARGV."""
    s = Script(r)
    c = r.random()
    if c < 0.08:
        error_script(s)
    elif c < 0.16:
        sort_script(s)
    elif c < 0.20:
        # cjson.encode of what cjson.decode made of an object with several keys.
        s.add("return cjson.encode(cjson.decode(%s))" % lua_string(s.json_text()))
        s.kinds.append("cjson round trip")
    else:
        s.build()
        for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4, 6])):
            s.change()
        observations = [s.observation() for _ in range(r.choice([1, 1, 1, 2, 3]))]
        s.kinds.extend(kind for _, kind in observations)
        if len(observations) == 1:
            s.add("return " + observations[0][0])
        else:
            s.add("return {%s}" % ", ".join(expr for expr, _ in observations))
    if not s.keys and r.random() < 0.1:
        # KEYS and ARGV, unread: that they change nothing.
        s.keys = ["k1", "k2"]
        s.argv = [str(r.randint(1, 9)) for _ in range(r.randint(0, 3))]
    return s


def eval_args(s):
    return ["EVAL", s.source(), str(len(s.keys))] + s.keys + s.argv


# ---------------------------------------------------------------------------------------------
# Servers

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(port, process):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("the server for port %d exited (%d)" % (port, process.returncode))
        try:
            conn = Connection(port)
            try:
                if conn.call(["PING"]) == b"+PONG":
                    return
            finally:
                conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("no server on port %d" % port)


def start(command, workdir):
    # Its own session: a Ctrl-C reaches this script only, which then stops the server itself.
    return subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def stop(processes):
    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


# ---------------------------------------------------------------------------------------------

def run(a, ports, names):
    conns = [Connection(port) for port in ports]
    differences = 0
    scripts = 0
    per_kind = collections.Counter()
    differing_kind = collections.Counter()
    try:
        for conn in conns:
            if a.resp == 3:
                hello = conn.call(["HELLO", "3"])
                assert isinstance(hello, tuple), hello
        first, last = a.seeds
        for seed in range(first, last + 1):
            for conn in conns:
                assert conn.call(["SCRIPT", "FLUSH"]) == b"+OK"
            r = random.Random(seed)
            for i in range(a.scripts):
                s = make_script(r)
                args = eval_args(s)
                replies = [conn.call(args) for conn in conns]
                scripts += 1
                kinds = sorted(set(s.kinds))
                per_kind.update(kinds)
                if replies[0] == replies[1]:
                    continue
                differences += 1
                differing_kind.update(kinds)
                if differences <= a.show:
                    print("seed %d, script %d (%s): the replies differ at %s" % (
                        seed, i, ", ".join(kinds), first_difference(replies[0], replies[1])))
                    if s.keys or s.argv:
                        print("  EVAL ... %d %s" % (len(s.keys), " ".join(map(repr, s.keys + s.argv))))
                    print("  " + s.source().replace("\n", "\n  "))
                    for name, reply in zip(names, replies):
                        print("  %s %s" % ((name + ":").ljust(10), render(reply)))
                    print()
                else:
                    print("seed %d, script %d (%s): differs" % (seed, i, ", ".join(kinds)))
                sys.stdout.flush()
                if not a.keep_going:
                    return 1
        print("seeds %d-%d, %d scripts each (%d in all, RESP%d): %s" % (
            first, last, a.scripts, scripts, a.resp,
            "the same replies" if not differences else "%d differ" % differences))
        if differences:
            print("scripts with a difference / scripts, by what they are made of:")
            for kind, n in sorted(per_kind.items(), key=lambda item: (-differing_kind[item[0]] / item[1], item[0])):
                print("  %-34s %5d / %d" % (kind, differing_kind[kind], n))
        return 1 if differences else 0
    finally:
        for conn in conns:
            conn.close()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jar", default=os.path.join(here, "..", "server", "target", "cinnabar-server.jar"))
    p.add_argument("--seeds", default="1-20", help="first-last")
    p.add_argument("--scripts", type=int, default=200, help="scripts per seed")
    p.add_argument("--resp", type=int, choices=(2, 3), default=2, help="HELLO 3 on both connections")
    p.add_argument("--keep-going", action="store_true", help="count the differences instead of stopping")
    p.add_argument("--show", type=int, default=20,
                   help="with --keep-going, the differences printed in full (the rest one line each)")
    p.add_argument("--self-check", action="store_true",
                   help="two redis-servers instead of redis-server and Cinnabar: they must agree")
    p.add_argument("--print", action="store_true", help="print the seeds' scripts; start no server")
    a = p.parse_args()
    first, _, last = a.seeds.partition("-")
    a.seeds = (int(first), int(last or first))
    if not a.keep_going:
        a.show = max(a.show, 1)

    if a.print:
        for seed in range(a.seeds[0], a.seeds[1] + 1):
            r = random.Random(seed)
            for i in range(a.scripts):
                s = make_script(r)
                print("-- seed %d, script %d (%s)%s" % (seed, i, ", ".join(sorted(set(s.kinds))),
                                                       "; KEYS/ARGV %r" % (s.keys + s.argv) if s.keys or s.argv else ""))
                print(s.source())
        return 0

    if not a.self_check and not os.path.exists(a.jar):
        raise SystemExit("no jar at %s (--jar)" % a.jar)
    # Also when started in the background, where a shell leaves SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    ports = (free_port(), free_port())
    redis = lambda port: ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no"]
    if a.self_check:
        commands, names = [redis(ports[0]), redis(ports[1])], ["redis 1", "redis 2"]
    else:
        commands = [["java", "-jar", os.path.abspath(a.jar), "--port", str(ports[0]), "--save", ""], redis(ports[1])]
        names = ["cinnabar", "redis"]
    workdir = tempfile.mkdtemp(prefix="lua-fuzz-")
    servers = []
    try:
        for command in commands:
            servers.append(start(command, workdir))
        for port, server in zip(ports, servers):
            wait(port, server)
        return run(a, ports, names)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not leave them running
        stop(servers)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
