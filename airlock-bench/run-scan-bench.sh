#!/usr/bin/env bash
# Scanner throughput: airlock (single thread) on the JDK's java.base sources and a synthetic 100 MB mix, and
# airlock vs secretlint on the same subset (java.base/java, ~29 MB) in the same run.
#
#   airlock-bench/run-scan-bench.sh            # quick: median of N timed passes per corpus (ITERATIONS=5)
#   airlock-bench/run-scan-bench.sh --jmh      # also the JMH benchmark (slow: ~10 minutes)
#   RULESETS=builtin airlock-bench/run-scan-bench.sh   # skip the (slow) builtin+gitleaks rule set
#
# airlock runs with --add-modules jdk.incubator.vector (the vector prefilter); java.base is also measured with
# -Dairlock.scan.prefilter=scalar, the portable path every JVM without that module runs. secretlint runs once over
# the subset pinned to one CPU (taskset -c 0) under /usr/bin/time: wall seconds include Node start-up, CPU seconds
# are user+sys; its start-up alone (an empty file) is measured too, so both ratios can be given honestly.
#
# Installs secretlint into a temporary directory with npm; removes everything it created on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=${JAVA_HOME:-$("$root/bin/find-jdk")}
export JAVA_HOME
iterations=${ITERATIONS:-5}
secretlint_version=13.0.6
preset_version=13.0.7

work=$(mktemp -d /tmp/airlock-scan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm), $(nproc) cpus, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
(cd "$root" && mvn -q -B -ntp -DskipTests -pl airlock-bench -am package) >&2
cp="$root/airlock-bench/target/airlock-bench-0.1.0-SNAPSHOT.jar:$root/airlock-bench/target/lib/*"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx4g -XX:+UseParallelGC -cp "$cp")
quiet() { grep -v '^WARNING: Using incubator modules' || true; }

mkdir -p "$work/src"
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$JAVA_HOME/lib/src.zip" 'java.base/*' -d "$work/src"
else
  (cd "$work/src" && "$JAVA_HOME/bin/jar" xf "$JAVA_HOME/lib/src.zip" java.base)
fi
# Large enough that Node start-up (~1 s here) does not dominate secretlint's time.
subset="$work/src/java.base/java"

for rules in ${RULESETS:-builtin builtin+gitleaks}; do
  "${java[@]}" dev.airlock.bench.ScanThroughput dir "$work/src/java.base" "$rules" "$iterations" 2>&1 | quiet
done
"${java[@]}" -Dairlock.scan.prefilter=scalar dev.airlock.bench.ScanThroughput dir "$work/src/java.base" builtin \
  "$iterations" 2>&1 | quiet
"${java[@]}" dev.airlock.bench.ScanThroughput synthetic 100 builtin "$iterations" 2>&1 | quiet
subset_line=$("${java[@]}" dev.airlock.bench.ScanThroughput dir "$subset" builtin "$iterations" 2>&1 | quiet)
echo "$subset_line"
airlock_mbps=$(sed -n 's/.*median_MBps=\([0-9.]*\).*/\1/p' <<<"$subset_line")
subset_bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$subset_line")

mkdir -p "$work/npm"
(cd "$work/npm" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error \
  "secretlint@$secretlint_version" "@secretlint/secretlint-rule-preset-recommend@$preset_version" >&2)
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$work/npm/.secretlintrc.json"
airlock_cpu=$(sed -n 's/.*median_MB_per_cpu_s=\([0-9.]*\).*/\1/p' <<<"$subset_line")
secretlint() { (cd "$work/npm" && /usr/bin/time -f '%e %U %S' -o "$work/time" taskset -c 0 \
  npx --no-install secretlint --secretlintrc .secretlintrc.json "$@" >/dev/null 2>&1) || true; cat "$work/time"; }
: > "$work/empty.txt"
read -r s_wall0 s_user0 s_sys0 < <(secretlint "$work/empty.txt" | tail -1)
read -r s_wall s_user s_sys < <(secretlint "$subset/**/*" | tail -1)
awk -v b="$subset_bytes" -v w="$s_wall" -v u="$s_user" -v s="$s_sys" -v w0="$s_wall0" -v u0="$s_user0" -v s0="$s_sys0" \
    -v a="$airlock_mbps" -v ac="$airlock_cpu" 'BEGIN {
  mb = b / 1e6; cpu = u + s; cpu0 = u0 + s0
  printf "secretlint corpus=java.base/java bytes=%d wall_s=%.2f cpu_s=%.2f MBps=%.2f MB_per_cpu_s=%.2f\n", b, w, cpu, mb / w, mb / cpu
  printf "secretlint start-up alone (empty file): wall_s=%.2f cpu_s=%.2f; without it: MBps=%.2f MB_per_cpu_s=%.2f\n", w0, cpu0, mb / (w - w0), mb / (cpu - cpu0)
  printf "ratio airlock/secretlint on the same subset: wall %.0fx (%.0fx without Node start-up), CPU %.0fx (%.0fx)\n", a / (mb / w), a / (mb / (w - w0)), ac / (mb / cpu), ac / (mb / (cpu - cpu0))
  # The issue asks for >= 1000x, anchored on "secretlint ~0.4 MB/s"; say what 1000x of the secretlint measured here is.
  printf "1000x secretlint would be: %.0f MB/s wall (%.0f without Node start-up), %.0f MB per CPU-second\n", 1000 * mb / w, 1000 * mb / (w - w0), 1000 * mb / (cpu - cpu0)
}'

if [ "${1:-}" = "--jmh" ]; then
  "${java[@]}" -Dairlock.bench.javaBase="$work/src/java.base" org.openjdk.jmh.Main ScanBenchmark \
    -jvmArgsAppend "-Dairlock.bench.javaBase=$work/src/java.base"
fi
