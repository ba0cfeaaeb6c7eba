#!/usr/bin/env python3
"""Lists, hashes and sets: Cinnabar against Redis, side by side, on this machine.

The companion of compare.py (which measures strings), with the same rules: both servers start on
free ports, redis-benchmark runs against each in alternation, and the results are printed and
appended to bench/RESULTS.md. A measurement, not a test.

  * throughput: 50 clients, -t lpush,rpush,lpop,rpop,sadd,hset,spop,lrange_100,lrange_600,
    zadd,zpopmin and ZRANGEBYSCORE of a 1000-member zset with LIMIT 0 10, -P 1 and -P 16,
    -r 100000, medians of --rounds rounds and the ratio Cinnabar/Redis, after a warm-up pass of
    --warmup requests per test at -P 16 (the JIT's C2 compiler spends about 2 s of a core on the
    server's paths, and with runs of 200k requests it was still compiling, on the core
    redis-benchmark needs, through the first rounds: the default runs of 1M measure the server
    as it runs once warm, the shorter ones remain an option); beside each, the CPU time per request of the thread that
    runs the commands (Redis's main thread, Cinnabar's engine thread; Cinnabar's whole process in
    brackets, its compilers and collector included) and Redis's over Cinnabar's. On a machine
    where redis-benchmark needs a core of its own, the client, not the server, can set the
    throughput of cheap commands at -P 16: the CPU per request still compares the servers;
  * memory: four datasets, each loaded into a fresh process of each server the way applications
    load them (50 clients, no pipelining, random members), then RSS right after the load and
    after --settle idle seconds, used_memory and the size of what was loaded:
      - one list of 1M elements (RPUSH),
      - one hash of ~1M fields (HSET with random fields),
      - one set of ~1M members (SADD with random members),
      - ~100k small hashes of 10 fields each (the listpack case),
      - one zset of ~1M members (ZADD with random scores and members),
      - ~100k small zsets of 10 members each (the listpack case),
      - one stream of 1M entries of 3 fields (XADD *),
      - ~100k HLLs of ~20 elements each (PFADD; sparse).
    Random members repeat, so the sizes are close but not equal on both sides: the table gives
    them, and the ratio is of RSS, not per element.

  python3 bench/collections.py [--rounds 3] [--requests 1000000] [--jvm-flags ...]
                               [--datasets list,hash,set,small-hashes,zset,small-zsets,stream,hlls] [--skip-memory]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import compare

TESTS = ["lpush", "rpush", "lpop", "rpop", "sadd", "hset", "spop", "lrange_100", "lrange_600",
         "zadd", "zpopmin", "zrangebyscore_10", "setbit", "getbit", "pfadd", "xadd"]

# Tests redis-benchmark has no name for: the key they read is filled first, the same on both
# servers. name: (the commands that fill it, the command redis-benchmark repeats)
CUSTOM = {
    "zrangebyscore_10": ([["ZADD", "bench:zset"] + [x for i in range(1000) for x in (str(i), "member:%d" % i)]],
                         ["ZRANGEBYSCORE", "bench:zset", "0", "+inf", "LIMIT", "0", "10"]),
    # A bit of random keys: redis-benchmark writes __rand_int__ zero-padded to 12 digits, which
    # neither server takes as a bit offset, so the randomness goes into the key.
    "setbit": ([], ["SETBIT", "bits:__rand_int__", "1000", "1"]),
    "getbit": ([], ["GETBIT", "bits:__rand_int__", "1000"]),
    # One HLL, dense after its first few thousand elements, as counters of real traffic are.
    "pfadd": ([], ["PFADD", "bench:hll", "element:__rand_int__"]),
    # Entries of three fields appended to one stream.
    "xadd": ([], ["XADD", "bench:stream", "*", "f1", "value1", "f2", "value2", "f3", "value3"]),
}

# name: (what it is, the command redis-benchmark repeats, requests, the random range, size command)
DATASETS = {
    "list": ("one list of 1M elements", ["RPUSH", "biglist", "element:__rand_int__"],
             1000000, 1000000000, ["LLEN", "biglist"]),
    "hash": ("one hash of ~1M fields", ["HSET", "bighash", "field:__rand_int__", "value:__rand_int__"],
             1060000, 10000000, ["HLEN", "bighash"]),
    "set": ("one set of ~1M members", ["SADD", "bigset", "member:__rand_int__"],
            1060000, 10000000, ["SCARD", "bigset"]),
    "small-hashes": ("~100k hashes of 10 fields", ["HSET", "user:__rand_int__"]
                     + [x for i in range(10) for x in ("field%d" % i, "value:__rand_int__")],
                     500000, 100000, ["DBSIZE"]),
    "zset": ("one zset of ~1M members", ["ZADD", "bigzset", "__rand_int__", "member:__rand_int__"],
             1060000, 10000000, ["ZCARD", "bigzset"]),
    "small-zsets": ("~100k zsets of 10 members", ["ZADD", "board:__rand_int__"]
                    + [x for i in range(10) for x in ("__rand_int__", "player:%d" % i)],
                    500000, 100000, ["DBSIZE"]),
    "stream": ("one stream of 1M entries of 3 fields", ["XADD", "bigstream", "*", "f1", "value:__rand_int__",
                                                        "f2", "value:__rand_int__", "f3", "value:__rand_int__"],
               1000000, 1000000000, ["XLEN", "bigstream"]),
    "hlls": ("~100k HLLs of ~20 elements", ["PFADD", "visitors:__rand_int__", "page:__rand_int__"],
             2000000, 100000, ["DBSIZE"]),
}


def benchmark_tests(server, pipeline, requests):
    """Each test in a redis-benchmark run of its own: {test: (ops per second, CPU seconds of the
    server's main thread during the run, of the whole process)}. The names are redis-benchmark's
    lowercased up to the first blank, then the custom ones."""
    port = server.port
    result = {}
    for name in TESTS:
        if name in CUSTOM:
            fill, command = CUSTOM[name]
            for c in fill:
                server.command(*c)
            extra = command
        else:
            extra = ["-t", name]
        argv = ["redis-benchmark", "-p", str(port), "-c", str(compare.CLIENTS), "-n", str(requests),
                "-P", str(pipeline), "-r", str(compare.KEYSPACE), "--csv"] + extra
        cpu, process = server.main_thread_cpu(), server.process_cpu()
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        cpu, process = server.main_thread_cpu() - cpu, server.process_cpu() - process
        for line in out.splitlines():
            cells = [c.strip('"') for c in line.split(",")]
            # "LRANGE_100 (first 100 elements)"; "LPUSH (needed to benchmark LRANGE)" is the fill
            if len(cells) > 1 and cells[0] != "test" and "needed to benchmark" not in cells[0]:
                result[name] = (float(cells[1]), cpu, process)
    # An LRANGE run first fills its list with as many LPUSHes as it has requests: their CPU, as
    # the LPUSH test of this pass measured it, is not the LRANGEs'.
    if "lpush" in result:
        for name in ("lrange_100", "lrange_600"):
            if name in result:
                ops, cpu, process = result[name]
                result[name] = (ops, max(cpu - result["lpush"][1], 0.0), max(process - result["lpush"][2], 0.0))
    return result


def load_dataset(s, name, settle, pipeline):
    _, command, requests, rand, size_command = DATASETS[name]
    started = time.time()
    subprocess.run(["redis-benchmark", "-p", str(s.port), "-c", str(compare.CLIENTS), "-n", str(requests),
                    "-r", str(rand), "-P", str(pipeline), "-q"] + command, capture_output=True, check=True)
    seconds = time.time() - started
    rss_end = s.rss_bytes()
    size = int(s.command(*size_command).strip())
    used = s.used_memory()
    time.sleep(settle)
    return {"size": size, "rss_end": rss_end, "rss": s.rss_bytes(), "used": used, "seconds": seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3, help="throughput rounds; 0 measures only memory")
    p.add_argument("--jar", default=compare.JAR)
    p.add_argument("--warmup", type=int, default=None,
                   help="requests per test in the warm-up pass at -P 16 before the rounds (default: --requests)")
    p.add_argument("--requests", type=int, default=1000000)
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-flags", default="")
    p.add_argument("--server-args", default="", help="more redis-server style arguments for Cinnabar only")
    p.add_argument("--tests", default=",".join(TESTS), help="a subset of " + ",".join(TESTS))
    p.add_argument("--pipelines", default="1,16")
    p.add_argument("--datasets", default=",".join(DATASETS), help="a subset of " + ",".join(DATASETS))
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--settle", type=float, default=10.0)
    p.add_argument("--memory-pipelines", default="1", help="load shapes of the memory phase, e.g. 1 or 1,16")
    p.add_argument("--no-record", action="store_true")
    p.add_argument("--note", default="")
    a = p.parse_args()
    TESTS[:] = a.tests.split(",")
    pipelines = [int(x) for x in a.pipelines.split(",")]
    datasets = [] if a.skip_memory else a.datasets.split(",")
    shapes = [int(x) for x in a.memory_pipelines.split(",")]

    if not os.path.isfile(a.jar):
        sys.exit("build first: mvn -q -B -DskipTests package")
    workdir = tempfile.mkdtemp(prefix="cinnabar-bench-")
    jvm_flags = a.jvm_flags.split()
    servers = {}
    throughput = {(n, t, pl): [] for n in ["cinnabar", "redis"] for t in TESTS for pl in pipelines}
    cpu_per_request = {(n, t, pl): [] for n in ["cinnabar", "redis"] for t in TESTS for pl in pipelines}
    process_per_request = {(n, t, pl): [] for n in ["cinnabar", "redis"] for t in TESTS for pl in pipelines}
    memory = {}
    try:
        if a.rounds > 0:
            servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
            servers["redis"] = compare.start_redis(workdir)
            warmup = a.warmup if a.warmup is not None else a.requests
            benchmark_tests(servers["cinnabar"], 16, warmup)
            benchmark_tests(servers["redis"], 16, max(warmup // 4, 20000))
            for rnd in range(a.rounds):
                for pl in pipelines:
                    order = ["cinnabar", "redis"] if rnd % 2 == 0 else ["redis", "cinnabar"]
                    for n in order:
                        servers[n].command("FLUSHALL")
                        requests = a.requests if pl > 1 else max(a.requests // 4, 20000)
                        res = benchmark_tests(servers[n], pl, requests)
                        for t in TESTS:
                            ops, cpu, process = res.get(t, (0.0, 0.0, 0.0))
                            throughput[(n, t, pl)].append(ops)
                            cpu_per_request[(n, t, pl)].append(cpu / requests * 1e6)
                            process_per_request[(n, t, pl)].append(process / requests * 1e6)
                print("round %d of %d done" % (rnd + 1, a.rounds), file=sys.stderr)
            for s in servers.values():
                s.stop()
            servers.clear()
        for pl in shapes:
            for d in datasets:
                for n in ["cinnabar", "redis"]:
                    servers[n] = compare.start_cinnabar(a, jvm_flags, workdir) if n == "cinnabar" else compare.start_redis(workdir)
                    memory[(n, d, pl)] = load_dataset(servers[n], d, a.settle, pl)
                    servers.pop(n).stop()
                print("memory of %s at -P %d done" % (d, pl), file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()

    lines = []
    if a.rounds > 0:
        lines += ["| test | pipeline | Cinnabar ops/s | Redis ops/s | ratio | CPU µs/request: Cinnabar engine (process) | Redis | Redis/engine |",
                  "|---|---|---|---|---|---|---|---|"]
        for pl in pipelines:
            for t in TESTS:
                c = statistics.median(throughput[("cinnabar", t, pl)])
                r = statistics.median(throughput[("redis", t, pl)])
                cc = statistics.median(cpu_per_request[("cinnabar", t, pl)])
                rc = statistics.median(cpu_per_request[("redis", t, pl)])
                cp = statistics.median(process_per_request[("cinnabar", t, pl)])
                lines.append("| %s | %d | %.0f | %.0f | %.2f | %.3f (%.3f) | %.3f | %.2f |" % (
                    t.upper(), pl, c, r, compare.ratio(c, r), cc, cp, rc, compare.ratio(rc, cc)))
    if memory:
        if lines:
            lines.append("")
        lines.append("| dataset, 50 clients | server | size | load | RSS at the end | RSS after %gs idle | used_memory |"
                     % a.settle)
        lines.append("|---|---|---|---|---|---|---|")
        for pl, d in [(pl, d) for pl in shapes for d in datasets]:
            c, r = memory[("cinnabar", d, pl)], memory[("redis", d, pl)]
            for n, m in [("cinnabar", c), ("redis", r)]:
                lines.append("| %s, -P %d | %s | %d | %.0fs | %s | %s | %s |" % (
                    DATASETS[d][0], pl, n, m["size"], m["seconds"], compare.human(m["rss_end"]),
                    compare.human(m["rss"]), compare.human(m["used"])))
            lines.append("| | ratio | | | %.2f | %.2f | %.2f |" % (
                compare.ratio(c["rss_end"], r["rss_end"]), compare.ratio(c["rss"], r["rss"]),
                compare.ratio(c["used"], r["used"])))
    table = "\n".join(lines)
    print(table)

    if not a.no_record and table:
        compare.record("collections", a, "bench/collections.py: %d rounds, %d requests per run at -P 16, %d clients, "
                       "-r %d, warm-up %d requests per test; medians" % (
                           a.rounds, a.requests, compare.CLIENTS, compare.KEYSPACE,
                           a.warmup if a.warmup is not None else a.requests), table)


if __name__ == "__main__":
    main()
