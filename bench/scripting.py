#!/usr/bin/env python3
"""Scripting: Cinnabar against Redis, side by side, on this machine.

The companion of compare.py for issue 13, with the same rules: both servers start on free
ports, the same load runs against each in alternation, medians of --rounds rounds.

  * EVALSHA of `return redis.call('INCR', KEYS[1])` over random keys: redis-benchmark, 50
    clients, -P 1 and -P 16, ops/s and the ratio;
  * a CPU-bound script (a loop of 1M additions), run --runs times: the median time and the
    ratio of times (Cinnabar/Redis: under 1 is faster);
  * memory of the script cache: 10k distinct scripts loaded with SCRIPT LOAD into fresh
    processes, then used_memory_scripts, used_memory and RSS against before, read after 10
    idle seconds as compare.py reads RSS after a load (a JVM gives back what a burst of
    compiling grew once it is quiet; the figure at 2 s is printed too). The "before" reading is
    taken after 10 idle seconds too: a fresh JVM gives back some of its start-up's memory once
    quiet, which would otherwise be subtracted from the load's growth. Then, in one more fresh
    Cinnabar, the growth of its live heap (jcmd GC.class_histogram, which collects first): the
    cache's own cost, which RSS shows only through the collector's sizing.

  python3 bench/scripting.py [--rounds 3] [--requests 200000] [--runs 5] [--scripts 10000]
"""
import argparse
import hashlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import compare

INCR = "return redis.call('INCR', KEYS[1])"
LOOP = "local s = 0 for i = 1, 1000000 do s = s + i end return s"


def evalsha(port, pipeline, requests):
    sha = hashlib.sha1(INCR.encode()).hexdigest()
    subprocess.run(["redis-cli", "-p", str(port), "SCRIPT", "LOAD", INCR], capture_output=True, check=True)
    argv = ["redis-benchmark", "-p", str(port), "-c", str(compare.CLIENTS), "-n", str(requests),
            "-P", str(pipeline), "-r", str(compare.KEYSPACE), "--csv", "EVALSHA", sha, "1", "key:__rand_int__"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) > 1 and cells[0] != "test":
            return float(cells[1])
    raise RuntimeError("no result from redis-benchmark: " + out)


def call(sock, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)
    return sock.recv(1 << 16)


def loop_seconds(port):
    with socket.create_connection(("127.0.0.1", port)) as s:
        started = time.perf_counter()
        reply = call(s, "EVAL", LOOP, "0")
        elapsed = time.perf_counter() - started
        if not reply.startswith(b":500000500000"):
            raise RuntimeError("unexpected reply %r" % reply)
        return elapsed


def info_field(server, field):
    for line in server.command("INFO", "memory").splitlines():
        if line.startswith(field + ":"):
            return int(line.split(":", 1)[1])
    raise RuntimeError("no %s in INFO" % field)


def load_scripts(port, n):
    with socket.create_connection(("127.0.0.1", port)) as s:
        f = s.makefile("rb")
        batch = []
        for i in range(n):
            script = "local v = redis.call('GET', KEYS[1]) if v then return v .. '%d' end return %d" % (i, i)
            batch.append(b"*3\r\n$6\r\nSCRIPT\r\n$4\r\nLOAD\r\n$%d\r\n%s\r\n" % (len(script), script.encode()))
            if len(batch) == 100 or i == n - 1:
                s.sendall(b"".join(batch))
                for _ in batch:
                    f.readline()
                    f.readline()
                batch = []


def live_heap(server):
    out = subprocess.run(["jcmd", str(server.proc.pid), "GC.class_histogram"], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        if line.startswith("Total"):
            return int(line.split()[2])
    raise RuntimeError("no total in the class histogram")


def heap_growth(server, n):
    time.sleep(1.0)
    before = live_heap(server)
    load_scripts(server.port, n)
    return live_heap(server) - before


def script_cache(server, n, settle):
    time.sleep(settle)
    before = {"rss": server.rss_bytes(), "used": server.used_memory(),
              "scripts": info_field(server, "used_memory_scripts")}
    load_scripts(server.port, n)
    time.sleep(2.0)
    early = server.rss_bytes() - before["rss"]
    time.sleep(settle - 2.0)
    return {"rss": server.rss_bytes() - before["rss"], "rss_at_2s": early, "used": server.used_memory() - before["used"],
            "scripts": info_field(server, "used_memory_scripts") - before["scripts"]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--runs", type=int, default=5, help="runs of the CPU-bound script per round")
    p.add_argument("--scripts", type=int, default=10000)
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--settle", type=float, default=10.0,
                   help="idle seconds before the first RSS reading and before the last one after the load")
    p.add_argument("--jar", default=compare.JAR)
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-flags", default="")
    p.add_argument("--server-args", default="")
    p.add_argument("--no-record", action="store_true")
    p.add_argument("--note", default="")
    a = p.parse_args()
    workdir = tempfile.mkdtemp(prefix="cinnabar-bench-")
    jvm_flags = a.jvm_flags.split()
    servers = {}
    results = {}
    memory = {}
    heap = None
    try:
        servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
        servers["redis"] = compare.start_redis(workdir)
        for s in servers.values():  # warm-up
            evalsha(s.port, 16, a.requests)
            loop_seconds(s.port)
        for rnd in range(a.rounds):
            order = ["cinnabar", "redis"] if rnd % 2 == 0 else ["redis", "cinnabar"]
            for name in order:
                port = servers[name].port
                for pl in [1, 16]:
                    n = a.requests if pl > 1 else max(a.requests // 4, 20000)
                    results.setdefault((name, pl), []).append(evalsha(port, pl, n))
                for _ in range(a.runs):
                    results.setdefault((name, "loop"), []).append(loop_seconds(port))
            print("round %d of %d done" % (rnd + 1, a.rounds), file=sys.stderr)
        if not a.skip_memory:
            memory = compare.each_fresh(a, jvm_flags, workdir, servers, lambda s: script_cache(s, a.scripts, a.settle))
            servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
            heap = heap_growth(servers["cinnabar"], a.scripts)
            servers.pop("cinnabar").stop()
    finally:
        for s in servers.values():
            s.stop()

    lines = []
    if results:
        lines += ["| test | Cinnabar | Redis | ratio |", "|---|---|---|---|"]
        for pl in [1, 16]:
            c = statistics.median(results[("cinnabar", pl)])
            r = statistics.median(results[("redis", pl)])
            lines.append("| EVALSHA INCR, -P %d, ops/s | %.0f | %.0f | %.2f |" % (pl, c, r, compare.ratio(c, r)))
        c = statistics.median(results[("cinnabar", "loop")])
        r = statistics.median(results[("redis", "loop")])
        lines.append("| loop of 1M additions, seconds (time ratio) | %.3f | %.3f | %.2f |" % (c, r, compare.ratio(c, r)))
    if memory:
        lines += ["", "| %d scripts loaded | used_memory_scripts | used_memory growth | RSS growth at 2 s "
                  "| RSS growth at %g s |" % (a.scripts, a.settle), "|---|---|---|---|---|"]
        for name in ["cinnabar", "redis"]:
            m = memory[name]
            lines.append("| %s | %s | %s | %s | %s |" % (name, compare.human(m["scripts"]), compare.human(m["used"]),
                                                         compare.human(m["rss_at_2s"]), compare.human(m["rss"])))
        lines.append("| ratio | %.2f | %.2f | %.2f | %.2f |" % (
            compare.ratio(memory["cinnabar"]["scripts"], memory["redis"]["scripts"]),
            compare.ratio(memory["cinnabar"]["used"], memory["redis"]["used"]),
            compare.ratio(memory["cinnabar"]["rss_at_2s"], memory["redis"]["rss_at_2s"]),
            compare.ratio(memory["cinnabar"]["rss"], memory["redis"]["rss"])))
    if heap is not None:
        lines += ["", "Cinnabar's live heap grew by %s for %d scripts (%d bytes a script)" % (
            compare.human(heap), a.scripts, heap // a.scripts)]
    table = "\n".join(lines)
    print(table)
    if not a.no_record and table:
        compare.record("scripting", a, "%d rounds, %d requests at -P 16, %d clients, -r %d; %d loop runs a round; "
                       "medians" % (a.rounds, a.requests, compare.CLIENTS, compare.KEYSPACE, a.runs), table)


if __name__ == "__main__":
    main()
