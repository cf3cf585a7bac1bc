#!/usr/bin/env bash
# Apache Avro's Java SchemaCompatibility (interop/avro/), the reference for the
# differential test of the schema layer's compatibility checker.
#
#   bash scripts/avro_ref.sh build          # resolves and compiles; prints the classpath
#   bash scripts/avro_ref.sh check < pairs  # "reader<TAB>writer" lines -> COMPATIBLE|INCOMPATIBLE
#
# The first build installs Java and Maven when missing (install_deps.sh) and
# resolves the pinned jars (interop/avro/pom.xml) with Maven into
# $KSTREAMS_CACHE_DIR (default ~/.cache/kstreams)/avro-ref-<version>/libs;
# later builds are offline. Concurrent callers wait for each other (flock).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
module="$repo/interop/avro"
version="$(sed -n 's#.*<avro.version>\(.*\)</avro.version>.*#\1#p' "$module/pom.xml")"
cache_dir="${KSTREAMS_CACHE_DIR:-$HOME/.cache/kstreams}/avro-ref-$version"
# shellcheck source=scripts/java_module.sh
source "$repo/scripts/java_module.sh"
build() { java_module_build avro_ref.sh "$module" "$cache_dir"; }

cmd="${1:-}"
case "$cmd" in
  build) build; echo "$classes:$libs/*" ;;
  check)
    build
    exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -cp "$classes:$libs/*" kstreams.interop.AvroCompat ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
