#!/usr/bin/env bash
# The demo command: installs missing packages, builds the word-count example
# and runs it on an in-process embedded Kafka broker (librdkafka's mock
# cluster). It produces sample lines, counts words with KafkaStreams, reads the
# counts back and checks them against counts computed independently.
#   bash scripts/demo.sh [word_count options, e.g. --lines 20000 --partitions 8]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DKSTREAMS_BUILD_TESTS=OFF -DKSTREAMS_BUILD_BENCH=OFF -DKSTREAMS_BUILD_EXAMPLES=ON
cmake --build build-demo -j "$(nproc)" --target word_count
./build-demo/examples/word_count "$@"
