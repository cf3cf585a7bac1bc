#!/usr/bin/env bash
# Java Kafka Streams, the reference implementation (interop/java/), for the
# differential tests and the Java twins of the interop tests.
#
#   bash scripts/java_ref.sh build         # resolves and compiles; prints the classpath
#   bash scripts/java_ref.sh diff < cases  # runs kstreams.interop.DiffRunner on stdin
#   bash scripts/java_ref.sh run CLASS ARGS  # runs a twin, e.g. kstreams.interop.WordCount
#
# The first build installs Java and Maven when missing (install_deps.sh) and
# resolves the pinned jars (interop/java/pom.xml) with Maven into
# $KSTREAMS_CACHE_DIR (default ~/.cache/kstreams)/java-ref-<version>/libs;
# later builds are offline. The classes are compiled with javac into
# .../classes-<hash of the sources>, so a changed source recompiles and an
# unchanged one does not. Concurrent callers wait for each other (flock).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
module="$repo/interop/java"
version="$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$module/pom.xml")"
cache_dir="${KSTREAMS_CACHE_DIR:-$HOME/.cache/kstreams}/java-ref-$version"
libs="$cache_dir/libs"

die() { echo "java_ref.sh: $*" >&2; exit 1; }

build() {
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/.lock"
  flock 9
  if [ ! -f "$libs/.complete" ]; then
    command -v javac >/dev/null && command -v mvn >/dev/null || bash "$repo/scripts/install_deps.sh" >&2
    command -v javac >/dev/null || die "no javac (a JDK) after install_deps.sh"
    echo "java_ref.sh: resolving Kafka Streams $version with Maven into $libs (once)" >&2
    rm -rf "$libs.tmp"
    mvn -B -q -f "$module/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$libs.tmp" >&2 || die "Maven could not resolve Kafka Streams $version"
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
  diff)
    build
    # RocksDB's syncs on a disk cost ~0.15 s per driver; tmpfs makes them free.
    tmp=()
    [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=(-Djava.io.tmpdir=/dev/shm)
    exec java "${tmp[@]}" -Xss4m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
        -cp "$classes:$libs/*" kstreams.interop.DiffRunner ;;
  run)
    [ $# -ge 2 ] || die "run: which class?"
    build
    shift
    exec java -Xss4m -cp "$classes:$libs/*" "$@" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
