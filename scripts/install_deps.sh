#!/usr/bin/env bash
# Installs the Debian 12 packages kstreams needs, only those that are missing.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config librdkafka-dev librocksdb-dev libabsl-dev
          libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev kcat python3-kafka
          valgrind openjdk-17-jdk-headless maven
          libcivetweb-dev prometheus-cpp-dev nlohmann-json3-dev curl
          libavro-dev libcurl4-openssl-dev tmux python3-venv)
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

# Python's confluent-kafka (its SchemaRegistryClient and AvroSerializer) for
# the Schema Registry interop test (tests/integration/schema/
# confluent_interop.py), in a venv under the cache dir: Debian's Python is
# externally managed. Installed only when the venv cannot import it.
venv="${KSTREAMS_CACHE_DIR:-$HOME/.cache/kstreams}/py-confluent"
if ! "$venv/bin/python" -c 'import confluent_kafka.schema_registry.avro, fastavro' 2>/dev/null; then
  echo "installing confluent-kafka into $venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'confluent-kafka[avro,schemaregistry]==2.16.1'
fi
