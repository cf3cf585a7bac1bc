#!/usr/bin/env bash
# Runs confluent_interop.py with the venv scripts/install_deps.sh makes
# (confluent-kafka with its Avro and Schema Registry extras). Exit 77 (ctest:
# skipped) when that venv is missing. Usage: confluent_interop.sh APP [--kafka]
set -euo pipefail
venv="${KSTREAMS_CACHE_DIR:-$HOME/.cache/kstreams}/py-confluent"
if ! "$venv/bin/python" -c 'import confluent_kafka.schema_registry.avro' 2>/dev/null; then
  echo "confluent-kafka is not installed in $venv: run scripts/install_deps.sh" >&2
  exit 77
fi
exec "$venv/bin/python" "$(dirname "$0")/confluent_interop.py" "$@"
