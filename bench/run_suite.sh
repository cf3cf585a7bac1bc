#!/usr/bin/env bash
# Runs the in-process suite the way bench/README.md's table was made: values
# of 100 B and 1 KB, 1 and 2 threads, several runs each (the fastest is
# reported). Usage: bench/run_suite.sh [build dir] [output dir] [repeat]
set -euo pipefail
build="${1:-build}"
out="${2:-bench-results}"
repeat="${3:-5}"
mkdir -p "$out"
for value_size in 100 1024; do
  for threads in 1 2; do
    echo "== value size ${value_size} B, ${threads} thread(s)"
    "$build/bench/kstreams_bench" --workload all --mode inprocess --records 5000000 \
      --value-size "$value_size" --keys 10000 --threads "$threads" --repeat "$repeat" \
      --json "$out/inprocess_${value_size}B_${threads}t.json" | grep -v '^skipped'
  done
done
