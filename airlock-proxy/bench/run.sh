#!/usr/bin/env bash
# Egress guard benchmark (docs/benchmarks.md, "Egress guard"). Loopback only; no DNS (the target is "localhost").
# Usage: airlock-proxy/bench/run.sh [seconds-per-measurement]   (default 3)
# Prints RESULT lines per contender (p50/p99 ms, requests/s, CPU µs per request from /proc/PID/stat) and SUMMARY
# lines (guard added latency, guard : mitmproxy ratios), then guard memory with 1000 keep-alive connections.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$root/airlock-proxy/bench
secs=${1:-3}
JAVA_HOME=$("$root/bin/find-jdk"); export JAVA_HOME
java=$JAVA_HOME/bin/java
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$java" "$bench/Upstream.java" > "$work/upstream.port" &
upstream_pid=$!
pids+=($upstream_pid)
for _ in $(seq 100); do [ -s "$work/upstream.port" ] && break; sleep 0.1; done
up=$(cat "$work/upstream.port")
token=bench-token-0123456789abcdef
cat > "$work/policy.json" <<JSON
{"allow": ["localhost"], "ports": [$up], "testOnlyAllowLoopbackUpstream": true,
 "sessions": [{"id": "s1", "tokenSource": "env:BENCH_TOKEN"}]}
JSON
guard_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
admin_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$root/airlock" --version >/dev/null   # builds the distribution if needed, outside the measurement
# GUARD_JAVA_OPTS: extra JVM flags for the guard, e.g. -XX:StartFlightRecording=filename=guard.jfr,settings=profile
# GUARD_ARGS: extra guard options, e.g. --event-loops 1; BENCH_CLIENT=threads: the blocking thread-per-connection client
# The guard runs as it does as a role and under ./airlock proxy: C2 and the scanner's vector prefilter.
BENCH_TOKEN=$token "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -Xmx512m ${GUARD_JAVA_OPTS:-} -jar "$root/airlock-cli/target/airlock-cli.jar" \
  proxy --policy "$work/policy.json" --ca-dir "$work/ca" --audit "$work/audit.jsonl" --listen "127.0.0.1:$guard_port" --admin-port "$admin_port" ${GUARD_ARGS:-} 2> "$work/guard.log" &
guard_pid=$!
pids+=($guard_pid)
mitm_port=0
mitm_pid=0
if command -v mitmdump >/dev/null 2>&1; then
  mitm_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  mitmdump -q --listen-host 127.0.0.1 -p "$mitm_port" -s "$bench/mitm_addon.py" --set confdir="$work/mitm" &
  mitm_pid=$!
  pids+=($mitm_pid)
else
  echo "mitmdump not installed (apt-get install -y mitmproxy); comparing with direct only" >&2
fi
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$guard_port) 2>/dev/null && { [ "$mitm_port" = 0 ] || (exec 3<>/dev/tcp/127.0.0.1/$mitm_port) 2>/dev/null; } && break
  sleep 0.2
done
echo "date: $(date -u +%FT%TZ)"
echo "machine: $(nproc) cpu, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr), $("$java" -version 2>&1 | head -1)"
echo "mitmproxy: $( (mitmdump --version 2>/dev/null || echo none) | head -1)"
echo "load average before: $(cat /proc/loadavg)"
"$java" "$bench/GuardBench.java" "$guard_port" "$mitm_port" "$up" "$token" "$guard_pid" "$mitm_pid" "$upstream_pid" "$secs"
curl -s "http://127.0.0.1:$admin_port/metrics" | awk '/^airlock_guard_scan_seconds_(sum|count)/{v[$1]=$2} END{printf "RESULT guard scans=%d mean_scan_ms=%.3f\n", v["airlock_guard_scan_seconds_count"], 1000*v["airlock_guard_scan_seconds_sum"]/v["airlock_guard_scan_seconds_count"]}'
