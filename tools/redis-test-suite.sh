#!/bin/bash
# Runs Redis 7.0.15's own test suite (tests/unit/*.tcl, Tcl) against the Cinnabar JAR.
#
#   tools/redis-test-suite.sh REDIS_SOURCE_DIR [--jar server/target/cinnabar-server.jar]
#                             [--external] [--tls] [unit/type/list unit/scripting ...]
#
# REDIS_SOURCE_DIR is a Redis 7.0.15 source tree (only its tests/ directory is used); a git
# checkout of redis/redis at tag 7.0.15 will do. The tests are copied to a temporary directory
# whose src/redis-server runs `java -jar JAR "$@"` (redis-cli, redis-benchmark and the check
# tools are Debian's), so the suite starts, configures, restarts and kills Cinnabar as it does
# redis-server: each unit gets servers of its own. With --external, one Cinnabar is started per
# unit on port 7102 instead and the suite runs in its external mode (tests tagged external:skip
# are skipped).
#
# With --tls, the suite runs in its TLS mode: utils/gen-test-certs.sh makes tests/tls (openssl),
# every server listens on its TLS port alone and every client, redis-cli included, speaks TLS;
# it needs Tcl's TLS package too (apt-get install -y tcl-tls).
#
# Needs tclsh (Debian's tcl package). Prints one line per unit (passed, failed, exceptions,
# timeouts); the full output of each unit is in the temporary directory it names.
#
# 2026-12-08, later: unit/scripting (306 tests, the Lua debugger's included) and unit/functions
# (109) pass whole, and so do auth, bitfield, networking, pubsubshard, stream-cgroups, wait,
# pause, info, introspection(-2), keyspace, dump, expire, multi, acl(-v2), tracking, pubsub,
# slowlog, querybuf, protocol, limits, lazyfree, info-command, replybufsize, quit,
# cluster-scripting, pendingquerybuf, type/hash, string, incr, zset, stream, list, list-2,
# list-3, sort, geo, hyperloglog, bitops, scan, obuf-limits, aofrw, violations, memefficiency,
# and integration/redis-cli, logging, convert-*, replication-4, block-repl, failover. What
# fails: fork children (type/set's long-chain SRANDMEMBER, shutdown, other's rehash test,
# oom-score-adj's child class, rdb's "child sending info"), other's process title,
# latency-monitor's expire-cycle event, client-eviction's "client total memory grows during
# client no-evict", maxmemory's "slave buffer are counted correctly", and corrupt-dump's tests
# that expect Redis's assertion or panic log lines where Cinnabar refuses the payload.
# 2026-12-08, integration/replication with --skipfile for its 3e9-step Lua loop ("Master stream is
# correctly processed while the replica has a script in -BUSY state"): every test up to the fork
# ones passes, the swapdb and async_loading tests, "diskless loading short read" (17 s) and the five
# "replicas drop during rdb pipe" included; it stops at "diskless replication child being killed is
# collected" (get_child_pid: there is no fork child).
# 2026-12-07 late, TLS (--tls): unit/tls, type/list, pubsub, multi, info, introspection, auth,
# acl, integration/replication-psync, replication-4, redis-cli and unit/cluster/misc and links
# pass whole; unit/cluster/announced-endpoints fails its two tests in TLS mode on Redis 7.0.15
# too (they take the plaintext port, 0 there); unit/scripting fails as without TLS.
# 2026-12-07 evening, with cluster mode: unit/cluster/misc, links and announced-endpoints pass
# (the cluster suite proper, tests/cluster, has a runner of its own: tools/redis-cluster-suite.sh).
# 2026-12-07 afternoon, with the master's diskless sync (Redis's default since then here too):
# integration/replication-2, -3, -4, replication-psync, psync2, block-repl, failover and unit/wait
# pass whole; integration/replication stops at "Master stream is correctly processed while the
# replica has a script in -BUSY state" (its EVAL of a 3e9-step Lua loop takes about 100 s on
# LuaJ, some 6 times Redis's Lua, past the suite's --timeout 120); past it (--skipfile), what
# fails is the replica's swapdb load (async_loading) and the "diskless ... replicas drop during
# rdb pipe" tests, whose slow replica loads with swapdb (a Cinnabar replica then reads the RDB
# into a file at once, never slow), then the fork tests. DisklessSyncIT covers the master's side of those drops with raw-socket replicas.
# 2026-12-07, replication (normal mode, Cinnabar as every master and replica): integration/
# replication-psync (60), psync2 (52), psync2-reg, psync2-pingoff, psync2-master-restart,
# replication-2, -3, -4, block-repl and unit/wait pass whole; integration/replication passes but
# for the replica's diskless load (swapdb, async_loading: the RDB always goes through a file) and
# the tests that need a fork child or a diskless master, and replication-buffer fails on the
# shared replication buffer's accounting (mem_total_replication_buffers), which Cinnabar does not
# keep (each replica has its own copy of the stream). integration/failover (13) passes whole.
# 2026-12-07, all of tests/unit in external mode: failures only in expire and type/list (they
# attach to the replication stream, SYNC), latency-monitor (the expire-cycle event), type/set
# (SRANDMEMBER "with a dict containing long chain" waits for a fork child); unit/acl and
# unit/acl-v2 pass whole in normal mode too.
# Known failures on 2026-12-06. tests/unit, external mode: everything passed but tests that use
# SYNC or the replication stream without the needs:repl tag, CLUSTER (not served), the
# expire-cycle latency event (freeing a big set is too quick here to reach the threshold), and
# tests that kill the fork child of a BGSAVE (there is none). Normal mode (a server per unit,
# external:skip tests included) adds: SLAVEOF/REPLICAOF in auth, bitfield, functions, maxmemory,
# networking, pendingquerybuf, pubsubshard, stream-cgroups, oom-score-adj and wait; fork children
# in type/set, shutdown and integration/aof-multi-part; and client-eviction's "client total
# memory grows": a client that does not read its replies is not read either here (see
# ClientChannelHandler), so its output buffer stops growing where Redis's grows on. (obuf-limits'
# "KEYS stopped mid-run", maxmemory's output-buffer evictions and its unshared integers pass since
# 2026-12-06 evening.)
# A unit stops at its first exception, so the tests after a replication one never run:
# run tclsh tests/test_helper.tcl in the printed directory with --skipfile (regexps, one a line,
# such as /[Ss]lave, /[Rr]eplica, /ACL, /MASTERAUTH, /[Pp]ropagat) to reach them. Done that way on
# 2026-12-06, what else failed: unit/other's process title (a JVM cannot set it) and its
# rehash-with-a-child test, unit/scripting's CLUSTER RESET, and the maxmemory ones above.
# tests/integration (normal mode): rdb, logging, redis-cli, redis-benchmark, convert-*, aof and
# aof-multi-part pass but for replication and fork children, and rdb's "Test child sending
# info": the forkless BGSAVE keeps a copy only of a key written before it was saved, and the
# test writes the first keys, which it has saved by then (a fork copies the page either way);
# aof-race fails on Redis 7.0.15 too (it is not in the suite's list of units).
set -u
if [ $# -lt 1 ]; then
    sed -n '2,20p' "$0"
    exit 2
fi
src=$1
shift
jar=$(pwd)/server/target/cinnabar-server.jar
external=0
tls=0
units=()
while [ $# -gt 0 ]; do
    case $1 in
        --jar) jar=$(readlink -f "$2"); shift 2 ;;
        --external) external=1; shift ;;
        --tls) tls=1; shift ;;
        *) units+=("$1"); shift ;;
    esac
done
command -v tclsh >/dev/null || { echo "tclsh is needed (apt-get install -y tcl)"; exit 2; }
[ $tls = 1 ] && [ $external = 1 ] && { echo "--tls runs servers of the suite's own, not --external"; exit 2; }
[ -f "$jar" ] || { echo "no JAR at $jar"; exit 2; }
work=$(mktemp -d /tmp/redis-test-suite.XXXXXX)
cp -r "$src/tests" "$src/runtest" "$work/"
mkdir -p "$work/src" "$work/logs"
if [ $tls = 1 ]; then
    echo 'package require tls' | tclsh >/dev/null 2>&1 || { echo "Tcl's TLS package is needed (apt-get install -y tcl-tls)"; exit 2; }
    mkdir -p "$work/utils" && cp "$src/utils/gen-test-certs.sh" "$work/utils/"
    (cd "$work" && ./utils/gen-test-certs.sh > /dev/null 2>&1) || { echo "gen-test-certs.sh failed"; exit 2; }
fi
printf '#!/bin/bash\nexec java -jar %s "$@"\n' "$jar" > "$work/src/redis-server"
chmod +x "$work/src/redis-server"
for b in redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
    ln -sf "$(command -v $b)" "$work/src/$b"
done
if [ ${#units[@]} -eq 0 ]; then
    while read -r u; do units+=("$u"); done < <(cd "$work/tests" && ls unit/*.tcl unit/type/*.tcl | sed 's/\.tcl$//' \
        | grep -v -e list-common -e '^unit/acl' -e cluster -e tls -e moduleapi -e printver)
fi
echo "tests and logs in $work"
cd "$work"
for u in "${units[@]}"; do
    log=$work/logs/$(echo "$u" | tr '/' '_').log
    pid=
    args=()
    if [ $external = 1 ]; then
        dir=$(mktemp -d "$work/server.XXXXXX")
        java -jar "$jar" --port 7102 --save '' --enable-debug-command yes --dir "$dir" > "$dir/log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do redis-cli -p 7102 ping >/dev/null 2>&1 && break; sleep 0.1; done
        args=(--host 127.0.0.1 --port 7102)
    fi
    if [ $tls = 1 ]; then
        args+=(--tls)
    fi
    timeout 900 tclsh tests/test_helper.tcl "${args[@]}" --single "$u" --clients 1 --timeout 120 > "$log" 2>&1
    rc=$?
    echo "$u exit=$rc passed=$(grep -c '\[.*ok.*\]:' "$log") failed=$(grep -c '\[.*err.*\]:' "$log")" \
        "exceptions=$(grep -c '\[.*exception.*\]:' "$log") timeouts=$(grep -c 'TIMEOUT' "$log")"
    if [ -n "$pid" ]; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
done
