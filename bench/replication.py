#!/usr/bin/env python3
"""Replication: Cinnabar against Redis, on this machine.

The companion of compare.py for replication, with the same rules: fresh servers on free ports,
each in a directory of its own, figures to bench/RESULTS.md. The replica is always a
redis-server 7.0.15 (what is measured is the master's side), and each master is measured with
its replica attached and online:

  * SET and INCR with redis-benchmark at -P 1 and -P 16 (50 clients, -r 100000) on the master,
    medians of --rounds rounds after a warm-up; then WAIT 1 to see the replica caught up;
  * a full sync of --keys keys (64-byte values, loaded with -P 16): the seconds from REPLICAOF
    on a fresh replica to its master_link_status:up, and the master's RSS before and at its
    peak during the sync (sampled every 50 ms); diskless (repl-diskless-sync yes, Redis 7.0's
    default) and disk-based, both masters the same way, with repl-diskless-sync-delay 0.

  * with --replica-side, the other way round: a redis-server 7.0.15 master (diskless sync) of
    --keys keys, and a fresh replica, Cinnabar then Redis, for each repl-diskless-load mode
    (disabled: through a file; on-empty-db and swapdb: parsed from the connection): the
    seconds from REPLICAOF to master_link_status:up, and the replica's RSS once linked.

  python3 bench/replication.py [--rounds 3] [--requests 200000] [--keys 1000000] [--skip-sync]
                               [--skip-throughput] [--replica-side] [--no-record] [--note "..."]
"""
import argparse
import os
import subprocess
import sys
import threading
import time

import compare

TESTS = ["set", "incr"]


def start_master(a, name, workdir, jvm_flags, diskless="yes"):
    d = os.path.join(workdir, name + "-master-" + diskless)
    os.makedirs(d, exist_ok=True)
    port = compare.free_port()
    # A sync that starts at once: without a delay for more replicas to come.
    common = ["--port", str(port), "--save", "", "--dir", d, "--repl-diskless-sync", diskless,
              "--repl-diskless-sync-delay", "0"]
    if name == "cinnabar":
        argv = [a.java] + jvm_flags + ["-jar", a.jar] + common + a.server_args.split()
    else:
        argv = ["redis-server"] + common
    return compare.Server(name, argv, port, d)


def start_replica(workdir, tag):
    d = os.path.join(workdir, "replica-" + tag)
    os.makedirs(d, exist_ok=True)
    port = compare.free_port()
    return compare.Server("replica-" + tag, ["redis-server", "--port", str(port), "--save", "", "--dir", d], port, d)


def field(server, section, name):
    for line in server.command("INFO", section).splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


def link_up(replica, master, timeout=600):
    replica.command("REPLICAOF", "127.0.0.1", str(master.port))
    start = time.time()
    while field(replica, "replication", "master_link_status") != "up":
        if time.time() - start > timeout:
            raise RuntimeError("replica never linked")
        time.sleep(0.02)
    return time.time() - start


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def throughput(a, workdir, jvm_flags):
    results = {"cinnabar": {}, "redis": {}}
    for name in results:
        m = start_master(a, name, workdir, jvm_flags)
        r = start_replica(workdir, name)
        try:
            link_up(r, m)
            compare.benchmark(m.port, TESTS, 16, a.requests)  # warm-up
            for _ in range(a.rounds):
                for pl in compare.PIPELINES:
                    n = a.requests if pl > 1 else max(a.requests // 4, 20000)
                    res = compare.benchmark(m.port, TESTS, pl, n)
                    for t in TESTS:
                        results[name].setdefault((t, pl), []).append(res[t])
            ack = m.command("WAIT", "1", "10000").strip()
            results[name]["acked"] = ack
        finally:
            r.stop()
            m.stop()
    return results


def full_sync(a, workdir, jvm_flags, diskless):
    out = {}
    for name in ["cinnabar", "redis"]:
        m = start_master(a, name, workdir, jvm_flags, diskless)
        r = start_replica(workdir, name + "-sync-" + diskless)
        try:
            subprocess.run(["redis-benchmark", "-p", str(m.port), "-t", "set", "-r", str(a.keys), "-n", str(a.keys),
                            "-d", "64", "-c", str(compare.CLIENTS), "-P", "16", "-q"], capture_output=True, check=True)
            keys = int(m.command("DBSIZE").strip())
            time.sleep(2)
            before = rss(m.proc.pid)
            peak = [before]
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], rss(m.proc.pid))
                    time.sleep(0.05)

            t = threading.Thread(target=sample)
            t.start()
            try:
                seconds = link_up(r, m)
            finally:
                stop.set()
                t.join()
            replica_keys = int(r.command("DBSIZE").strip())
            out[name] = {"keys": keys, "replica_keys": replica_keys, "seconds": seconds, "before": before,
                         "peak": peak[0]}
        finally:
            r.stop()
            m.stop()
    return out


def replica_side(a, workdir, jvm_flags):
    """{(load mode, server): (seconds to link up, replica keys, replica RSS)} against one Redis master."""
    d = os.path.join(workdir, "redis-master-for-replicas")
    os.makedirs(d, exist_ok=True)
    port = compare.free_port()
    m = compare.Server("redis-master", ["redis-server", "--port", str(port), "--save", "", "--dir", d,
                                        "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"], port, d)
    out = {}
    try:
        subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-r", str(a.keys), "-n", str(a.keys),
                        "-d", "64", "-c", str(compare.CLIENTS), "-P", "16", "-q"], capture_output=True, check=True)
        for load in ["disabled", "on-empty-db", "swapdb"]:
            for name in ["cinnabar", "redis"]:
                rd = os.path.join(workdir, "replica-%s-%s" % (name, load))
                os.makedirs(rd, exist_ok=True)
                rport = compare.free_port()
                common = ["--port", str(rport), "--save", "", "--dir", rd, "--repl-diskless-load", load]
                if name == "cinnabar":
                    argv = [a.java] + jvm_flags + ["-jar", a.jar] + common + a.server_args.split()
                else:
                    argv = ["redis-server"] + common
                r = compare.Server("replica-" + name, argv, rport, rd)
                try:
                    seconds = link_up(r, m)
                    out[(load, name)] = (seconds, int(r.command("DBSIZE").strip()), rss(r.proc.pid))
                finally:
                    r.stop()
    finally:
        m.stop()
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--keys", type=int, default=1000000)
    p.add_argument("--skip-sync", action="store_true")
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--replica-side", action="store_true", help="only the replica's full sync, of a Redis master")
    compare.server_options(p)
    a, workdir, jvm_flags = compare.parse_server_options(p)
    median = lambda xs: sorted(xs)[len(xs) // 2]
    tables = []
    if a.replica_side:
        x = replica_side(a, workdir, jvm_flags)
        rows = ["| replica's full sync of a Redis master | server | seconds to link up | replica's keys | replica RSS |",
                "|---|---|---|---|---|"]
        for load in ["disabled", "on-empty-db", "swapdb"]:
            for name in ["cinnabar", "redis"]:
                sec, keys, mem = x[(load, name)]
                rows.append("| repl-diskless-load %s | %s | %.2f | %d | %s |" % (load, name, sec, keys, compare.human(mem)))
            rows.append("| | ratio | %.2f | | |" % compare.ratio(x[(load, "cinnabar")][0], x[(load, "redis")][0]))
        table = "\n".join(rows)
        print(table)
        if not a.no_record:
            compare.record("replication", a, "a replica's full sync of %d keys from a redis-server master, one run each"
                           % a.keys, table)
        return
    if not a.skip_throughput:
        rows = ["| with a replica online | pipeline | Cinnabar ops/s | Redis ops/s | ratio |", "|---|---|---|---|---|"]
        r = throughput(a, workdir, jvm_flags)
        for pl in compare.PIPELINES:
            for t in TESTS:
                c, d = median(r["cinnabar"][(t, pl)]), median(r["redis"][(t, pl)])
                rows.append("| %s | %d | %.0f | %.0f | %.2f |" % (t.upper(), pl, c, d, compare.ratio(c, d)))
                print(rows[-1], file=sys.stderr)
        rows.append("| WAIT 1 after the runs | | %s | %s | |" % (r["cinnabar"]["acked"], r["redis"]["acked"]))
        tables.append("\n".join(rows))
    if not a.skip_sync:
        for diskless in ["yes", "no"]:
            x = full_sync(a, workdir, jvm_flags, diskless)
            rows2 = ["| full sync, %s | keys | replica's keys | seconds to link up | master RSS before | peak during |"
                     % ("diskless" if diskless == "yes" else "disk-based"), "|---|---|---|---|---|---|"]
            for name in ["cinnabar", "redis"]:
                v = x[name]
                rows2.append("| %s | %d | %d | %.2f | %s | %s |" % (name, v["keys"], v["replica_keys"], v["seconds"],
                                                                  compare.human(v["before"]), compare.human(v["peak"])))
            rows2.append("| ratio | | | %.2f | | %.2f (peak/before: %.2f against %.2f) |" % (
                compare.ratio(x["cinnabar"]["seconds"], x["redis"]["seconds"]),
                compare.ratio(x["cinnabar"]["peak"], x["redis"]["peak"]),
                compare.ratio(x["cinnabar"]["peak"], x["cinnabar"]["before"]),
                compare.ratio(x["redis"]["peak"], x["redis"]["before"])))
            print("\n".join(rows2), file=sys.stderr)
            tables.append("\n".join(rows2))
    table = "\n\n".join(tables)
    print(table)
    if not a.no_record:
        what = []
        if not a.skip_throughput:
            what.append("%d rounds, %d requests at -P 16, %d clients, -r %d, a redis-server replica online; medians"
                        % (a.rounds, a.requests, compare.CLIENTS, compare.KEYSPACE))
        if not a.skip_sync:
            what.append("a full sync of %d keys, diskless and disk-based, one run each" % a.keys)
        compare.record("replication", a, "; ".join(what), table)


if __name__ == "__main__":
    main()
