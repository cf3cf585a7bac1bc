#!/usr/bin/env bash
# The long exactly-once system test (tests/integration/runtime/
# eos_system_test.cc): two application processes on a local real Kafka
# broker, one SIGKILLed at random moments KILLS times (default 12) while
# RECORDS_PER_KEY (default 4000) sequence numbers per key are produced;
# every output is then checked read_committed. Runs the exactly_once_v2 test
# and the at_least_once one (which reports its duplicates). Uses build/ as
# scripts/test.sh configures it (builds what is missing).
#   bash scripts/eos_system.sh                 # 12 kills
#   KILLS=20 SEED=7 bash scripts/eos_system.sh # more kills, a fixed seed
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DKSTREAMS_WERROR=ON
fi
cmake --build build -j "$(nproc)" --target kstreams_integration_tests
export KSTREAMS_EOS_KILLS="${KILLS:-12}"
export KSTREAMS_EOS_RECORDS_PER_KEY="${RECORDS_PER_KEY:-4000}"
[ -n "${SEED:-}" ] && export KSTREAMS_EOS_SEED="$SEED"
ctest --test-dir build -R 'RealKafkaEosSystemIT' --output-on-failure -V --timeout 3600 |
  grep -E 'kills|Passed|Failed|Failure|expected|lost|skipped|tests passed'
