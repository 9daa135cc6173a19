#!/usr/bin/env bash
# Token meter throughput (docs/benchmarks.md, "Egress guard: token meter"). In-process, no network.
# Usage: airlock-proxy/bench/meter.sh [MiB]   (default 64)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAVA_HOME=$("$root/bin/find-jdk"); export JAVA_HOME
cd "$root"
# Reactor siblings resolve to their target/classes only within one build, hence compile and the classpath together.
mvn -q -o -pl airlock-proxy -am compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
"$JAVA_HOME/bin/java" -Xmx1g -cp "airlock-proxy/target/classes:$(cat airlock-proxy/target/bench-classpath.txt)" \
  airlock-proxy/bench/MeterBench.java "${1:-64}"
