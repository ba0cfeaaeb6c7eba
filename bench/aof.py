#!/usr/bin/env python3
"""The append-only file: Cinnabar against Redis, on this machine (issue 17).

The companion of compare.py for the AOF, with the same rules: both servers start fresh on free
ports, each in a directory of its own (so both write to the same disk), and the figures go to
bench/RESULTS.md.

  * SET and INCR with redis-benchmark at -P 1 and -P 16 (50 clients, -r 100000) with
    `appendonly yes` under `appendfsync everysec` and under `appendfsync always`, medians of
    --rounds rounds, after a warm-up of each server;
  * loading an AOF of 1M writes at start: 1M SETs of 64-byte values over 1M keys are written into
    the incremental file (no rewrite: auto-aof-rewrite-percentage 0), the server is restarted and
    the seconds of its "DB loaded from append only file" log line are read.

  python3 bench/aof.py [--rounds 3] [--requests 200000] [--skip-load] [--no-record] [--note "..."]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import compare

TESTS = ["set", "incr"]
FSYNCS = ["everysec", "always"]


def start(a, name, workdir, jvm_flags, fsync):
    d = os.path.join(workdir, name)
    os.makedirs(d, exist_ok=True)
    port = compare.free_port()
    common = ["--port", str(port), "--save", "", "--dir", d, "--appendonly", "yes", "--appendfsync", fsync,
              "--auto-aof-rewrite-percentage", "0"]
    if name == "cinnabar":
        argv = [a.java] + jvm_flags + ["-jar", a.jar] + common + a.server_args.split()
    else:
        argv = ["redis-server"] + common
    s = compare.Server(name, argv, port, d)
    s.dir = d
    return s


def fresh_dir(workdir, name):
    d = os.path.join(workdir, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)


def throughput(a, workdir, jvm_flags, fsync):
    """{(test, pipeline): [ops/s per round]} per server."""
    results = {"cinnabar": {}, "redis": {}}
    for name in results:
        fresh_dir(workdir, name)
        s = start(a, name, workdir, jvm_flags, fsync)
        try:
            compare.benchmark(s.port, TESTS, 16, a.requests)  # warm-up
            for _ in range(a.rounds):
                for pl in compare.PIPELINES:
                    n = a.requests if pl > 1 else max(a.requests // 4, 20000)
                    if fsync == "always" and pl == 1:
                        n = max(n // 4, 10000)
                    r = compare.benchmark(s.port, TESTS, pl, n)
                    for t in TESTS:
                        results[name].setdefault((t, pl), []).append(r[t])
        finally:
            s.stop()
    return results


def load_seconds(s):
    with open(os.path.join(s.dir, s.name + ".log")) as f:
        m = re.findall(r"DB loaded from append only file: ([\d.]+) seconds", f.read())
    return float(m[-1]) if m else float("nan")


def load_time(a, workdir, jvm_flags):
    out = {}
    for name in ["cinnabar", "redis"]:
        fresh_dir(workdir, name)
        s = start(a, name, workdir, jvm_flags, "no")
        try:
            subprocess.run(["redis-benchmark", "-p", str(s.port), "-t", "set", "-r", "1000000", "-n", "1000000",
                            "-d", "64", "-c", str(compare.CLIENTS), "-P", "16", "-q"], capture_output=True, check=True)
            keys = int(s.command("DBSIZE").strip())
        finally:
            s.stop()
        aofdir = os.path.join(s.dir, "appendonlydir")
        size = sum(os.path.getsize(os.path.join(aofdir, f)) for f in os.listdir(aofdir))
        s = start(a, name, workdir, jvm_flags, "no")
        try:
            compare.wait_loaded(s)
            loaded = int(s.command("DBSIZE").strip())
            out[name] = {"keys": keys, "loaded": loaded, "size": size, "load": load_seconds(s)}
        finally:
            s.stop()
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--skip-load", action="store_true")
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    median = lambda xs: sorted(xs)[len(xs) // 2]
    rows = ["| appendfsync | test | pipeline | Cinnabar ops/s | Redis ops/s | ratio |", "|---|---|---|---|---|---|"]
    for fsync in FSYNCS:
        r = throughput(a, workdir, jvm_flags, fsync)
        for pl in compare.PIPELINES:
            for t in TESTS:
                c, d = median(r["cinnabar"][(t, pl)]), median(r["redis"][(t, pl)])
                rows.append("| %s | %s | %d | %.0f | %.0f | %.2f |" % (fsync, t.upper(), pl, c, d, compare.ratio(c, d)))
                print(rows[-1], file=sys.stderr)
    table = "\n".join(rows)
    if not a.skip_load:
        x = load_time(a, workdir, jvm_flags)
        rows2 = ["| AOF of 1M SETs (64 bytes, 1M keys) | keys | AOF size | load at start | keys loaded |",
                 "|---|---|---|---|---|"]
        for name in ["cinnabar", "redis"]:
            v = x[name]
            rows2.append("| %s | %d | %s | %.2fs | %d |" % (name, v["keys"], compare.human(v["size"]), v["load"],
                                                         v["loaded"]))
        rows2.append("| ratio | | %.2f | %.2f | |" % (compare.ratio(x["cinnabar"]["size"], x["redis"]["size"]),
                                                     compare.ratio(x["cinnabar"]["load"], x["redis"]["load"])))
        print("\n".join(rows2), file=sys.stderr)
        table += "\n\n" + "\n".join(rows2)
    print(table)
    if not a.no_record:
        compare.record("aof", a, "%d rounds, %d requests at -P 16, %d clients, -r %d; medians; AOF load of 1M SETs"
                       % (a.rounds, a.requests, compare.CLIENTS, compare.KEYSPACE), table)


if __name__ == "__main__":
    main()
