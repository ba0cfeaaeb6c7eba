#!/usr/bin/env python3
"""RDB persistence: Cinnabar against Redis, on this machine (issue 16).

The companion of compare.py for saving and loading, with the same rules: both servers start
fresh on free ports, each in a directory of its own, and the figures go to bench/RESULTS.md.

  * SAVE and load of the strings dataset of the memory benchmark (~865k keys of 64 bytes, loaded
    with redis-benchmark -t set -r 1000000 -n 2000000 -d 64 -P 16) and of a mixed dataset of
    every type (lists, hashes, sets, sorted sets of 10-100 elements, small and large, and streams),
    written with redis-cli --pipe: the seconds SAVE takes (timed from outside), the dump's size,
    and the seconds loading it takes at start (the "DB loaded from disk" log line of each);
  * BGSAVE under load: while 50 clients run GET and SET without pipelining against the strings
    dataset, one BGSAVE; the GET latency percentiles of that run and its maximum (a save that
    holds the clients for a moment shows there, in one request per client, far past p99.9), the
    RSS before the save and its peak while it runs (sampled every 20 ms), and the seconds the save
    took.

  python3 bench/persistence.py [--skip-bgsave | --only-bgsave] [--no-record] [--note "..."]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import threading
import time

import compare


def start(a, name, workdir, jvm_flags):
    d = os.path.join(workdir, name)
    os.makedirs(d, exist_ok=True)
    port = compare.free_port()
    common = ["--port", str(port), "--save", "", "--dir", d, "--dbfilename", "dump.rdb"]
    if name == "cinnabar":
        argv = [a.java] + jvm_flags + ["-jar", a.jar] + common + a.server_args.split()
    else:
        argv = ["redis-server"] + common + ["--appendonly", "no"]
    s = compare.Server(name, argv, port, d)
    s.dir = d
    return s


def load_seconds(s):
    with open(os.path.join(s.dir, s.name + ".log")) as f:
        m = re.findall(r"DB loaded from disk: ([\d.]+) seconds", f.read())
    return float(m[-1]) if m else float("nan")


def strings_dataset(s):
    subprocess.run(["redis-benchmark", "-p", str(s.port), "-t", "set", "-r", "1000000", "-n", "2000000", "-d", "64",
                    "-c", str(compare.CLIENTS), "-P", "16", "-q"], capture_output=True, check=True)


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for x in args:
        b = x if isinstance(x, bytes) else str(x).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def mixed_protocol(seed=1):
    """Every type in small (listpack, intset) and large (quicklist, hashtable, skiplist) forms."""
    r = random.Random(seed)
    parts = []
    for i in range(50000):
        n = 10 if i % 10 else 200
        parts.append(resp("RPUSH", "list:%d" % i, *["item-%d" % r.randrange(10 ** 6) for _ in range(n)]))
        parts.append(resp("HSET", "hash:%d" % i, *[x for k in range(n) for x in ("field-%d" % k, "value-%d" % r.randrange(10 ** 6))]))
        parts.append(resp("SADD", "set:%d" % i, *[r.randrange(10 ** 6) if i % 2 else "m-%d" % r.randrange(10 ** 6) for _ in range(n)]))
        parts.append(resp("ZADD", "zset:%d" % i, *[x for k in range(n) for x in (r.random() * 1000, "member-%d" % k)]))
    for i in range(10):
        for j in range(10000):
            parts.append(resp("XADD", "stream:%d" % i, "*", "sensor", j, "value", r.random()))
        parts.append(resp("XGROUP", "CREATE", "stream:%d" % i, "group", "0"))
        parts.append(resp("XREADGROUP", "GROUP", "group", "consumer", "COUNT", 1000, "STREAMS", "stream:%d" % i, ">"))
    return b"".join(parts)


def mixed_dataset(s, protocol):
    subprocess.run(["redis-cli", "-p", str(s.port), "--pipe"], input=protocol, capture_output=True, check=True)


def save_and_load(a, name, workdir, jvm_flags, fill):
    # Each dataset starts empty: the server would otherwise load the last dataset's dump.
    dump = os.path.join(workdir, name, "dump.rdb")
    if os.path.exists(dump):
        os.remove(dump)
    s = start(a, name, workdir, jvm_flags)
    try:
        fill(s)
        keys = int(s.command("DBSIZE").strip())
        t0 = time.time()
        s.command("SAVE")
        save = time.time() - t0
        size = os.path.getsize(os.path.join(s.dir, "dump.rdb"))
    finally:
        s.stop()
    s = start(a, name, workdir, jvm_flags)
    try:
        compare.wait_loaded(s)
        loaded = int(s.command("DBSIZE").strip())
        load = load_seconds(s)
    finally:
        s.stop()
    return {"keys": keys, "loaded": loaded, "save": save, "size": size, "load": load}


def bgsave_under_load(a, name, workdir, jvm_flags):
    s = start(a, name, workdir, jvm_flags)
    try:
        strings_dataset(s)
        time.sleep(2)
        before = s.rss_bytes()
        peak = [before]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], s.rss_bytes())
                time.sleep(0.02)

        result = {}

        def load():
            result["latency"] = compare.get_latency(s.port, 1000000)

        sampler = threading.Thread(target=sample)
        loader = threading.Thread(target=load)
        sampler.start()
        loader.start()
        time.sleep(1.0)
        t0 = time.time()
        s.command("BGSAVE")
        while "rdb_bgsave_in_progress:1" in s.command("INFO", "persistence") or time.time() - t0 < 0.2:
            time.sleep(0.02)
        seconds = time.time() - t0
        loader.join()
        stop.set()
        sampler.join()
        status = re.search(r"rdb_last_bgsave_status:(\w+)", s.command("INFO", "persistence")).group(1)
        return {"before": before, "peak": peak[0], "seconds": seconds, "status": status, **result["latency"]}
    finally:
        s.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip-bgsave", action="store_true")
    p.add_argument("--only-bgsave", action="store_true", help="only the BGSAVE under load")
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    protocol = mixed_protocol()
    rows = ["| dataset | server | keys | SAVE | dump size | load at start | keys loaded |", "|---|---|---|---|---|---|---|"]
    for label, fill in [] if a.only_bgsave else [("strings (~865k of 64 bytes)", strings_dataset),
                        ("mixed (200k collections, 10 streams)", lambda s: mixed_dataset(s, protocol))]:
        r = {}
        for name in ["cinnabar", "redis"]:
            r[name] = save_and_load(a, name, workdir, jvm_flags, fill)
            x = r[name]
            rows.append("| %s | %s | %d | %.2fs | %s | %.2fs | %d |" % (label, name, x["keys"], x["save"],
                                                                     compare.human(x["size"]), x["load"], x["loaded"]))
        c, d = r["cinnabar"], r["redis"]
        rows.append("| | ratio | | %.2f | %.2f | %.2f | |" % (compare.ratio(c["save"], d["save"]),
                                                            compare.ratio(c["size"], d["size"]),
                                                            compare.ratio(c["load"], d["load"])))
        print("\n".join(rows[-3:]), file=sys.stderr)
    table = "" if a.only_bgsave else "\n".join(rows)
    if not a.skip_bgsave:
        rows2 = ["| BGSAVE during GET -P 1 (50 clients) | GET p50 | p99 | p99.9 | max | RSS before | peak RSS | "
                 "peak/before | save | status |", "|---|---|---|---|---|---|---|---|---|---|"]
        for name in ["cinnabar", "redis"]:
            x = bgsave_under_load(a, name, workdir, jvm_flags)
            rows2.append("| %s | %.3f ms | %.3f ms | %.3f ms | %.2f ms | %s | %s | %.2f | %.2fs | %s |" % (
                name, x["p50"], x["p99"], x["p99.9"], x["max"], compare.human(x["before"]), compare.human(x["peak"]),
                compare.ratio(x["peak"], x["before"]), x["seconds"], x["status"]))
            print(rows2[-1], file=sys.stderr)
        table += ("\n\n" if table else "") + "\n".join(rows2)
    print(table)
    if not a.no_record:
        compare.record("persistence", a, "SAVE/load of two datasets; one BGSAVE during GET -P 1", table)


if __name__ == "__main__":
    main()
