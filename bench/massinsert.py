#!/usr/bin/env python3
"""Mass insertion, as Redis's documentation recommends it: `redis-cli --pipe` of a file of
commands into a fresh server, against Redis, on this machine.

The file is persistence.py's mixed dataset (about 160 MB of RESP): 50k each of lists, hashes,
sets and sorted sets of 10 elements (every tenth of 200, so both encodings of each type), with
random float scores, and 10 streams of 10k entries with a consumer group. For each server: the
seconds `redis-cli --pipe` takes, the process RSS right after and once the server has been idle
for --settle seconds, and used_memory; then the ratios. The figures go to bench/RESULTS.md.

  python3 bench/massinsert.py [--rounds 1] [--settle 10] [--jar ...] [--jvm-flags ...] [--no-record]
"""
import argparse
import statistics
import subprocess
import sys
import time

import compare
import persistence


def insert(s, protocol, settle):
    t0 = time.time()
    out = subprocess.run(["redis-cli", "-p", str(s.port), "--pipe"], input=protocol, capture_output=True, check=True).stdout
    seconds = time.time() - t0
    if b"errors: 0" not in out:
        raise RuntimeError("redis-cli --pipe reported errors: %r" % out[-200:])
    rss = s.rss_bytes()
    time.sleep(settle)
    return {"seconds": seconds, "rss": rss, "idle": s.rss_bytes(), "used": s.used_memory(),
            "keys": int(s.command("DBSIZE").strip())}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--settle", type=float, default=10.0)
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    protocol = persistence.mixed_protocol()
    runs = {"cinnabar": [], "redis": []}
    servers = {}
    try:
        for _ in range(a.rounds):
            res = compare.each_fresh(a, jvm_flags, workdir, servers, lambda s: insert(s, protocol, a.settle))
            for name in runs:
                runs[name].append(res[name])
                print(name, res[name], file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()

    def med(name, field):
        return statistics.median(r[field] for r in runs[name])

    rows = ["| %.0f MB of commands by `redis-cli --pipe` | keys | seconds | RSS at the end | RSS after %gs idle | used_memory |"
            % (len(protocol) / 1e6, a.settle), "|---|---|---|---|---|---|"]
    for name in ["cinnabar", "redis"]:
        rows.append("| %s | %d | %.2f | %s | %s | %s |" % (name, runs[name][0]["keys"], med(name, "seconds"),
                                                         compare.human(med(name, "rss")), compare.human(med(name, "idle")),
                                                         compare.human(med(name, "used"))))
    rows.append("| ratio | | %.2f | %.2f | %.2f | %.2f |" % tuple(
        compare.ratio(med("cinnabar", f), med("redis", f)) for f in ["seconds", "rss", "idle", "used"]))
    table = "\n".join(rows)
    print(table)
    if not a.no_record:
        compare.record("mass insertion", a, "%d round(s), medians; redis-cli --pipe of persistence.py's mixed dataset" % a.rounds, table)


if __name__ == "__main__":
    main()
