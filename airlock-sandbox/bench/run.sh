#!/usr/bin/env bash
# Sandbox benchmark (docs/benchmarks.md, "Sandbox"): session start and per-call overhead of an Airlock session
# against plain host fork/exec, a fresh bwrap per call, and srt (@anthropic-ai/sandbox-runtime, installed here into
# a temporary directory; it needs socat and ripgrep, installed with apt-get when running as root).
# Usage: airlock-sandbox/bench/run.sh [N]   (N calls per measurement, default 200)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=${1:-200}
export JAVA_HOME=${JAVA_HOME:-$("$root/bin/find-jdk")}
cd "$root"
mvn -B -q -ntp -pl airlock-sandbox -am install -DskipTests >&2
mvn -B -q -ntp -pl airlock-sandbox test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
cp="airlock-sandbox/target/classes:airlock-sandbox/target/test-classes:$(cat airlock-sandbox/target/bench.cp)"
work=$(mktemp -d /tmp/airlock-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
ws="$work/ws"; mkdir -p "$ws"
# Create the workspace content (500 files, 20 directories) with the benchmark's own helper.
cat > "$work/Prep.java" <<'JAVA'
public class Prep { public static void main(String[] a) throws Exception { dev.airlock.sandbox.bench.SandboxBench.prepare(java.nio.file.Path.of(a[0])); } }
JAVA
"$JAVA_HOME/bin/java" -cp "$cp" "$work/Prep.java" "$ws"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -r) $(nproc) cpu; N=$n"
"$JAVA_HOME/bin/java" -cp "$cp" --enable-native-access=ALL-UNNAMED dev.airlock.sandbox.bench.SandboxBench "$ws" "$n"

if ! command -v socat >/dev/null || ! command -v rg >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq socat ripgrep >&2
  else
    echo "srt\tskipped: needs socat and ripgrep (apt-get install -y socat ripgrep)"; exit 0
  fi
fi
(cd "$work" && npm install --silent --no-audit --no-fund @anthropic-ai/sandbox-runtime >/dev/null 2>&1) || {
  echo "srt\tskipped: npm install @anthropic-ai/sandbox-runtime failed"; exit 0; }
cp "$root/airlock-sandbox/bench/srt-bench.mjs" "$work/"
echo "srt version $(node -p "require('$work/node_modules/@anthropic-ai/sandbox-runtime/package.json').version")"
(cd "$work" && node srt-bench.mjs "$ws" "$n") || echo "srt\tfailed to run (see stderr)"
