#!/usr/bin/env bash
# Scanner throughput: airlock (single thread) on the JDK's java.base sources and a synthetic 100 MB mix, and
# airlock vs secretlint on the same subset (java.base/java, ~29 MB) in the same run.
#
#   airlock-bench/run-scan-bench.sh            # quick: median of N timed passes per corpus (ITERATIONS=5)
#   airlock-bench/run-scan-bench.sh --jmh      # also the JMH benchmark (slow: ~10 minutes)
#   RULESETS=builtin airlock-bench/run-scan-bench.sh   # skip the (slow) builtin+gitleaks rule set
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
java=("$JAVA_HOME/bin/java" -Xmx4g -XX:+UseParallelGC -cp "$cp")

mkdir -p "$work/src"
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$JAVA_HOME/lib/src.zip" 'java.base/*' -d "$work/src"
else
  (cd "$work/src" && "$JAVA_HOME/bin/jar" xf "$JAVA_HOME/lib/src.zip" java.base)
fi
# Large enough that Node start-up (~1 s here) does not dominate secretlint's time.
subset="$work/src/java.base/java"

for rules in ${RULESETS:-builtin builtin+gitleaks}; do
  "${java[@]}" dev.airlock.bench.ScanThroughput dir "$work/src/java.base" "$rules" "$iterations"
done
"${java[@]}" dev.airlock.bench.ScanThroughput synthetic 100 builtin "$iterations"
subset_line=$("${java[@]}" dev.airlock.bench.ScanThroughput dir "$subset" builtin "$iterations")
echo "$subset_line"
airlock_mbps=$(sed -n 's/.*median_MBps=\([0-9.]*\).*/\1/p' <<<"$subset_line")
subset_bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$subset_line")

mkdir -p "$work/npm"
(cd "$work/npm" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error \
  "secretlint@$secretlint_version" "@secretlint/secretlint-rule-preset-recommend@$preset_version" >&2)
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$work/npm/.secretlintrc.json"
start=$(date +%s.%N)
(cd "$work/npm" && npx --no-install secretlint --secretlintrc .secretlintrc.json "$subset/**/*" >/dev/null 2>&1) || true
end=$(date +%s.%N)
secretlint_mbps=$(awk -v b="$subset_bytes" -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", b / 1e6 / (e - s) }')
echo "secretlint corpus=java.base/java bytes=$subset_bytes seconds=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", e-s}') MBps=$secretlint_mbps"
awk -v a="$airlock_mbps" -v s="$secretlint_mbps" 'BEGIN { printf "ratio airlock/secretlint on the same subset: %.0fx\n", a / s }'

if [ "${1:-}" = "--jmh" ]; then
  "${java[@]}" -Dairlock.bench.javaBase="$work/src/java.base" org.openjdk.jmh.Main ScanBenchmark \
    -jvmArgsAppend "-Dairlock.bench.javaBase=$work/src/java.base"
fi
