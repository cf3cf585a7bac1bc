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
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DKSTREAMS_BUILD_TESTS=OFF -DKSTREAMS_BUILD_EXAMPLES=OFF -DKSTREAMS_BUILD_BENCH=ON
cmake --build build-bench -j "$(nproc)" --target kstreams_bench
out="${OUT:-bench-results}"
repeat="${REPEAT:-3}"
mkdir -p "$out"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# In-process: the default 5,000,000 records. Embedded: the input must fit the
# mock broker's retention (bench/README.md), so fewer 1 KB records.
for value_size in 100 1024; do
  embedded_records=$([ "$value_size" = 100 ] && echo 1000000 || echo 200000)
  echo "== in-process, ${value_size} B values"
  ./build-bench/bench/kstreams_bench --workload all --mode inprocess --value-size "$value_size" \
    --repeat "$repeat" --json "$out/inprocess-${value_size}B.json" "$@"
  echo "== embedded broker, ${value_size} B values"
  ./build-bench/bench/kstreams_bench --workload all --mode embedded --value-size "$value_size" \
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
    ./build-bench/bench/kstreams_bench --workload all --mode broker --bootstrap-servers "$bootstrap" \
      --value-size "$value_size" --records "$kafka_records" --repeat "$repeat" \
      --json "$out/kafka-${value_size}B.json" "$@"
  done
fi
echo "JSON written to $out/"
