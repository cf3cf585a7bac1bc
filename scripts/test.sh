#!/usr/bin/env bash
# The test command: installs missing packages, configures, builds and runs
# every test tier (unit, driver, integration, install). Usage:
#   bash scripts/test.sh                       # Release-ish build in build/
#   KSTREAMS_SANITIZE=address bash scripts/test.sh   # ASan+UBSan in build-address/
#   KSTREAMS_SANITIZE=thread bash scripts/test.sh    # TSan in build-thread/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
sanitize="${KSTREAMS_SANITIZE:-}"
build_dir="build${sanitize:+-$sanitize}"
cmake -S . -B "$build_dir" -G Ninja -DKSTREAMS_WERROR=ON -DKSTREAMS_SANITIZE="$sanitize" \
  -DKSTREAMS_BUILD_BENCH="$([ -n "$sanitize" ] && echo OFF || echo ON)"
cmake --build "$build_dir" -j "$(nproc)"
ctest_args=(--test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600)
if [ "$sanitize" = thread ]; then
  # Debian's librdkafka 2.0.2 uses glibc's C11 threads (thrd_create, mtx_lock),
  # which TSan does not intercept: any process with a librdkafka client crashes
  # inside TSan. Under TSan only the tiers without librdkafka run.
  echo "TSan: skipping the integration tier (librdkafka's C11 threads are invisible to TSan)"
  ctest_args+=(-LE "integration|install")
elif [ -n "$sanitize" ]; then
  # The install test builds an unsanitized consumer against the library.
  ctest_args+=(-LE install)
fi
ctest "${ctest_args[@]}"
