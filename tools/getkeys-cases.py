#!/usr/bin/env python3
"""Fills in the expected answers of a COMMAND GETKEYSANDFLAGS case file from a live Redis 7.0.

Usage: tools/getkeys-cases.py --port 6379 server/src/test/resources/redis-7.0/getkeys-cases.txt

Each case line is a command line, arguments separated by single spaces ("" is an empty
argument), optionally followed by " => " and the expected answer, which this rewrites:
keys as name[flag,flag,...] separated by spaces, "(none)" for an empty answer, or the error.
Lines starting with # and blank lines are kept as they are.
"""
import argparse
import socket


def encode(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def read(f):
    line = f.readline()[:-2]
    t, rest = chr(line[0]), line[1:]
    if t in "+-":
        return (t, rest.decode())
    if t == ":":
        return int(rest)
    if t == "$":
        n = int(rest)
        return f.read(n + 2)[:-2].decode()
    if t in "*~":
        return [read(f) for _ in range(int(rest))]
    raise RuntimeError("unexpected reply " + line.decode())


def answer(reply):
    if isinstance(reply, tuple):
        return reply[1]
    if not reply:
        return "(none)"
    return " ".join("%s[%s]" % (k, ",".join(f[1] for f in flags)) for k, flags in reply)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=6379)
    p.add_argument("file")
    a = p.parse_args()
    s = socket.create_connection(("127.0.0.1", a.port))
    f = s.makefile("rb")
    out = []
    for line in open(a.file):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            out.append(line)
            continue
        cmd = line.split(" => ")[0]
        args = [b"" if t == '""' else t.encode() for t in cmd.split(" ")]
        s.sendall(encode([b"COMMAND", b"GETKEYSANDFLAGS"] + args))
        out.append(cmd + " => " + answer(read(f)))
    with open(a.file, "w") as w:
        w.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
