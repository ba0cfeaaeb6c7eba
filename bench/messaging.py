#!/usr/bin/env python3
"""Pub/sub and transactions: Cinnabar against Redis, side by side, on this machine.

The companion of compare.py for issue 12, with the same rules: both servers start on free
ports, the same load runs against each in alternation, medians of --rounds rounds.

  * fan-out: 100 subscribers of one channel and one publisher on loopback; messages delivered
    per second, counted from the first PUBLISH until every subscriber has read every message,
    with the publisher waiting for each reply (-P 1) and pipelining 16;
  * MULTI/EXEC: 50 clients each sending MULTI, ten INCRs and EXEC in one write, over and over;
    transactions per second;
  * a stalled subscriber: one subscriber that never reads while a publisher sends --stall-mb
    megabytes of 1 KB messages. The server must disconnect it at the pubsub output-buffer limit
    (client-output-buffer-limit pubsub 32mb 8mb 60, the default) and its RSS must stay within
    that limit plus a constant: the RSS before, the peak while publishing (sampled every 50 ms)
    and after, and whether the subscriber was disconnected.

The load that redis-benchmark cannot make comes from bench's MessagingLoad (built by
`mvn -q -B -DskipTests package`, in bench/target/benchmarks.jar).

  python3 bench/messaging.py [--rounds 3] [--messages 50000] [--seconds 5] [--skip-stall]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import compare

LOAD_JAR = os.path.join(compare.ROOT, "bench", "target", "benchmarks.jar")
SUBSCRIBERS = 100
MESSAGE_SIZE = 64
CLIENTS = 50


def load(java, *args):
    out = subprocess.run([java, "-cp", LOAD_JAR, "dev.cinnabar.bench.MessagingLoad"] + [str(x) for x in args],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def fanout(java, port, messages, pipeline):
    out = load(java, "fanout", port, SUBSCRIBERS, messages, MESSAGE_SIZE, pipeline)
    return float(out.split("delivered ")[1].split("/s")[0])


def transactions(java, port, seconds):
    out = load(java, "multi", port, CLIENTS, seconds)
    return float(out.split("transactions ")[1].split("/s")[0])


def stalled_subscriber(server, megabytes):
    """Publishes to a subscriber that never reads; returns RSS before, peak and after, and
    whether the server closed the subscriber."""
    sub = socket.create_connection(("127.0.0.1", server.port))
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nstall\r\n")
    time.sleep(0.2)
    before = server.rss_bytes()
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], server.rss_bytes())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    payload = b"x" * 1024
    one = b"*3\r\n$7\r\nPUBLISH\r\n$5\r\nstall\r\n$1024\r\n" + payload + b"\r\n"
    batch = one * 64
    pub = socket.create_connection(("127.0.0.1", server.port))
    pub_file = pub.makefile("rb")
    sent = 0
    target = megabytes * 1024 * 1024
    while sent < target:
        pub.sendall(batch)
        for _ in range(64):
            pub_file.readline()
        sent += len(payload) * 64
    stop.set()
    sampler.join()
    time.sleep(1.0)
    after = server.rss_bytes()
    # Closed by the server: what it had sent is read, then the end of the stream. Still open:
    # the reads stop when nothing more arrives for two seconds.
    sub.settimeout(2.0)
    closed = False
    try:
        while True:
            if not sub.recv(1 << 20):
                closed = True
                break
    except socket.timeout:
        closed = False
    except ConnectionResetError:
        closed = True
    sub.close()
    pub.close()
    return before, peak[0], after, closed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--messages", type=int, default=50000, help="messages published per fan-out run")
    p.add_argument("--seconds", type=float, default=5.0, help="length of a MULTI/EXEC run")
    p.add_argument("--stall-mb", type=int, default=400, help="megabytes published to the stalled subscriber")
    p.add_argument("--skip-stall", action="store_true")
    p.add_argument("--jar", default=compare.JAR)
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-flags", default="")
    p.add_argument("--server-args", default="")
    p.add_argument("--no-record", action="store_true")
    p.add_argument("--note", default="")
    a = p.parse_args()
    for f in [a.jar, LOAD_JAR]:
        if not os.path.isfile(f):
            sys.exit("build first: mvn -q -B -DskipTests package (missing %s)" % f)

    workdir = tempfile.mkdtemp(prefix="cinnabar-bench-")
    jvm_flags = a.jvm_flags.split()
    results = {}
    servers = {}
    try:
        servers["cinnabar"] = compare.start_cinnabar(a, jvm_flags, workdir)
        servers["redis"] = compare.start_redis(workdir)
        # Warm-up: the JIT, and the load tool's own.
        for s in servers.values():
            fanout(a.java, s.port, a.messages // 5, 16)
            transactions(a.java, s.port, 1)
        for rnd in range(a.rounds):
            order = ["cinnabar", "redis"] if rnd % 2 == 0 else ["redis", "cinnabar"]
            for name in order:
                port = servers[name].port
                for pl in [1, 16]:
                    results.setdefault((name, "fanout", pl), []).append(fanout(a.java, port, a.messages, pl))
                results.setdefault((name, "multi", 0), []).append(transactions(a.java, port, a.seconds))
            print("round %d of %d done" % (rnd + 1, a.rounds), file=sys.stderr)
        stall = {}
        if not a.skip_stall:
            stall = compare.each_fresh(a, jvm_flags, workdir, servers, lambda s: stalled_subscriber(s, a.stall_mb))
    finally:
        for s in servers.values():
            s.stop()

    lines = ["| test | Cinnabar | Redis | ratio |", "|---|---|---|---|"] if results else []
    for key, label in [] if not results else [(("fanout", 1), "fan-out, 1 publisher (-P 1), %d subscribers: deliveries/s" % SUBSCRIBERS),
                       (("fanout", 16), "fan-out, 1 publisher (-P 16), %d subscribers: deliveries/s" % SUBSCRIBERS),
                       (("multi", 0), "MULTI + 10 INCR + EXEC, %d clients: transactions/s" % CLIENTS)]:
        c = statistics.median(results[("cinnabar",) + key])
        r = statistics.median(results[("redis",) + key])
        lines.append("| %s | %.0f | %.0f | %.2f |" % (label, c, r, compare.ratio(c, r)))
    if stall:
        lines.append("")
        lines.append("| stalled subscriber, %d MB published | RSS before | peak RSS | RSS after | peak - before | disconnected |"
                     % a.stall_mb)
        lines.append("|---|---|---|---|---|---|")
        for name in ["cinnabar", "redis"]:
            before, peak, after, closed = stall[name]
            lines.append("| %s | %s | %s | %s | %s | %s |" % (name, compare.human(before), compare.human(peak),
                                                           compare.human(after), compare.human(peak - before),
                                                           "yes" if closed else "no"))
    table = "\n".join(lines)
    print(table)
    if not a.no_record and table:
        compare.record("messaging", a, "%d rounds; %d messages of %d bytes per fan-out run; %gs MULTI/EXEC runs; "
                       "medians" % (a.rounds, a.messages, MESSAGE_SIZE, a.seconds), table)


if __name__ == "__main__":
    main()
