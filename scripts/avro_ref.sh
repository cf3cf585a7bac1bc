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
libs="$cache_dir/libs"

die() { echo "avro_ref.sh: $*" >&2; exit 1; }

build() {
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/.lock"
  flock 9
  if [ ! -f "$libs/.complete" ]; then
    command -v javac >/dev/null && command -v mvn >/dev/null || bash "$repo/scripts/install_deps.sh" >&2
    command -v javac >/dev/null || die "no javac (a JDK) after install_deps.sh"
    echo "avro_ref.sh: resolving Apache Avro $version with Maven into $libs (once)" >&2
    rm -rf "$libs.tmp"
    mvn -B -q -f "$module/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$libs.tmp" >&2 || die "Maven could not resolve Apache Avro $version"
    rm -rf "$libs"; mv "$libs.tmp" "$libs"; touch "$libs/.complete"
  fi
  local hash
  hash="$( (cd "$module" && find src -name '*.java' | sort | xargs sha256sum) | sha256sum | cut -c1-16)"
  classes="$cache_dir/classes-$hash"
  if [ ! -f "$classes/.complete" ]; then
    rm -rf "$classes.tmp"; mkdir -p "$classes.tmp"
    # shellcheck disable=SC2046
    javac -nowarn -encoding UTF-8 --release 17 -cp "$libs/*" -d "$classes.tmp" \
        $(find "$module/src/main/java" -name '*.java') >&2 || die "javac failed"
    rm -rf "$classes"; mv "$classes.tmp" "$classes"; touch "$classes/.complete"
  fi
  flock -u 9
}

cmd="${1:-}"
case "$cmd" in
  build) build; echo "$classes:$libs/*" ;;
  check)
    build
    exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -cp "$classes:$libs/*" kstreams.interop.AvroCompat ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
