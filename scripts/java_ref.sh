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
# shellcheck source=scripts/java_module.sh
source "$repo/scripts/java_module.sh"
build() { java_module_build java_ref.sh "$module" "$cache_dir"; }

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
    [ $# -ge 2 ] || { echo "java_ref.sh: run: which class?" >&2; exit 2; }
    build
    shift
    exec java -Xss4m -cp "$classes:$libs/*" "$@" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
