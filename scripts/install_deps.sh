#!/usr/bin/env bash
# Installs the Debian 12 packages kstreams needs, only those that are missing.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config librdkafka-dev librocksdb-dev libabsl-dev
          libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev kcat python3-kafka
          valgrind openjdk-17-jdk-headless maven
          libcivetweb-dev prometheus-cpp-dev nlohmann-json3-dev curl
          libavro-dev libcurl4-openssl-dev tmux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
