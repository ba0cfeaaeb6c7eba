#!/usr/bin/env python3
"""The longest a client waits while the server is busy: Cinnabar against Redis, on this machine.

Throughput and percentiles of a load hide a stop of the whole server that happens once: every
client waits through it, one request each, far past p99.9. Here one extra client, the probe,
sends a GET every millisecond on its own connection while redis-benchmark runs a load, and the
script reports the probe's p99, p99.9 and worst wait, and how many waits passed 10 ms (a slow
probe reply at the server's start, the JIT's and Redis's first allocations, is in the figures
for both). Scenarios, each in a fresh process of each server:

  * load: 4M SETs of 64 bytes over 3M random keys at -P 16 (~2.2M keys), the index doubling
    past one and two million keys;
  * load-ttl: the same SETs with EX, every key with a TTL;
  * bgsave-big: a BGSAVE of a set, a hash and a sorted set of ~865k elements each, a list and
    a stream of 2M (loaded first, at -P 16, with nothing measured), with no other load;
  * bgsave-big-writes: the same BGSAVE while another client writes to the big keys in turn, a
    command every 2 ms (a write to a key the save has not reached makes the save copy it first);
  * rewrite-big: BGREWRITEAOF of the same keys under `appendonly yes` (the base an RDB preamble);
  * rewrite-big-commands: the same with `aof-use-rdb-preamble no` (the base the commands that
    rebuild each key: RPUSH, SADD, HMSET, ZADD of 64 elements, an XADD per entry).

  python3 bench/stalls.py [--scenarios load,load-ttl,bgsave-big] [--no-record] [--note "..."]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import compare

VALUE = "v" * 64
SCENARIOS = {
    "load": ["-t", "set", "-r", "3000000", "-n", "4000000", "-d", "64", "-c", "50", "-P", "16", "-q"],
    "load-ttl": ["-r", "3000000", "-n", "4000000", "-c", "50", "-P", "16", "-q",
                 "SET", "key:__rand_int__", VALUE, "EX", "100000"],
    "bgsave-big": None,
    "bgsave-big-writes": None,
    "rewrite-big": None,
    "rewrite-big-commands": None,
}
SERVER_ARGS = {
    "rewrite-big": ["--appendonly", "yes", "--aof-use-rdb-preamble", "yes"],
    "rewrite-big-commands": ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
}
BIG_WRITES = [b"*3\r\n$4\r\nSADD\r\n$6\r\nbigset\r\n$3\r\nnew\r\n",
              b"*4\r\n$4\r\nHSET\r\n$7\r\nbighash\r\n$3\r\nnew\r\n$1\r\n1\r\n",
              b"*4\r\n$4\r\nZADD\r\n$7\r\nbigzset\r\n$1\r\n1\r\n$3\r\nnew\r\n",
              b"*3\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n$3\r\nnew\r\n",
              b"*5\r\n$4\r\nXADD\r\n$9\r\nbigstream\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n"]
BIG_KEYS = [["SADD", "bigset", "__rand_int__"], ["HSET", "bighash", "f:__rand_int__", "__rand_int__"],
            ["ZADD", "bigzset", "__rand_int__", "m:__rand_int__"], ["RPUSH", "biglist", "element:__rand_int__"],
            ["XADD", "bigstream", "*", "sensor", "__rand_int__", "reading", "42"]]


class Writer(threading.Thread):
    """The big keys' writes of bgsave-big-writes, one every 2 ms, in turn."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.done = threading.Event()

    def run(self):
        c = socket.create_connection(("127.0.0.1", self.port))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        i = 0
        while not self.done.is_set():
            c.sendall(BIG_WRITES[i % len(BIG_WRITES)])
            got = b""
            while not got.endswith(b"\r\n"):
                got += c.recv(256)
            i += 1
            time.sleep(0.002)
        c.close()


class Probe(threading.Thread):
    """A GET a millisecond on its own connection; the waits, with when each was sent."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.waits = []
        self.done = threading.Event()

    def run(self):
        c = socket.create_connection(("127.0.0.1", self.port))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = b"*2\r\n$3\r\nGET\r\n$5\r\nprobe\r\n"
        while not self.done.is_set():
            t = time.perf_counter()
            c.sendall(request)
            got = b""
            while not got.endswith(b"\r\n"):
                got += c.recv(64)
            self.waits.append((t, time.perf_counter() - t))
            time.sleep(0.001)
        c.close()


def bgsave(s):
    """BGSAVE, and back once INFO says it is over."""
    s.command("BGSAVE")
    time.sleep(0.1)
    while "rdb_bgsave_in_progress:1" in s.command("INFO", "persistence"):
        time.sleep(0.01)


def rewrite(s):
    """BGREWRITEAOF, and back once INFO says it is over."""
    s.command("BGREWRITEAOF")
    time.sleep(0.1)
    while True:
        info = s.command("INFO", "persistence")
        if "aof_rewrite_in_progress:0" in info and "aof_rewrite_scheduled:0" in info:
            return
        time.sleep(0.01)


def measure(s, scenario):
    big = scenario.startswith("bgsave-big") or scenario.startswith("rewrite-big")
    if big:
        for command in BIG_KEYS:
            subprocess.run(["redis-benchmark", "-p", str(s.port), "-r", "1000000", "-n", "2000000", "-c", "50",
                            "-P", "16", "-q"] + command, capture_output=True, check=True)
    probe = Probe(s.port)
    probe.start()
    time.sleep(0.3)
    t0 = time.perf_counter()
    if big:
        writer = Writer(s.port) if scenario == "bgsave-big-writes" else None
        if writer:
            writer.start()
        if scenario.startswith("rewrite"):
            rewrite(s)
        else:
            bgsave(s)
        if writer:
            writer.done.set()
            writer.join()
    else:
        subprocess.run(["redis-benchmark", "-p", str(s.port)] + SCENARIOS[scenario], capture_output=True, check=True)
    t1 = time.perf_counter()
    probe.done.set()
    probe.join()
    waits = sorted(w * 1000 for t, w in probe.waits if t0 <= t <= t1)
    return {"seconds": t1 - t0, "n": len(waits), "p99": waits[int(len(waits) * 0.99)],
            "p99.9": waits[int(len(waits) * 0.999)], "max": waits[-1], "over10": sum(1 for w in waits if w > 10),
            "keys": int(s.command("DBSIZE").strip())}


def start(a, name, jvm_flags, workdir, scenario):
    """A fresh server whose BGSAVE and AOF write into the scratch directory."""
    port = compare.free_port()
    common = ["--port", str(port), "--save", "", "--dir", workdir, "--dbfilename", name + ".rdb",
              "--appenddirname", name + "-" + scenario + "-aof"] + SERVER_ARGS.get(scenario, ["--appendonly", "no"])
    if name == "cinnabar":
        argv = [a.java] + jvm_flags + ["-jar", a.jar] + common + a.server_args.split()
    else:
        argv = ["redis-server"] + common
    return compare.Server(name, argv, port, workdir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    rows = ["| scenario | server | seconds | keys | probe GETs | p99 | p99.9 | max | waits > 10 ms |",
            "|---|---|---|---|---|---|---|---|---|"]
    for scenario in a.scenarios.split(","):
        for name in ["cinnabar", "redis"]:
            s = start(a, name, jvm_flags, workdir, scenario)
            try:
                x = measure(s, scenario)
            finally:
                s.stop()
                shutil.rmtree(os.path.join(workdir, name + "-" + scenario + "-aof"), ignore_errors=True)
            rows.append("| %s | %s | %.1f | %d | %d | %.2f ms | %.2f ms | %.1f ms | %d |" % (
                scenario, name, x["seconds"], x["keys"], x["n"], x["p99"], x["p99.9"], x["max"], x["over10"]))
            print(rows[-1], file=sys.stderr)
    table = "\n".join(rows)
    print(table)
    if not a.no_record:
        compare.record("stalls", a, "a probe client's GET every millisecond during each load or BGSAVE", table)


if __name__ == "__main__":
    main()
