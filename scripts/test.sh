#!/usr/bin/env bash
# The test command: installs missing packages, configures, builds and runs
# every test tier (unit, driver, integration, install). Usage:
#   bash scripts/test.sh                       # Release-ish build in build/
#   KSTREAMS_SANITIZE=address bash scripts/test.sh   # ASan+UBSan in build-address/
#   KSTREAMS_SANITIZE=thread bash scripts/test.sh    # TSan in build-thread/
# (Sanitized runs skip the install test, which builds an unsanitized consumer,
# and the realkafka tier.) One tier alone: ctest --test-dir build -L realkafka
# (labels: unit, driver, integration, differential, realkafka, install).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
sanitize="${KSTREAMS_SANITIZE:-}"
build_dir="build${sanitize:+-$sanitize}"
# ccache, when the machine has it, makes rebuilds of a fresh clone cheap.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build_dir" -G Ninja -DKSTREAMS_WERROR=ON -DKSTREAMS_SANITIZE="$sanitize" \
  -DKSTREAMS_BUILD_BENCH="$([ -n "$sanitize" ] && echo OFF || echo ON)" "${launcher[@]}"
cmake --build "$build_dir" -j "$(nproc)"
ctest_args=(--test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600)
if [ -n "$sanitize" ]; then
  # Under TSan, librdkafka's C11 threads are made visible to TSan by
  # tests/tsan/c11_threads_shim.cc (see tests/CMakeLists.txt for TSAN_OPTIONS).
  # The realkafka tier (a JVM broker) runs in the plain build only.
  ctest_args+=(-LE "install|realkafka")
fi
ctest "${ctest_args[@]}"
