#!/usr/bin/env python3
"""Records the plain AOF base that redis-server 7.0.15 writes for the keys of
server/src/test/resources/aof/base-setup.txt (AofValueCommandsTest compares Cinnabar's
commands with it, key by key).

Usage: tools/record-aof-base.py [--port 7450] [--redis-server /usr/bin/redis-server]

Starts redis-server in a temporary directory with appendonly yes and aof-use-rdb-preamble no,
runs the setup commands, BGREWRITEAOF, and copies the new base to
server/src/test/resources/aof/base-redis.resp.
"""
import argparse
import glob
import os
import shutil
import subprocess
import tempfile
import time

import resp

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "server", "src", "test", "resources", "aof")


def unescape(token):
    if token == "\\e":
        return b""
    out = []
    i = 0
    while i < len(token):
        c = token[i]
        if c == "\\" and i + 1 < len(token):
            n = token[i + 1]
            out.append({"s": " ", "n": "\n", "\\": "\\"}[n])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out).encode("utf-8")


def commands(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            yield [unescape(t) for t in line.split(" ")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=7450)
    ap.add_argument("--redis-server", default="/usr/bin/redis-server")
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="record-aof-base-")
    p = subprocess.Popen([a.redis_server, "--port", str(a.port), "--dir", d, "--save", "",
                          "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--daemonize", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = resp.Connection(a.port)
                break
            except OSError:
                time.sleep(0.05)

        def call(*args):
            r = conn.call(list(args))
            return r if isinstance(r, bytes) else r[0]

        for cmd in commands(os.path.join(RES, "base-setup.txt")):
            r = call(*cmd)
            if r.startswith(b"-"):
                raise RuntimeError("%r: %r" % (cmd[:3], r))
        call("BGREWRITEAOF")
        while b"aof_rewrite_in_progress:0" not in call("INFO", "persistence") \
                or b"aof_rewrite_scheduled:0" not in call("INFO", "persistence"):
            time.sleep(0.05)
        bases = glob.glob(os.path.join(d, "appendonlydir", "*.base.aof"))
        assert len(bases) == 1, bases
        shutil.copyfile(bases[0], os.path.join(RES, "base-redis.resp"))
        print("recorded", os.path.getsize(bases[0]), "bytes from", os.path.basename(bases[0]))
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
