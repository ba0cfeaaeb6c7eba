#!/usr/bin/env python3
"""Start-up of one or more JARs as users run them (java -jar, no JVM flags), interleaved: from
exec to the first +PONG (a PING sent every 5 ms), and the CPU the process had used by then
(user+sys from /proc/PID/stat). JARs are started in ABBA order, a fresh process each time.

    python3 bench/startup.py --runs 6 old.jar new.jar         # medians (ranges), JSON with -j

Not recorded by itself: bench/RESULTS.md has the figures.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def one(java, jar, port, workdir):
    started = time.time()
    proc = subprocess.Popen([java, "-jar", os.path.abspath(jar), "--port", str(port), "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir)
    try:
        deadline = started + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("%s exited with %s" % (jar, proc.returncode))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return time.time() - started, cpu_seconds(proc.pid)
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError("%s did not answer" % jar)
    finally:
        proc.terminate()
        proc.wait(10)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("jars", nargs="+")
    p.add_argument("--java", default="java")
    p.add_argument("--port", type=int, default=7120)
    p.add_argument("--runs", type=int, default=6, help="starts of each JAR")
    p.add_argument("-j", "--json", action="store_true")
    args = p.parse_args()
    results = {jar: [] for jar in args.jars}
    with tempfile.TemporaryDirectory() as workdir:
        for i in range(args.runs):
            order = args.jars if i % 2 == 0 else list(reversed(args.jars))
            for jar in order:
                results[jar].append(one(args.java, jar, args.port, workdir))
                time.sleep(0.5)
    if args.json:
        json.dump(results, __import__("sys").stdout, indent=1)
        print()
        return
    for jar, runs in results.items():
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        print("%s: to PONG %.2f s (%.2f-%.2f), CPU %.2f s (%.2f-%.2f), %d starts" % (
            jar, statistics.median(wall), min(wall), max(wall),
            statistics.median(cpu), min(cpu), max(cpu), len(runs)))


if __name__ == "__main__":
    main()
