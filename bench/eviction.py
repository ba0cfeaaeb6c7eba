#!/usr/bin/env python3
"""Cinnabar as a bounded cache, against Redis, on this machine (issue 15).

The companion of compare.py for eviction, with the same rules: both servers start fresh on free
ports for each measurement, and the figures go to bench/RESULTS.md.

  * eviction quality: `redis-cli --lru-test 1000000` (GETs of a power-law distribution of keys,
    a SET after each miss) for --seconds against each server with the same maxmemory (8 MB, tight
    enough that eviction decides the result), under allkeys-lru and allkeys-lfu; the hit ratio of
    the second half of the run, the keys held, evicted_keys, and the highest used_memory seen
    against maxmemory. The two servers count memory differently (Cinnabar counts Java heap, so a
    key costs another figure than Redis's allocator gives), so the same maxmemory holds another
    number of keys and the hit ratio differs for that reason alone. A second run gives Cinnabar
    the maxmemory at which it holds as many keys as Redis did (searched for with short probes),
    which compares the eviction algorithms themselves;
  * cache throughput: maxmemory 100 MB, allkeys-lru, redis-benchmark SET of 64-byte values over
    10M distinct keys (-r 10000000), 50 clients, -P 1 and -P 16; ops/s and the ratio, and the RSS
    at the end against maxmemory and the RSS of the idle server before the load (the baseline).

  python3 bench/eviction.py [--seconds 30] [--requests 3000000] [--skip-throughput] [--no-record]
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

import compare

LRU_TEST_KEYS = 1000000
TIGHT = 8 * 1024 * 1024
CACHE = 100 * 1024 * 1024
PROBE_SECONDS = 4


def info_field(s, section, name):
    m = re.search(r"^%s:(\S+)" % re.escape(name), s.command("INFO", section), re.M)
    return m.group(1) if m else None


def lru_test(s, policy, maxmemory, seconds):
    """Runs redis-cli --lru-test; returns the hit ratio of the second half, keys, evictions and
    the peak used_memory sampled every 100 ms."""
    s.command("CONFIG", "SET", "maxmemory-policy", policy)
    s.command("CONFIG", "SET", "maxmemory", str(maxmemory))
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], int(info_field(s, "memory", "used_memory")))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc = subprocess.Popen(["stdbuf", "-o0", "redis-cli", "-p", str(s.port), "--lru-test", str(LRU_TEST_KEYS)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(seconds)
    # SIGTERM, not SIGINT: a script started in the background by a non-interactive shell runs
    # with SIGINT ignored, redis-cli inherits that, and its LRU test mode sets no handler of its
    # own, so SIGINT left it running (its memory grows by about 40 MB a second) until killed.
    # Its output is unbuffered (stdbuf), so every line printed so far is read.
    proc.terminate()
    out = proc.communicate()[0]
    stop.set()
    sampler.join()
    hits = misses = 0
    lines = [l for l in out.splitlines() if "Hits:" in l]
    for line in lines[len(lines) // 2:]:
        m = re.search(r"Hits: (\d+) .*Misses: (\d+)", line)
        hits += int(m.group(1))
        misses += int(m.group(2))
    return {"hit": 100.0 * hits / max(1, hits + misses), "keys": int(s.command("DBSIZE").strip()),
            "evicted": int(info_field(s, "stats", "evicted_keys")), "peak_used": peak[0]}


def matching_maxmemory(a, jvm_flags, workdir, servers, policy, target_keys, keys_at_tight):
    """The maxmemory at which Cinnabar holds Redis's key count (within 2%), found by the secant
    method over short --lru-test probes on fresh servers. A linear scale of 8 MB by the key ratio
    misses badly: the index and the server's fixed structures are a large share of a few MB."""
    points = [(TIGHT, keys_at_tight)]
    guess = int(TIGHT * target_keys / max(1, keys_at_tight))
    for _ in range(8):
        servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
        try:
            keys = lru_test(servers["cinnabar"], policy, guess, PROBE_SECONDS)["keys"]
        finally:
            servers.pop("cinnabar").stop()
        print("probe: maxmemory %d holds %d keys (Redis %d)" % (guess, keys, target_keys), file=sys.stderr)
        points.append((guess, keys))
        if abs(keys - target_keys) <= 0.02 * target_keys:
            break
        (m1, k1), (m2, k2) = points[-2], points[-1]
        guess = int(m2 + (target_keys - k2) * (m2 - m1) / (k2 - k1)) if k2 != k1 else int(m2 * target_keys / max(1, k2))
        guess = max(1024 * 1024, guess)
    return min(points[1:], key=lambda p: abs(p[1] - target_keys))[0]


def cache_load(s, pipeline, requests):
    s.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
    s.command("CONFIG", "SET", "maxmemory", str(CACHE))
    time.sleep(0.5)
    baseline = s.rss_bytes()
    out = subprocess.run(["redis-benchmark", "-p", str(s.port), "-t", "set", "-r", "10000000", "-n", str(requests),
                          "-d", "64", "-c", str(compare.CLIENTS), "-P", str(pipeline), "--csv"],
                         capture_output=True, text=True, check=True).stdout
    ops = float([l for l in out.splitlines() if l.startswith('"SET"')][0].split(",")[1].strip('"'))
    return {"ops": ops, "rss": s.rss_bytes(), "baseline": baseline,
            "used": int(info_field(s, "memory", "used_memory")), "keys": int(s.command("DBSIZE").strip()),
            "evicted": int(info_field(s, "stats", "evicted_keys"))}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=30.0, help="length of an --lru-test run")
    p.add_argument("--requests", type=int, default=3000000, help="SETs of a cache throughput run")
    p.add_argument("--skip-throughput", action="store_true")
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    servers = {}
    rows = ["| measurement | Cinnabar | Redis | note |", "|---|---|---|---|"]
    try:
        for policy in ["allkeys-lru", "allkeys-lfu"]:
            same = compare.each_fresh(a, jvm_flags, workdir, servers, lambda s: lru_test(s, policy, TIGHT, a.seconds))
            c, r = same["cinnabar"], same["redis"]
            rows.append("| %s, maxmemory 8mb: hit ratio | %.2f%% | %.2f%% | keys held %d / %d; evicted %d / %d; "
                        "peak used_memory %s / %s |" % (policy, c["hit"], r["hit"], c["keys"], r["keys"], c["evicted"],
                                                        r["evicted"], compare.human(c["peak_used"]),
                                                        compare.human(r["peak_used"])))
            for s in servers.values():
                s.stop()
            servers.clear()
            matched = matching_maxmemory(a, jvm_flags, workdir, servers, policy, r["keys"], c["keys"])
            servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
            run = lru_test(servers["cinnabar"], policy, matched, a.seconds)
            servers.pop("cinnabar").stop()
            rows.append("| %s, Cinnabar at maxmemory %s (as many keys as Redis): hit ratio | %.2f%% | %.2f%% | "
                        "keys held %d / %d |" % (policy, compare.human(matched), run["hit"], r["hit"], run["keys"], r["keys"]))
            print("\n".join(rows[-2:]), file=sys.stderr)
        if not a.skip_throughput:
            for pipeline in [1, 16]:
                res = compare.each_fresh(a, jvm_flags, workdir, servers, lambda s: cache_load(s, pipeline, a.requests))
                c, r = res["cinnabar"], res["redis"]
                rows.append("| cache SET -P %d, maxmemory 100mb allkeys-lru: ops/s | %.0f | %.0f | ratio %.2f; keys %d / %d |"
                            % (pipeline, c["ops"], r["ops"], compare.ratio(c["ops"], r["ops"]), c["keys"], r["keys"]))
                rows.append("| cache SET -P %d: RSS at the end (idle baseline before) | %s (%s) | %s (%s) | "
                            "Cinnabar (RSS - baseline) / maxmemory %.2f; used_memory %s / %s |"
                            % (pipeline, compare.human(c["rss"]), compare.human(c["baseline"]), compare.human(r["rss"]),
                               compare.human(r["baseline"]), (c["rss"] - c["baseline"]) / CACHE,
                               compare.human(c["used"]), compare.human(r["used"])))
                print("\n".join(rows[-2:]), file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()
    table = "\n".join(rows)
    print(table)
    if not a.no_record:
        compare.record("eviction", a, "--lru-test runs of %gs; cache loads of %d SETs" % (a.seconds, a.requests), table)


if __name__ == "__main__":
    main()
