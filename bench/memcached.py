#!/usr/bin/env python3
"""The memcached front end: Cinnabar against memcached 1.6, on this machine (issue 18).

The companion of compare.py for the memcached listener, with the same rules: every server starts
fresh on free ports, the same load runs against each in turn, medians of --rounds rounds, and the
figures go to bench/RESULTS.md. Three servers: memcached -t 1 (one worker thread, the ratio the
issue asks >= 1.0 against), memcached with its default threads (4), and Cinnabar with
--memcached-port. memcached gets -m 4096 so that nothing is evicted.

  * get and set throughput and latency (p50, p99, p99.9 in ms): 50 connections, each waiting for
    its reply before the next request (no pipelining), random keys out of 100k with 64-byte
    values (the keys are stored first, so gets hit), --seconds a round, after a warm-up;
  * RSS after 1M items of 64 bytes (keys key:0..key:999999, stored with noreply, pipelined on 4
    connections), read when the load is done and again after --settle idle seconds (under G1 the
    JVM gives heap back once quiet).

The load comes from bench's MemcachedLoad (built by `mvn -q -B -DskipTests package`, in
bench/target/benchmarks.jar): one Java closed-loop client, the same for every server.

  python3 bench/memcached.py [--rounds 3] [--seconds 10] [--threads 2] [--items 1000000]
                             [--skip-memory] [--skip-throughput] [--no-record] [--note "..."]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

import compare

LOAD_JAR = os.path.join(compare.ROOT, "bench", "target", "benchmarks.jar")
CLIENTS = 50
KEYSPACE = 100000
SIZE = 64
TESTS = ["get", "set"]
SERVERS = ["memcached-t1", "memcached", "cinnabar"]


class Mc:
    """A server speaking memcached on self.port: memcached itself or Cinnabar's listener."""

    def __init__(self, name, argv, port, workdir):
        self.name = name
        self.port = port
        self.log = open(os.path.join(workdir, name + ".log"), "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        compare.wait_listening(port, self.proc, probe=b"version\r\n", answer=b"VERSION")

    def rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def curr_items(self):
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(b"stats\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        for line in data.decode().splitlines():
            if line.startswith("STAT curr_items "):
                return int(line.split()[2])
        return -1

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def start(a, name, jvm_flags, workdir):
    port = compare.free_port()
    if name == "cinnabar":
        rport = compare.free_port()
        argv = [a.java] + jvm_flags + ["-jar", a.jar, "--port", str(rport), "--save", "", "--memcached-port",
                                        str(port)] + a.server_args.split()
    else:
        user = ["-u", "root"] if os.geteuid() == 0 else []
        threads = ["-t", "1"] if name == "memcached-t1" else []
        argv = ["memcached", "-p", str(port), "-U", "0", "-l", "127.0.0.1", "-m", "4096"] + user + threads
    return Mc(name, argv, port, workdir)


def load(a, *args):
    out = subprocess.run([a.java, "-cp", LOAD_JAR, "dev.cinnabar.bench.MemcachedLoad"] + [str(x) for x in args],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def run(a, port, test, seconds):
    """{ops, p50, p99, p999} of one closed-loop run."""
    f = load(a, "run", port, CLIENTS, seconds, test, KEYSPACE, SIZE, a.threads).split()
    return {"ops": float(f[1].rstrip("/s")), "p50": float(f[3]), "p99": float(f[5]), "p999": float(f[7])}


def throughput(a, jvm_flags, workdir):
    """{server: {test: [result per round]}}; each server fresh, its keys stored first, warmed up."""
    out = {}
    for name in SERVERS:
        s = start(a, name, jvm_flags, workdir)
        try:
            load(a, "fill", s.port, KEYSPACE, SIZE)
            for t in TESTS:
                run(a, s.port, t, max(2.0, a.seconds / 2))  # warm-up
            out[name] = {t: [] for t in TESTS}
            for _ in range(a.rounds):
                for t in TESTS:
                    out[name][t].append(run(a, s.port, t, a.seconds))
        finally:
            s.stop()
    return out


def memory(a, jvm_flags, workdir):
    """{server: {rss_end, rss, items, seconds}} after storing --items items of 64 bytes."""
    out = {}
    for name in SERVERS:
        s = start(a, name, jvm_flags, workdir)
        try:
            began = time.time()
            load(a, "fill", s.port, a.items, SIZE)
            seconds = time.time() - began
            rss_end = s.rss_bytes()
            time.sleep(a.settle)
            out[name] = {"rss_end": rss_end, "rss": s.rss_bytes(), "items": s.curr_items(), "seconds": seconds}
        finally:
            s.stop()
    return out


def med(results, key):
    return statistics.median(r[key] for r in results)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    compare.server_options(p)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=10.0, help="length of one throughput round")
    p.add_argument("--threads", type=int, default=2, help="load-generator threads driving the 50 connections")
    p.add_argument("--items", type=int, default=1000000, help="items for the memory figure")
    p.add_argument("--settle", type=float, default=10.0, help="idle seconds before the second RSS reading")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--skip-throughput", action="store_true")
    a, workdir, jvm_flags = compare.parse_server_options(p)
    if not os.path.isfile(LOAD_JAR):
        sys.exit("build first: mvn -q -B -DskipTests package (missing %s)" % LOAD_JAR)
    version = subprocess.run(["memcached", "-V"], capture_output=True, text=True).stdout.strip()
    lines = []
    if not a.skip_throughput and a.rounds > 0:
        r = throughput(a, jvm_flags, workdir)
        lines += ["| test | memcached -t 1 ops/s | memcached (4 threads) ops/s | Cinnabar ops/s | ratio vs -t 1 "
                  "| ratio vs 4 threads | p99 ms -t 1 / 4 thr / Cinnabar | p99.9 ms -t 1 / 4 thr / Cinnabar |",
                  "|---|---|---|---|---|---|---|---|"]
        for t in TESTS:
            m1, m4, c = (r[n][t] for n in SERVERS)
            lines.append("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f |" % (
                t, med(m1, "ops"), med(m4, "ops"), med(c, "ops"),
                compare.ratio(med(c, "ops"), med(m1, "ops")), compare.ratio(med(c, "ops"), med(m4, "ops")),
                med(m1, "p99"), med(m4, "p99"), med(c, "p99"), med(m1, "p999"), med(m4, "p999"), med(c, "p999")))
    if not a.skip_memory:
        m = memory(a, jvm_flags, workdir)
        if lines:
            lines.append("")
        lines += ["| %d items of %d bytes | items | RSS at end | RSS after %gs | vs memcached -t 1 | load s |" % (
            a.items, SIZE, a.settle), "|---|---|---|---|---|---|"]
        base = m["memcached-t1"]["rss"]
        for n in SERVERS:
            x = m[n]
            lines.append("| %s | %d | %s | %s | %.2f | %.1f |" % (n, x["items"], compare.human(x["rss_end"]),
                                                               compare.human(x["rss"]), compare.ratio(x["rss"], base),
                                                               x["seconds"]))
    table = "\n".join(lines)
    print(table)
    if not a.no_record:
        compare.record("memcached front end (bench/memcached.py)", a,
                       "%s; %d connections, no pipelining, %d keys, %d-byte values, %d rounds of %gs, %d load threads"
                       % (version, CLIENTS, KEYSPACE, SIZE, a.rounds, a.seconds, a.threads), table)


if __name__ == "__main__":
    main()
