#!/usr/bin/env bash
# Reproduces benchmarks/RESULTS.md: every JMH benchmark on JDK 17 and JDK 25, with 1 and 2
# threads and -prof gc, then a CPU-time-per-op cross-check (CpuTimePerOp), `openssl speed
# ecdsap256` and the key-rotation stress, into benchmarks/results/<date>/ (raw JMH JSON and logs,
# load averages, machine, tables.md). About 35 minutes on the 2-core reference machine (the
# adapter benchmarks start a Spring context per fork), plus 1-2 minutes when the jar is built.
#
#   benchmarks/run.sh            full run (what RESULTS.md quotes)
#   benchmarks/run.sh --smoke    one short iteration of each benchmark on JDK 17, 1 thread, plus a
#                                8 s rotation stress; for CI, ~1 min with the jar built (~2 min
#                                on a loaded machine); judges nothing but "runs and verifies"
#   benchmarks/run.sh --adapters the per-request table only (AdapterBenchmark, its baselines, the
#                                per-proxy ProxyBenchmark, the ES256 check, never-seen and
#                                cache-hit verify): JDK 17 and 25, 1
#                                thread on every assertion kind, 2 threads on repeated and
#                                never-seen, shorter iterations, then CpuTimePerOp on the same
#                                cases; ~35 min on the loaded 2-core machine
#   benchmarks/run.sh --rebuild  rebuild the jar first, then the full run
#
# Environment: JDK17 and JDK25 (paths to java) override the JDKs; JMH_RUN_OPTS replaces the
# fork/warm-up/measurement options of the full run (default below); JMH_EXTRA adds other JMH
# arguments, e.g. a benchmark regex ("CacheHit") or -jvmArgsAppend.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
mode=full
rebuild=false
for arg in "$@"; do
  case "$arg" in
    --smoke) mode=smoke ;;
    --adapters) mode=adapters ;;
    --rebuild) rebuild=true ;;
    *) echo "usage: $0 [--smoke | --adapters] [--rebuild]" >&2; exit 2 ;;
  esac
done

pick_java() { # first existing java among the arguments
  for j in "$@"; do
    if [ -n "$j" ] && [ -x "$j" ]; then echo "$j"; return 0; fi
  done
  return 1
}
JDK17="${JDK17:-$(pick_java /usr/lib/jvm/java-17-openjdk-amd64/bin/java "$(command -v java || true)")}"
JDK25="${JDK25:-$(pick_java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/java-25-openjdk-amd64/bin/java || true)}"

# Build when the jar is missing or older than any source or pom of the modules it bundles (the
# adapter benchmarks time web, the servlet filter and the starter too, not only core).
bundled=()
for m in core web servlet-filter spring-boot-starter benchmarks; do
  bundled+=("$root/$m/src/main" "$root/$m/pom.xml")
done
if $rebuild || [ ! -f "$jar" ] || [ -n "$(find "${bundled[@]}" "$root/pom.xml" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "== building $jar"
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests)
fi

load() { # 1/5/15-minute load averages and the busiest other processes, to judge the noise
  echo "$(cut -d' ' -f1-3 /proc/loadavg) [busiest now: $(top -bn1 -o %CPU 2>/dev/null | awk 'NR>7 && NR<=10 {printf "%s %s%%; ", $12, $9}')]"
}

if [ "$mode" = smoke ]; then
  start=$(date +%s)
  echo "== smoke: every benchmark once, briefly, on $("$JDK17" -version 2>&1 | head -1)"
  # -foe: a benchmark that throws fails the smoke run; the scores mean nothing at this length.
  # The adapter benchmarks run one assertion kind here (each fork starts a Spring context);
  # AdaptersAcceptAndRejectTest covers every kind in ./mvnw verify.
  "$JDK17" -jar "$jar" -f 1 -wi 0 -i 1 -r 200ms -t 1 -foe true -e 'AdapterBenchmark' ${JMH_EXTRA:-}
  # In this JVM (-f 0): seven Spring contexts in one JVM instead of seven JVM starts.
  "$JDK17" -jar "$jar" -f 0 -wi 0 -i 1 -r 200ms -t 1 -foe true -p assertion=neverSeen \
    'AdapterBenchmark' ${JMH_EXTRA:-}
  "$JDK17" -cp "$jar" io.github.iapverifier.benchmarks.KeyRotationStress 8 2
  echo "== smoke passed in $(( $(date +%s) - start )) s"
  exit 0
fi

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
start=$(date +%s)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') MHz, hypervisor $(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p')"
  echo "kernel: $(uname -r)"
  echo "openssl: $(openssl version 2>/dev/null || echo none)"
  echo "jdk17: $("$JDK17" -version 2>&1 | sed -n 2p)"
  if [ -n "$JDK25" ]; then echo "jdk25: $("$JDK25" -version 2>&1 | sed -n 2p)"; fi
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (modified)')"
} | tee "$out/machine.txt"

# One fork per benchmark; 4 x 1 s warm-up, 5 x 1 s measured: ~11 s each with fork start-up.
# --adapters: 2 x 1 s warm-up, 3 x 1 s measured (the adapter benchmarks alone are 35 forks).
default_opts="-f 1 -wi 4 -w 1s -i 5 -r 1s"
[ "$mode" = adapters ] && default_opts="-f 1 -wi 2 -w 1s -i 3 -r 1s"
# shellcheck disable=SC2206 # word splitting of the override is intended
JMH_OPTS=(${JMH_RUN_OPTS:-$default_opts} -prof gc -foe true)

run_jmh() { # label java threads [JMH arguments...]
  local label=$1 java=$2 threads=$3
  shift 3
  echo "== JMH $label, $threads thread(s); load before: $(load)" | tee -a "$out/load.txt"
  if ! "$java" -jar "$jar" "${JMH_OPTS[@]}" -t "$threads" "$@" ${JMH_EXTRA:-} \
    -rf json -rff "$out/$label-t$threads.json" > "$out/$label-t$threads.log" 2>&1; then
    echo "!! JMH $label t$threads failed; see $out/$label-t$threads.log" | tee -a "$out/failures.txt"
  fi
  grep -A100 '^Benchmark ' "$out/$label-t$threads.log" | grep -v 'gc\.\(count\|time\|alloc\.rate \)' || true
  echo "   load after $label t$threads: $(load)" | tee -a "$out/load.txt"
}

cpu_args=()
if [ "$mode" = adapters ]; then
  only='Adapter|ProxyBenchmark|SignatureBenchmark.es256$|NeverSeenBenchmark.iapVerifier$|CacheHitBenchmark.iapVerifier$'
  for threads in 1 2; do
    kinds=(); [ "$threads" = 2 ] && kinds=(-p assertion=repeated,neverSeen)
    run_jmh jdk17 "$JDK17" "$threads" "${kinds[@]}" "$only"
    if [ -n "$JDK25" ]; then run_jmh jdk25 "$JDK25" "$threads" "${kinds[@]}" "$only"; fi
  done
  cpu_args=(--only='Adapter|Proxy|Signature es256$|NeverSeen iapVerifier|CacheHit iapVerifier')
else
  for threads in 1 2; do
    run_jmh jdk17 "$JDK17" "$threads"
    if [ -n "$JDK25" ]; then run_jmh jdk25 "$JDK25" "$threads"; fi
  done
fi

for label in jdk17 jdk25; do
  java=$JDK17; [ "$label" = jdk25 ] && java=$JDK25
  [ -n "$java" ] || continue
  echo "== CPU time per op (load-independent cross-check), $label; load before: $(load)" | tee -a "$out/load.txt"
  "$java" --add-opens=java.base/java.lang=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$jar" io.github.iapverifier.benchmarks.CpuTimePerOp "${cpu_args[@]}" 2>&1 \
    | grep -v ' INFO \| WARN ' | tee "$out/cpu-$label.txt" \
    || echo "!! CpuTimePerOp $label failed" | tee -a "$out/failures.txt"
  echo "   load after cpu $label: $(load)" | tee -a "$out/load.txt"
done

if [ "$mode" = adapters ]; then
  python3 "$here/summarize.py" "$out" > "$out/tables.md" || echo "!! summarize.py failed" | tee -a "$out/failures.txt"
  cat "$out/tables.md"
  echo "== done in $(( $(date +%s) - start )) s; results in $out"
  [ -s "$out/failures.txt" ] && { cat "$out/failures.txt"; exit 1; }
  exit 0
fi

echo "== openssl speed -seconds 5 ecdsap256; load before: $(load)" | tee -a "$out/load.txt"
openssl speed -seconds 5 ecdsap256 > "$out/openssl.txt" 2>&1 || true
tail -3 "$out/openssl.txt"
echo "   load after openssl: $(load)" | tee -a "$out/load.txt"

for label in jdk17 jdk25; do
  java=$JDK17; [ "$label" = jdk25 ] && java=$JDK25
  [ -n "$java" ] || continue
  echo "== key rotation stress, $label, 12 s, 2 threads; load before: $(load)" | tee -a "$out/load.txt"
  "$java" -cp "$jar" io.github.iapverifier.benchmarks.KeyRotationStress 12 2 2>&1 \
    | grep -v ' INFO \| WARN ' | tee "$out/rotation-$label.txt" \
    || echo "!! key rotation stress $label failed" | tee -a "$out/failures.txt"
  echo "   load after rotation $label: $(load)" | tee -a "$out/load.txt"
done

if command -v python3 > /dev/null; then
  python3 "$here/summarize.py" "$out" > "$out/tables.md" \
    || echo "!! summarize.py failed" | tee -a "$out/failures.txt"
  cat "$out/tables.md"
else
  echo "!! python3 not found: tables not made (run benchmarks/summarize.py $out later)"
fi
echo "== done in $(( $(date +%s) - start )) s; results in $out"
if [ -s "$out/failures.txt" ]; then
  cat "$out/failures.txt"
  exit 1
fi
