#!/usr/bin/env python3
"""Cinnabar against Redis, side by side, on this machine.

Starts the built Cinnabar JAR and Debian's redis-server on free ports and runs redis-benchmark
against each in alternation, so that both see the same machine state:

  * throughput: 50 clients, -t set,get,incr,mset, -P 1 and -P 16, -r 100000, over --rounds
    rounds; the median ops/s of each and the ratio Cinnabar/Redis;
  * tail latency: p50, p99 and p99.9 of GET at -P 1, from redis-benchmark's percentile table;
  * memory: the same ~865k keys loaded into a fresh process of each (-t set -r 1000000 -n 2000000
    -d 64), once pipelined (-P 16) and once not (-P 1, which takes about 45 s a server), then
    the process RSS right after the load and once the server has been idle for --settle
    seconds, used_memory, and the ratios. A JVM keeps the heap a load grew unless something
    gives it back, and the load without pipelining makes more garbage per request: the two
    shapes can differ by a factor of 1.5 (bench/RESULTS.md, "Memory after a load").

The results are printed and appended to bench/RESULTS.md with the date, git revision, JDK and
JVM flags. This is a measurement, not a test: nothing here passes or fails.

  python3 bench/compare.py [--rounds 3] [--requests 200000] [--java /path/to/java]
                           [--jvm-flags "-XX:+UseZGC"] [--skip-memory] [--no-record]
                           [--memory-pipelines 16,1] [--settle 10]
"""
import argparse
import datetime
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "server", "target", "cinnabar-server.jar")
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
TESTS = ["set", "get", "incr", "mset"]
PIPELINES = [1, 16]
MEMORY_PIPELINES = [16, 1]
CLIENTS = 50
KEYSPACE = 100000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=30, probe=b"PING\r\n", answer=b"+PONG"):
    """Waits until the server on port answers probe with a reply starting with answer."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(probe)
                if s.recv(64).startswith(answer):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server on %d did not answer" % port)


class Server:
    def __init__(self, name, argv, port, workdir):
        self.name = name
        self.port = port
        self.log = open(os.path.join(workdir, name + ".log"), "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)
        wait_listening(port, self.proc)

    def command(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                             capture_output=True, text=True, check=True)
        return out.stdout

    def rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def main_thread_cpu(self):
        """CPU seconds used so far by the thread that runs the commands: Redis's main thread,
        Cinnabar's engine thread (cinnabar-engine-*), found by name among the process's tasks."""
        pid = self.proc.pid
        tid = pid
        if self.name == "cinnabar":
            for t in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                    if f.read().startswith("cinnabar-engine"):
                        tid = int(t)
                        break
        # The scheduler's own count, in nanoseconds: stat's clock ticks are 10 ms.
        with open("/proc/%d/task/%d/schedstat" % (pid, tid)) as f:
            return int(f.read().split()[0]) / 1e9

    def process_cpu(self):
        """CPU seconds used so far by the whole process: for Cinnabar the JIT compilers, the
        collector and every other thread too."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime and stime, fields 14 and 15 of stat(5), counted after the command name.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def used_memory(self):
        m = re.search(r"^used_memory:(\d+)", self.command("INFO", "memory"), re.M)
        return int(m.group(1)) if m else 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def wait_loaded(s, timeout=600):
    """Waits until the server s has loaded its data (INFO persistence says loading:0)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if "loading:0" in s.command("INFO", "persistence"):
                return
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.05)
    raise RuntimeError("%s did not finish loading" % s.name)


def benchmark(port, tests, pipeline, requests, extra=()):
    """Runs redis-benchmark in CSV mode; returns {test: ops per second}."""
    argv = ["redis-benchmark", "-p", str(port), "-c", str(CLIENTS), "-n", str(requests),
            "-P", str(pipeline), "-r", str(KEYSPACE), "-t", ",".join(tests), "--csv"] + list(extra)
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    result = {}
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) > 1 and cells[0] != "test":
            # redis-benchmark names MSET "MSET (10 keys)"
            result[cells[0].split(" ")[0].lower()] = float(cells[1])
    return result


def get_latency(port, requests):
    """p50, p99, p99.9 and the maximum of GET at -P 1, in milliseconds, from the percentile table."""
    argv = ["redis-benchmark", "-p", str(port), "-c", str(CLIENTS), "-n", str(requests),
            "-P", "1", "-r", str(KEYSPACE), "-t", "get"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.replace("\r", "\n")
    table = []
    in_table = False
    for line in out.splitlines():
        if line.startswith("Latency by percentile distribution"):
            in_table = True
            continue
        if in_table:
            m = re.match(r"\s*([\d.]+)% <= ([\d.]+) milliseconds", line)
            if not m:
                break
            table.append((float(m.group(1)), float(m.group(2))))

    def at(p):
        for pct, ms in table:
            if pct >= p:
                return ms
        return table[-1][1] if table else float("nan")

    return {"p50": at(50.0), "p99": at(99.0), "p99.9": at(99.9), "max": table[-1][1] if table else float("nan")}


def load_and_measure(s, pipeline, settle):
    """Loads the ~865k keys at the given pipeline depth; RSS at the end and after `settle` idle seconds."""
    started = time.time()
    subprocess.run(["redis-benchmark", "-p", str(s.port), "-t", "set", "-r", "1000000",
                    "-n", "2000000", "-d", "64", "-c", str(CLIENTS), "-P", str(pipeline), "-q"],
                   capture_output=True, check=True)
    seconds = time.time() - started
    rss_end = s.rss_bytes()
    keys = int(s.command("DBSIZE").strip())
    used = s.used_memory()
    time.sleep(settle)
    return {"keys": keys, "rss_end": rss_end, "rss": s.rss_bytes(), "used": used, "seconds": seconds}


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        # RESULTS.md itself changes with every recorded run; it says nothing about the code.
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":!bench/RESULTS.md"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def java_version(java):
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    return out.splitlines()[0] if out else "unknown"


def each_fresh(a, jvm_flags, workdir, servers, measure):
    """Stops the servers in {servers}, then runs measure(server) in a fresh process of each
    server in turn, so that neither figure depends on what ran before; returns them by name."""
    for s in servers.values():
        s.stop()
    servers.clear()
    out = {}
    for name in ["cinnabar", "redis"]:
        servers[name] = start_cinnabar(a, jvm_flags, workdir) if name == "cinnabar" else start_redis(workdir)
        out[name] = measure(servers[name])
        servers.pop(name).stop()
    return out


def record(kind, a, details, table):
    """Appends a run of a companion script to bench/RESULTS.md: a heading with the date, the git
    revision and {kind}, the JDK, JVM flags and Redis version, the {details} line and the note."""
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    header = ["", "## %s, %s, %s" % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), git_revision(), kind),
              "", "- JDK: %s" % java_version(a.java),
              "- JVM flags: %s" % (a.jvm_flags or "(none)"),
              "- Redis: %s" % redis_version,
              "- %s" % details]
    if a.note:
        header.append("- Note: %s" % a.note)
    with open(RESULTS, "a") as f:
        f.write("\n".join(header) + "\n\n" + table + "\n")
    print("recorded in bench/RESULTS.md", file=sys.stderr)


def server_options(p):
    """The options every companion script takes: which build and JVM to run, and the record."""
    p.add_argument("--jar", default=JAR)
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-flags", default="")
    p.add_argument("--server-args", default="")
    p.add_argument("--no-record", action="store_true")
    p.add_argument("--note", default="")


def parse_server_options(p):
    """Parses, checks the JAR is built; returns the arguments, a scratch directory and the JVM flags."""
    a = p.parse_args()
    if not os.path.isfile(a.jar):
        sys.exit("build first: mvn -q -B -DskipTests package (missing %s)" % a.jar)
    return a, tempfile.mkdtemp(prefix="cinnabar-bench-"), a.jvm_flags.split()


def ratio(a, b):
    return a / b if b else float("nan")


def human(n):
    for unit in ["B", "K", "M", "G"]:
        if abs(n) < 1024:
            return "%.1f%s" % (n, unit)
        n /= 1024.0
    return "%.1fT" % n


def start_cinnabar(a, jvm_flags, workdir):
    port = free_port()
    return Server("cinnabar", [a.java] + jvm_flags + ["-jar", a.jar, "--port", str(port), "--save", ""]
                  + a.server_args.split(), port, workdir)


def start_redis(workdir):
    port = free_port()
    return Server("redis", ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                  port, workdir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3, help="throughput rounds; 0 measures only latency and memory")
    p.add_argument("--jar", default=JAR, help="another build to measure, such as an older revision's")
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-flags", default="")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    p.add_argument("--note", default="", help="a line recorded with the run")
    p.add_argument("--tests", default=",".join(TESTS), help="a subset of " + ",".join(TESTS))
    p.add_argument("--pipelines", default=",".join(map(str, PIPELINES)), help="e.g. 1 or 1,16")
    p.add_argument("--server-args", default="", help="more redis-server style arguments for Cinnabar only")
    p.add_argument("--skip-latency", action="store_true")
    p.add_argument("--memory-pipelines", default=",".join(map(str, MEMORY_PIPELINES)),
                   help="the load shapes of the memory phase, e.g. 16 or 16,1")
    p.add_argument("--settle", type=float, default=10.0,
                   help="idle seconds after a load before the second RSS reading")
    a = p.parse_args()
    TESTS[:] = a.tests.split(",")
    PIPELINES[:] = [int(x) for x in a.pipelines.split(",")]
    MEMORY_PIPELINES[:] = [int(x) for x in a.memory_pipelines.split(",")]

    if not os.path.isfile(a.jar):
        sys.exit("build first: mvn -q -B -DskipTests package")
    for tool in ["redis-server", "redis-benchmark", "redis-cli"]:
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(tool + " is missing: apt-get install redis-server redis-tools")

    workdir = tempfile.mkdtemp(prefix="cinnabar-bench-")
    jvm_flags = a.jvm_flags.split()
    servers = {}
    throughput = {(name, t, pl): [] for name in ["cinnabar", "redis"] for t in TESTS for pl in PIPELINES}
    try:
        servers["cinnabar"] = start_cinnabar(a, jvm_flags, workdir)
        servers["redis"] = start_redis(workdir)
        cport, rport = servers["cinnabar"].port, servers["redis"].port
        # Warm the JIT (and Redis's caches) before anything is measured.
        if a.rounds > 0 or not a.skip_latency:
            benchmark(cport, TESTS, 16, a.requests)
            benchmark(rport, TESTS, 16, a.requests // 4)

        for rnd in range(a.rounds):
            for pl in PIPELINES:
                order = ["cinnabar", "redis"] if rnd % 2 == 0 else ["redis", "cinnabar"]
                for name in order:
                    n = a.requests if pl > 1 else max(a.requests // 4, 20000)
                    res = benchmark(servers[name].port, TESTS, pl, n)
                    for t in TESTS:
                        throughput[(name, t, pl)].append(res.get(t, 0.0))
            print("round %d of %d done" % (rnd + 1, a.rounds), file=sys.stderr)

        latency = {}
        for name in ([] if a.skip_latency else ["cinnabar", "redis"]):
            latency[name] = get_latency(servers[name].port, max(a.requests // 2, 50000))

        memory = {}
        if not a.skip_memory:
            for s in servers.values():
                s.stop()
            servers.clear()
            for pl in MEMORY_PIPELINES:
                # Fresh processes for each shape: the rounds above grew each server's heap or
                # arenas, and a figure that depends on what ran before would not compare like
                # with like.
                for name in ["cinnabar", "redis"]:
                    servers[name] = start_cinnabar(a, jvm_flags, workdir) if name == "cinnabar" else start_redis(workdir)
                    memory[(name, pl)] = load_and_measure(servers[name], pl, a.settle)
                    servers.pop(name).stop()
                print("memory after the -P %d load done" % pl, file=sys.stderr)
    finally:
        for s in servers.values():
            s.stop()

    lines = []
    if a.rounds > 0:
        lines.append("| test | pipeline | Cinnabar ops/s | Redis ops/s | ratio |")
        lines.append("|---|---|---|---|---|")
    for pl in PIPELINES if a.rounds > 0 else []:
        for t in TESTS:
            c = statistics.median(throughput[("cinnabar", t, pl)])
            r = statistics.median(throughput[("redis", t, pl)])
            lines.append("| %s | %d | %.0f | %.0f | %.2f |" % (t.upper(), pl, c, r, ratio(c, r)))
    if latency:
        if lines:
            lines.append("")
        lines.append("| GET -P 1 latency (ms) | p50 | p99 | p99.9 |")
        lines.append("|---|---|---|---|")
        for name in ["cinnabar", "redis"]:
            l = latency[name]
            lines.append("| %s | %.3f | %.3f | %.3f |" % (name, l["p50"], l["p99"], l["p99.9"]))
        lines.append("| ratio | %.2f | %.2f | %.2f |" % tuple(
            ratio(latency["cinnabar"][k], latency["redis"][k]) for k in ["p50", "p99", "p99.9"]))
    if memory:
        if lines:
            lines.append("")
        lines.append("| ~865k keys, 64-byte values | load | keys | RSS at the end | RSS after %gs idle | used_memory |" % a.settle)
        lines.append("|---|---|---|---|---|---|")
        for pl in MEMORY_PIPELINES:
            c, r = memory[("cinnabar", pl)], memory[("redis", pl)]
            for name, m in [("cinnabar", c), ("redis", r)]:
                lines.append("| %s | -P %d, %.0fs | %d | %s | %s | %s |" % (
                    name, pl, m["seconds"], m["keys"], human(m["rss_end"]), human(m["rss"]), human(m["used"])))
            lines.append("| ratio | -P %d | | %.2f | %.2f | %.2f |" % (
                pl, ratio(c["rss_end"], r["rss_end"]), ratio(c["rss"], r["rss"]), ratio(c["used"], r["used"])))
    table = "\n".join(lines)
    print(table)

    if not a.no_record:
        redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
        header = ["", "## %s, %s" % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), git_revision()),
                  "", "- JDK: %s" % java_version(a.java),
                  "- JVM flags: %s" % (a.jvm_flags or "(none)"),
                  ] + (["- JAR: %s, not this revision's build" % a.jar] if a.jar != JAR else []) + [
                  "- Redis: %s" % redis_version,
                  "- %d rounds, %d requests per run at -P 16, %d clients, -r %d; medians" % (
                      a.rounds, a.requests, CLIENTS, KEYSPACE)]
        if a.note:
            header.append("- Note: %s" % a.note)
        with open(RESULTS, "a") as f:
            f.write("\n".join(header) + "\n\n" + table + "\n")
        print("recorded in bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
