#!/usr/bin/env python3
"""The server's fixed memory cost: RSS of a Cinnabar run as users run it (java -jar, no JVM
flags), broken down, in three phases:

  - idle: 1 s and 30 s after it first answers PING;
  - the same process after `redis-benchmark -t set -n 200000 -r 100000 -P 16` and 15 idle seconds;
  - a fresh process after collections.py's small-hashes load (~100k hashes of 10 fields, 50
    clients, no pipelining) and 15 idle seconds.

Each snapshot has RSS and its file-backed parts (the class-data archive, libjvm, other files),
the heap committed and in use (jcmd GC.heap_info) and the heap's resident pages (read from
/proc/PID/pagemap, so run as root), the thread names, and used_memory. With --nmt the JVM runs
with -XX:NativeMemoryTracking=detail (for diagnosis only: it costs memory itself) and each
snapshot adds NMT's committed figures and the resident pages of each of NMT's mapped regions.

    python3 bench/floor.py                                   # JDK 17, the built JAR, JSON on stdout
    python3 bench/floor.py --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --jar old.jar --nmt

Not recorded by itself: bench/RESULTS.md ("The JVM's floor, measured and cut") has the figures.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

import compare

PAGE = 4096
HSET_SMALL = ["HSET", "user:__rand_int__"] + [x for i in range(10) for x in ("field%d" % i, "value:__rand_int__")]


def rollup(pid):
    d = {}
    for line in open("/proc/%d/smaps_rollup" % pid):
        m = re.match(r"(\w+):\s+(\d+) kB", line)
        if m:
            d[m.group(1)] = int(m.group(2))
    return d


def threads(pid):
    names = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            names.append(open("/proc/%d/task/%s/comm" % (pid, t)).read().strip())
        except OSError:
            pass
    return sorted(names)


def mappings(pid):
    """(start, end, rss_kb, name) per mapping, from smaps."""
    out = []
    cur = None
    for line in open("/proc/%d/smaps" % pid):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)", line)
        if m:
            cur = [int(m.group(1), 16), int(m.group(2), 16), 0, m.group(3).strip()]
            out.append(cur)
        elif line.startswith("Rss:") and cur is not None:
            cur[2] = int(line.split()[1])
    return out


def file_parts(pid):
    parts = {}
    for _, _, rss, name in mappings(pid):
        if name.endswith(".jsa"):
            k = "cds"
        elif "libjvm" in name:
            k = "libjvm"
        elif name.endswith("/modules"):
            k = "modules"
        elif name.startswith("/"):
            k = "other files"
        else:
            k = "anonymous"
        parts[k] = parts.get(k, 0) + rss
    return parts


def resident_kb(pid, ranges):
    """kB resident in [start, end) ranges, from /proc/PID/pagemap (bit 63: present)."""
    total = 0
    with open("/proc/%d/pagemap" % pid, "rb") as f:
        for s, e in ranges:
            f.seek(s // PAGE * 8)
            for (v,) in struct.iter_unpack("<Q", f.read((e - s) // PAGE * 8)):
                if v >> 63:
                    total += PAGE // 1024
    return total


def nmt(jcmd, pid):
    out = subprocess.run([jcmd, str(pid), "VM.native_memory", "detail"], capture_output=True, text=True).stdout
    committed = {}
    for m in re.finditer(r"-\s+([\w ]+?) \(reserved=(\d+)KB, committed=(\d+)KB\)", out):
        committed[m.group(1).strip()] = int(m.group(3))
    ranges = {}
    category = None
    for line in out.splitlines():
        m = re.match(r"\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved \d+KB for ([\w ]+?) from", line)
        if m:
            category = m.group(3).strip()
            continue
        m = re.match(r"\s+\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] committed \d+KB", line)
        if m and category:
            ranges.setdefault(category, []).append((int(m.group(1), 16), int(m.group(2), 16)))
    return committed, {c: resident_kb(pid, r) for c, r in ranges.items()}


def snapshot(args, proc, port, label):
    pid = proc.pid
    r = rollup(pid)
    d = {"label": label, "rss_kb": r["Rss"], "parts_kb": file_parts(pid), "threads": threads(pid)}
    info = subprocess.run(["redis-cli", "-p", str(port), "info", "memory"], capture_output=True, text=True).stdout
    m = re.search(r"used_memory:(\d+)", info)
    d["used_memory_kb"] = int(m.group(1)) // 1024 if m else None
    heap = subprocess.run([args.jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    # JDK 17: "total 20480K, used 9000K [lo, hi)"; JDK 25: "total reserved ..., committed 20480K, used ..."
    m = re.search(r"(?:total|committed) (\d+)K, used (\d+)K \[0x([0-9a-f]+), 0x([0-9a-f]+)\)", heap)
    if m:
        d["heap_committed_kb"] = int(m.group(1))
        d["heap_used_kb"] = int(m.group(2))
        d["heap_resident_kb"] = resident_kb(pid, [(int(m.group(3), 16), int(m.group(4), 16))])
    # " Metaspace       used 9000K, committed 9216K, reserved ...": GC.heap_info prints it on JDK 17,
    # VM.metaspace on both
    m = re.search(r"Metaspace\s+used (\d+)K, committed (\d+)K", heap)
    if not m:
        meta = subprocess.run([args.jcmd, str(pid), "VM.metaspace"], capture_output=True, text=True).stdout
        m = re.search(r"Metaspace\s+used (\d+)K, committed (\d+)K", meta)
    if m:
        d["metaspace_used_kb"] = int(m.group(1))
        d["metaspace_committed_kb"] = int(m.group(2))
    counters = subprocess.run([args.jcmd, str(pid), "PerfCounter.print"], capture_output=True, text=True).stdout
    for name, key in (("java.cls.loadedClasses", "classes_loaded"), ("java.cls.sharedLoadedClasses", "classes_shared"),
                      ("java.cls.unloadedClasses", "classes_unloaded")):
        m = re.search(re.escape(name) + r"=(\d+)", counters)
        if m:
            d[key] = int(m.group(1))
    if args.nmt:
        d["nmt_committed_kb"], d["nmt_resident_kb"] = nmt(args.jcmd, pid)
    return d


def start(args, workdir):
    argv = [args.java] + (["-XX:NativeMemoryTracking=detail"] if args.nmt else []) + [
        "-jar", os.path.abspath(args.jar), "--port", str(args.port), "--save", ""]
    log = open(os.path.join(workdir, "cinnabar.log"), "w")
    started = time.time()
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    compare.wait_listening(args.port, proc)
    return proc, time.time() - started


def stop(proc):
    proc.terminate()
    proc.wait(10)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--java", default="java")
    p.add_argument("--jar", default=compare.JAR)
    p.add_argument("--port", type=int, default=compare.free_port())
    p.add_argument("--nmt", action="store_true", help="native memory tracking, for diagnosis")
    p.add_argument("--phases", default="idle,set,hashes")
    args = p.parse_args()
    java_dir = os.path.dirname(args.java)
    args.jcmd = os.path.join(java_dir, "jcmd") if java_dir else "jcmd"
    phases = args.phases.split(",")
    out = {"java": args.java, "jar": args.jar, "nmt": args.nmt, "snapshots": []}
    with tempfile.TemporaryDirectory() as workdir:
        if "idle" in phases or "set" in phases:
            proc, out["first_pong_s"] = start(args, workdir)
            try:
                time.sleep(1)
                out["snapshots"].append(snapshot(args, proc, args.port, "idle 1 s"))
                time.sleep(29)
                out["snapshots"].append(snapshot(args, proc, args.port, "idle 30 s"))
                if "set" in phases:
                    subprocess.run(["redis-benchmark", "-p", str(args.port), "-t", "set", "-n", "200000",
                                    "-r", "100000", "-P", "16", "-q"], capture_output=True, check=True)
                    time.sleep(15)
                    out["snapshots"].append(snapshot(args, proc, args.port, "SET load + 15 s"))
            finally:
                stop(proc)
        if "hashes" in phases:
            proc, _ = start(args, workdir)
            try:
                subprocess.run(["redis-benchmark", "-p", str(args.port), "-c", str(compare.CLIENTS), "-n", "500000",
                                "-r", "100000", "-P", "1", "-q"] + HSET_SMALL, capture_output=True, check=True)
                time.sleep(15)
                out["snapshots"].append(snapshot(args, proc, args.port, "100k small hashes + 15 s"))
            finally:
                stop(proc)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
