#!/usr/bin/env python3
"""Client libraries' own test suites, run against redis-server and against Cinnabar.

A library's test suite is a large set of expectations written by people who use Redis, and it
covers reply shapes (RESP2 and RESP3), connection handling and MONITOR/pub-sub timing that our
own differential files do not. Each suite runs twice on the same port, once against Debian's
redis-server and once against the built JAR, and the tool prints every test whose outcome
differs. Tests that fail or are skipped against Redis 7.0.15 (newer commands, modules, cluster)
cancel out.

The suites are not vendored and need what CI does not have, so this is a tool to run by hand:

  * ioredis: a checkout (the `fetch` tool's snapshot of github:redis/ioredis, `git archive HEAD
    lib test bin package.json package-lock.json tsconfig.json`) with `npm install` done. Its
    tests connect to 127.0.0.1:6379 and cannot be pointed elsewhere.
  * redis-py: a checkout (`git archive HEAD redis tests pyproject.toml` of github:redis/redis-py)
    and a Python with pytest, pytest-asyncio and pytest-timeout (`pip download` them, then
    `pip install --no-index --find-links` into a venv). Runs the command, pipeline, pub/sub,
    scripting, lock, monitor, connection and cache tests, sync and asyncio.
  * Jedis: a checkout (`git archive HEAD pom.xml src` of github:redis/jedis) whose test classes
    are built (`mvn -B -DskipTests -Djacoco.skip=true -Dformatter.skip=true test-compile`), with
    `<argLine>-Xmx1g</argLine>` added to the pom's properties (jacoco, skipped, would have set
    it). Runs the standalone command tests (commands.jedis, commands.unified.client and
    .pipeline) against servers with `requirepass foobared`, as its endpoints file expects.

  python3 tools/client-suites.py --ioredis /tmp/ioredis --redis-py /tmp/redis-py \\
      --python /tmp/venv/bin/python --jedis /tmp/jedis [--jar server/target/cinnabar-server.jar]

Exit status 1 when an outcome differs. What Cinnabar does not serve yet (replication) shows up as
differences, and so do the newer commands it serves where a test expects Redis 7.0's refusal or
counts on a newer Redis; see the README's list and HACKING.md for the differences last seen.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "server", "target", "cinnabar-server.jar")

REDIS_PY_TESTS = [
    "tests/test_commands.py", "tests/test_hash.py", "tests/test_pipeline.py", "tests/test_pubsub.py",
    "tests/test_scripting.py", "tests/test_function.py", "tests/test_lock.py", "tests/test_monitor.py",
    "tests/test_encoding.py", "tests/test_keyspace_notifications.py", "tests/test_connection.py",
    "tests/test_client.py", "tests/test_legacy_responses_arg.py", "tests/test_data_structure.py",
    "tests/test_cache.py", "tests/test_asyncio/test_commands.py", "tests/test_asyncio/test_pipeline.py",
    "tests/test_asyncio/test_pubsub.py", "tests/test_asyncio/test_scripting.py",
    "tests/test_asyncio/test_lock.py", "tests/test_asyncio/test_monitor.py",
    "tests/test_asyncio/test_hash.py", "tests/test_asyncio/test_encoding.py",
    "tests/test_asyncio/test_connection.py",
]
SERVER_ARGS = ["--save", "", "--appendonly", "no", "--enable-debug-command", "yes"]
JEDIS_TESTS = ",".join([
    "redis/clients/jedis/commands/jedis/*Test.java", "redis/clients/jedis/commands/unified/client/*Test.java",
    "redis/clients/jedis/commands/unified/pipeline/*Test.java", "!**/jedis/Cluster*", "!**/FailoverCommandsTest*",
    "!**/MigrateTest*", "!**/ModuleTest*", "!**/*Hotkeys*", "!**/SentinelCommandsTest*", "!**/*IntegrationTest*",
])


def wait_ready(port, proc, password, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                # Without a password PONG; with one, NOAUTH: either way the server answers.
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"-NOAUTH" if password else b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("no PONG on port %d" % port)


def port_free(port):
    with socket.socket() as s:
        # As a server binds: connections of an earlier run in TIME_WAIT do not hold the port.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Server:
    def __init__(self, name, argv, port, workdir, extra):
        self.name = name
        log = open(os.path.join(workdir, name + ".log"), "w")
        self.proc = subprocess.Popen(argv, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        wait_ready(port, self.proc, "requirepass" in " ".join(extra))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(name, port, jar, java, workdir, extra):
    if not port_free(port):
        raise SystemExit("port %d is taken: the suites need it free" % port)
    if name == "redis":
        argv = ["redis-server", "--port", str(port), "--dir", workdir] + SERVER_ARGS + extra
    else:
        argv = [java, "-jar", jar, "--port", str(port), "--dir", workdir] + SERVER_ARGS + extra
    return Server(name, argv, port, workdir, extra)


def run_ioredis(checkout, out):
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true", NODE_ENV="test")
    # The report goes to its own file: some tests print to standard output.
    subprocess.run(["npx", "mocha", "--no-experimental-strip-types", "test/helpers/*.ts",
                    "test/functional/**/*.ts", "--reporter", "json", "--reporter-option", "output=" + out],
                   cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
    report = json.load(open(out))
    outcomes = {}
    for kind, key in (("pass", "passes"), ("fail", "failures"), ("skip", "pending")):
        for t in report[key]:
            outcomes[t["fullTitle"]] = (kind, (t.get("err") or {}).get("message", ""))
    return outcomes


def run_redis_py(checkout, python, port, out):
    subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "--timeout", "60", "-q",
                    "--redis-url", "redis://127.0.0.1:%d/0" % port, "--junitxml", out] + REDIS_PY_TESTS,
                   cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600)
    return junit_outcomes(out)


def run_jedis(checkout, out):
    reports = os.path.join(checkout, "target", "surefire-reports")
    if os.path.isdir(reports):
        for f in os.listdir(reports):
            os.remove(os.path.join(reports, f))
    with open(out, "w") as f:
        subprocess.run(["mvn", "-B", "-o", "surefire:test", "-Dtest=" + JEDIS_TESTS, "-DexcludedGroupsForUnitTests=none",
                        "-DfailIfNoTests=false", "-Dsurefire.failIfNoSpecifiedTests=false", "-DtrimStackTrace=true"],
                       cwd=checkout, stdout=f, stderr=subprocess.STDOUT, timeout=3600)
    outcomes = {}
    for name in sorted(os.listdir(reports)):
        if name.startswith("TEST-") and name.endswith(".xml"):
            outcomes.update(junit_outcomes(os.path.join(reports, name)))
    return outcomes


def junit_outcomes(path):
    outcomes = {}
    for tc in ET.parse(path).getroot().iter("testcase"):
        kind, message = "pass", ""
        for child in tc:
            if child.tag in ("failure", "error"):
                kind, message = "fail", child.get("message") or ""
            elif child.tag == "skipped":
                kind = "skip"
        outcomes[tc.get("classname") + "::" + tc.get("name")] = (kind, message)
    return outcomes


def differences(redis, ours):
    lines = []
    for name in sorted(set(redis) | set(ours)):
        a = redis.get(name, ("absent", ""))
        b = ours.get(name, ("absent", ""))
        if a[0] != b[0]:
            why = (b[1] or a[1]).replace("\n", " ")[:200]
            lines.append("%s\n    redis: %s, cinnabar: %s  %s" % (name, a[0], b[0], why))
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ioredis", help="an ioredis checkout with node_modules")
    p.add_argument("--redis-py", help="a redis-py checkout")
    p.add_argument("--python", default=sys.executable, help="a Python with pytest, pytest-asyncio, pytest-timeout")
    p.add_argument("--jedis", help="a Jedis checkout with its test classes built")
    p.add_argument("--jar", default=JAR)
    p.add_argument("--java", default="java")
    p.add_argument("--port", type=int, default=6379)
    a = p.parse_args()
    if not a.ioredis and not a.redis_py and not a.jedis:
        p.error("give at least one of --ioredis, --redis-py, --jedis")
    workdir = tempfile.mkdtemp(prefix="cinnabar-suites-")
    differ = 0
    for suite, checkout in (("ioredis", a.ioredis), ("redis-py", a.redis_py), ("jedis", a.jedis)):
        if not checkout:
            continue
        if suite in ("ioredis", "jedis") and a.port != 6379:
            raise SystemExit(suite + "'s tests only connect to port 6379")
        extra = ["--requirepass", "foobared"] if suite == "jedis" else []
        results = {}
        for name in ("redis", "cinnabar"):
            server = start(name, a.port, a.jar, a.java, workdir, extra)
            try:
                out = os.path.join(workdir, "%s-%s.out" % (suite, name))
                started = time.time()
                if suite == "ioredis":
                    results[name] = run_ioredis(checkout, out)
                elif suite == "jedis":
                    results[name] = run_jedis(checkout, out)
                else:
                    results[name] = run_redis_py(checkout, a.python, a.port, out)
                counts = {}
                for kind, _ in results[name].values():
                    counts[kind] = counts.get(kind, 0) + 1
                print("%s against %s: %s in %.0f s" % (suite, name, counts, time.time() - started))
            finally:
                server.stop()
        lines = differences(results["redis"], results["cinnabar"])
        differ += len(lines)
        print("%s: %d tests differ" % (suite, len(lines)))
        for line in lines:
            print("  " + line)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
