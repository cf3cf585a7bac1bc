# Sourced by scripts/java_ref.sh and scripts/avro_ref.sh: builds one of the
# Java reference modules under interop/ outside the CMake build.
#
#   java_module_build NAME MODULE_DIR CACHE_DIR
#
# The first build installs Java and Maven when missing (install_deps.sh) and
# resolves the module's pinned jars (MODULE_DIR/pom.xml) with Maven into
# CACHE_DIR/libs; later builds are offline. The sources are compiled with
# javac into CACHE_DIR/classes-<hash of the sources>, so a changed source
# recompiles and an unchanged one does not. Concurrent callers wait for each
# other (flock). Sets `libs` and `classes`; NAME prefixes the messages.
java_module_build() {
  local name="$1" module="$2" cache_dir="$3"
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  libs="$cache_dir/libs"
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/.lock"
  flock 9
  if [ ! -f "$libs/.complete" ]; then
    command -v javac >/dev/null && command -v mvn >/dev/null || bash "$repo/scripts/install_deps.sh" >&2
    command -v javac >/dev/null || { echo "$name: no javac (a JDK) after install_deps.sh" >&2; exit 1; }
    echo "$name: resolving $(basename "$module")'s jars with Maven into $libs (once)" >&2
    rm -rf "$libs.tmp"
    mvn -B -q -f "$module/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$libs.tmp" >&2 || { echo "$name: Maven could not resolve $module/pom.xml" >&2; exit 1; }
    rm -rf "$libs"; mv "$libs.tmp" "$libs"; touch "$libs/.complete"
  fi
  local hash
  hash="$( (cd "$module" && find src -name '*.java' | sort | xargs sha256sum) | sha256sum | cut -c1-16)"
  classes="$cache_dir/classes-$hash"
  if [ ! -f "$classes/.complete" ]; then
    rm -rf "$classes.tmp"; mkdir -p "$classes.tmp"
    # shellcheck disable=SC2046
    javac -nowarn -encoding UTF-8 --release 17 -cp "$libs/*" -d "$classes.tmp" \
        $(find "$module/src/main/java" -name '*.java') >&2 || { echo "$name: javac failed" >&2; exit 1; }
    rm -rf "$classes"; mv "$classes.tmp" "$classes"; touch "$classes/.complete"
  fi
  flock -u 9
}
