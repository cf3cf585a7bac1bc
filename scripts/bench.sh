#!/usr/bin/env bash
# The benchmark command: installs missing packages, builds Release in
# build-bench/, and runs kstreams_bench --workload all in-process, on the
# embedded broker and on a local real Kafka broker (scripts/kafka.sh; KAFKA=0
# skips it), each beside the raw_pipe ceiling, with values of 100 B and
# 1 KB, writing one JSON file per run to bench-results/ and the tables to
# stdout. See bench/README.md.
#   bash scripts/bench.sh                      # the suite, --repeat 3
#   REPEAT=1 bash scripts/bench.sh             # quicker
#   OUT=/tmp/r bash scripts/bench.sh --threads 2   # extra kstreams_bench options
#   bash scripts/bench.sh --instructions       # instructions per record (callgrind)
#   bash scripts/bench.sh --memory             # peak RSS of 100 partitions x 3 stores
#
# --instructions: the noise-free figure. Each in-process workload runs under
# valgrind --tool=callgrind twice, with SMALL and BIG stream records
# (default 100,000 and 300,000), a commit every COMMIT_EVERY records (default
# 10,000) and a 4 MiB input pool, so both runs do the same setup and the same
# work per record; instructions per record = (I(BIG) - I(SMALL)) /
# (BIG - SMALL), every thread of the process counted (RocksDB's flushes and
# compactions too). Written to $OUT/instructions-<size>B.json and stdout.
# WORKLOADS (comma list) and VALUE_SIZE (default 100) narrow the run.
#
# --memory: the three_stores workload (count, windowed count, stream-table
# join: 3 RocksDB stores per task) on the embedded broker with 100
# partitions, 1,000,000 records of 100 B: peak RSS of the whole process and
# RSS before Start (the broker holding the input) in $OUT/memory.json.
# Java Kafka Streams' figures for the same topology come with its twins.
set -euo pipefail
cd "$(dirname "$0")/.."
# BUILD_DIR: an existing build tree with KSTREAMS_BUILD_BENCH=ON to use as it
# is configured (default: build-bench/, configured Release here).
build="${BUILD_DIR:-build-bench}"
if [ -z "${BUILD_DIR:-}" ]; then
  bash scripts/install_deps.sh
  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DKSTREAMS_BUILD_TESTS=OFF -DKSTREAMS_BUILD_EXAMPLES=OFF -DKSTREAMS_BUILD_BENCH=ON
fi
cmake --build "$build" -j "$(nproc)" --target kstreams_bench
bench="./$build/bench/kstreams_bench"
out="${OUT:-bench-results}"
repeat="${REPEAT:-3}"
mkdir -p "$out"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
mhz="$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "machine: $(nproc) CPUs, ${cpu}, ${mhz} MHz"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${1:-}" = "--memory" ]; then
  shift
  "$bench" --workload three_stores --mode embedded --partitions 100 --records "${RECORDS:-1000000}" \
    --repeat "${REPEAT:-1}" --json "$out/memory.json" "$@"
  echo "JSON written to $out/memory.json"
  exit 0
fi

if [ "${1:-}" = "--instructions" ]; then
  shift
  command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)"; exit 1; }
  small="${SMALL:-100000}"
  big="${BIG:-300000}"
  commit_every="${COMMIT_EVERY:-10000}"
  value_size="${VALUE_SIZE:-100}"
  workloads="${WORKLOADS:-passthrough,count,count_uncached,windowed_count,stream_stream_join,restore}"
  json="$out/instructions-${value_size}B.json"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # Total instructions (Ir) of one run, every thread included.
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
      "$bench" --workload "$1" --mode inprocess --no-fork \
      --records "$2" --commit-every "$commit_every" --pool-mb 4 --value-size "$value_size" \
      "${@:3}" >"$tmp/stdout" 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; return 1; }
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\).*/\1/p' "$tmp/stderr"
  }
  printf '%-20s %16s %16s %14s\n' workload "I($small)" "I($big)" instr/record
  {
    echo "{"
    echo "  \"commit\": \"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\","
    echo "  \"machine\": \"$(nproc) CPUs, ${cpu}, ${mhz} MHz\","
    echo "  \"small_records\": $small, \"big_records\": $big, \"commit_every\": $commit_every,"
    echo "  \"value_size\": $value_size, \"pool_mb\": 4,"
    echo "  \"workloads\": ["
  } >"$json"
  first=1
  for w in ${workloads//,/ }; do
    i_small="$(instructions "$w" "$small" "$@")"
    i_big="$(instructions "$w" "$big" "$@")"
    per_record=$(( (i_big - i_small) / (big - small) ))
    printf '%-20s %16s %16s %14s\n' "$w" "$i_small" "$i_big" "$per_record"
    [ "$first" = 1 ] || echo "," >>"$json"
    first=0
    printf '    {"workload": "%s", "instructions_small": %s, "instructions_big": %s, "instructions_per_record": %s}' \
      "$w" "$i_small" "$i_big" "$per_record" >>"$json"
  done
  printf '\n  ]\n}\n' >>"$json"
  echo "JSON written to $json"
  exit 0
fi
# In-process: the default 5,000,000 records. Embedded: the input must fit the
# mock broker's retention (bench/README.md), so fewer 1 KB records.
for value_size in 100 1024; do
  embedded_records=$([ "$value_size" = 100 ] && echo 1000000 || echo 200000)
  echo "== in-process, ${value_size} B values"
  "$bench" --workload all --mode inprocess --value-size "$value_size" \
    --repeat "$repeat" --json "$out/inprocess-${value_size}B.json" "$@"
  echo "== embedded broker, ${value_size} B values"
  "$bench" --workload all --mode embedded --value-size "$value_size" \
    --records "$embedded_records" --repeat "$repeat" --json "$out/embedded-${value_size}B.json" "$@"
done
# Real Apache Kafka (scripts/kafka.sh, 1 broker on loopback): the same
# workloads with --mode broker, raw_pipe in the same run. KAFKA=0 skips it.
if [ "${KAFKA:-1}" = 1 ]; then
  kafka_dir="$(mktemp -d /tmp/kstreams-bench-kafka-XXXXXX)"
  trap 'bash scripts/kafka.sh stop --dir "$kafka_dir"; rm -rf "$kafka_dir"' EXIT
  bootstrap="$(bash scripts/kafka.sh start --dir "$kafka_dir")"
  for value_size in 100 1024; do
    kafka_records=$([ "$value_size" = 100 ] && echo 1000000 || echo 200000)
    echo "== real Kafka (1 broker), ${value_size} B values"
    "$bench" --workload all --mode broker --bootstrap-servers "$bootstrap" \
      --value-size "$value_size" --records "$kafka_records" --repeat "$repeat" \
      --json "$out/kafka-${value_size}B.json" "$@"
  done
fi
echo "JSON written to $out/"
