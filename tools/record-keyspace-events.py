#!/usr/bin/env python3
"""Records the keyspace notifications a redis-server fires for each line of a corpus.

usage: record-keyspace-events.py --port 6399 CORPUS > EXPECTED

Corpus lines: a command (words split on spaces, "double quotes" keep spaces), a comment (#),
or a directive: `!sleep MS` (wait, so that keys with a TTL pass it) or `!active` (let the
active expiry cycle run: waits 300 ms with `DEBUG SET-ACTIVE-EXPIRE 1`, then turns it off).
The corpus should start with `DEBUG SET-ACTIVE-EXPIRE 0` so that only lazy expiry happens
elsewhere. Output: each line of the corpus as `> line`, then one `channel<TAB>message` line per
message a subscriber to __key*__:* received, in order.
"""
import socket, sys, time, argparse, re


def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        b = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.s.recv(65536)
        d, self.buf = self.buf[:n], self.buf[n + 2:]
        return d

    def read(self):
        l = self.line()
        t, rest = l[:1], l[1:]
        if t in (b"+", b"-", b":"):
            return l
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.exact(n)
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError(l)

    def call(self, args):
        self.s.sendall(enc(args))
        return self.read()


def words(line):
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in re.finditer(r'"([^"]*)"|(\S+)', line)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=6399)
    p.add_argument("corpus")
    o = p.parse_args()
    sub = Conn(o.port)
    sub.s.sendall(enc(["PSUBSCRIBE", "__key*__:*", "corpus-sentinel"]))
    sub.read(); sub.read()
    cmd = Conn(o.port)
    ctl = Conn(o.port)
    out = sys.stdout
    for raw in open(o.corpus):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        out.write("> " + line + "\n")
        if line.startswith("!sleep"):
            time.sleep(int(line.split()[1]) / 1000.0)
        elif line == "!active":
            ctl.call(["DEBUG", "SET-ACTIVE-EXPIRE", "1"])
            time.sleep(0.3)
            ctl.call(["DEBUG", "SET-ACTIVE-EXPIRE", "0"])
        else:
            cmd.call(words(line))
        ctl.call(["PUBLISH", "corpus-sentinel", "x"])
        while True:
            m = sub.read()
            if m[2] == b"corpus-sentinel":
                break
            out.write(m[2].decode("latin-1") + "\t" + m[3].decode("latin-1") + "\n")


main()
