#!/usr/bin/env bash
# A local Apache Kafka cluster (KRaft, combined controller+broker nodes) on
# loopback, for the real-Kafka test tier, the examples' --kafka flag and the
# benchmarks.
#
#   bash scripts/kafka.sh start [--brokers 1|3] [--dir D]   # prints the bootstrap list
#   bash scripts/kafka.sh bootstrap [--dir D]               # prints it again
#   bash scripts/kafka.sh status [--dir D]                  # one line per node; exit 1 if one is down
#   bash scripts/kafka.sh stop [--dir D]                    # stops the nodes this script started
#   bash scripts/kafka.sh kill-node I [--dir D]             # SIGKILL node I (1..N), for failure tests
#   bash scripts/kafka.sh start-node I [--dir D]            # restarts node I, waits until it serves
#
# D defaults to $KSTREAMS_KAFKA_DIR, else /tmp/kstreams-kafka. It holds the
# nodes' configs, data, logs (node-I/server.log), pid files and the file
# `bootstrap` (host:port,...). `start` on a D whose cluster still runs fails;
# `stop` only signals the pids recorded in D.
#
# The first `start` installs Java and Maven when missing (install_deps.sh) and
# resolves the pinned broker jars (scripts/kafka/pom.xml) with Maven into
# $KSTREAMS_CACHE_DIR (default ~/.cache/kstreams)/kafka-<version>/libs; later
# starts are offline.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
kafka_version="$(sed -n 's#.*<kafka.version>\(.*\)</kafka.version>.*#\1#p' "$repo/scripts/kafka/pom.xml")"
cache_dir="${KSTREAMS_CACHE_DIR:-$HOME/.cache/kstreams}/kafka-$kafka_version"
libs="$cache_dir/libs"
heap="${KSTREAMS_KAFKA_HEAP:--Xmx512m}"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

cmd="${1:-}"; [ -n "$cmd" ] || usage; shift
node_arg=""
case "$cmd" in kill-node|start-node) node_arg="${1:-}"; [ -n "$node_arg" ] || usage; shift ;; esac
brokers=1
dir="${KSTREAMS_KAFKA_DIR:-/tmp/kstreams-kafka}"
while (($#)); do
  case "$1" in
    --brokers) brokers="${2:?--brokers needs a value}"; shift 2 ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    *) echo "kafka.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
case "$brokers" in 1|2|3|4|5) ;; *) die "--brokers must be 1..5, got '$brokers'" ;; esac

ensure_jars() {
  [ -f "$libs/.complete" ] && return 0
  command -v java >/dev/null && command -v mvn >/dev/null || bash "$repo/scripts/install_deps.sh" >&2
  echo "kafka.sh: resolving Apache Kafka $kafka_version with Maven into $libs (once)" >&2
  rm -rf "$libs.tmp"
  mvn -B -q -f "$repo/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs.tmp" >&2 || die "Maven could not resolve Kafka $kafka_version"
  rm -rf "$libs"; mv "$libs.tmp" "$libs"; touch "$libs/.complete"
}

free_ports() {  # prints $1 free loopback TCP ports
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

java_cmd=(java "$heap" -Xms64m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true
  -Dorg.slf4j.simpleLogger.log.kafka.coordinator=warn -Dorg.slf4j.simpleLogger.log.state.change.logger=warn
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka.storage.internals.log=warn
  -Dorg.slf4j.simpleLogger.log.kafka.log=warn -cp "$libs/*")

launch_node() {  # $1 = node id; starts it in the background and records its pid
  local n="$1" nd="$dir/node-$1"
  # setsid: the node survives the shell (and a ctest fixture) that started it.
  setsid "${java_cmd[@]}" kafka.Kafka "$nd/server.properties" >>"$nd/server.log" 2>&1 < /dev/null &
  echo $! > "$nd/pid"
}

wait_ready() {  # $1 = timeout in s, then node ids: each must answer metadata itself
  local timeout="$1"; shift
  local n; n="$(cat "$dir/brokers")"
  local deadline=$((SECONDS + timeout))
  for i in "$@"; do
    local nd="$dir/node-$i" addr
    addr="$(sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$nd/server.properties")"
    until kcat -b "$addr" -L -m 3 2>/dev/null | grep -q "(from broker $i: .*" &&
          kcat -b "$addr" -L -m 3 2>/dev/null | grep -q "^ $n brokers:"; do
      alive "$nd/pid" || { tail -30 "$nd/server.log" >&2; die "node $i exited (log: $nd/server.log)"; }
      ((SECONDS < deadline)) || die "node $i did not answer within $timeout s (log: $nd/server.log)"
      sleep 0.3
    done
  done
}

start() {
  if [ -f "$dir/bootstrap" ]; then
    for pidf in "$dir"/node-*/pid; do
      alive "$pidf" && die "a cluster started from $dir still runs (bash scripts/kafka.sh stop --dir $dir)"
    done
  fi
  command -v kcat >/dev/null || bash "$repo/scripts/install_deps.sh" >&2
  ensure_jars
  rm -rf "$dir"; mkdir -p "$dir"
  local ports; read -r -a ports <<<"$(free_ports $((2 * brokers)))"
  local rf=$((brokers < 3 ? brokers : 3)) isr=$((brokers < 2 ? 1 : 2))
  local voters="" bootstrap=""
  for ((i = 1; i <= brokers; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:${ports[$((2 * i - 1))]}"
    bootstrap+="${bootstrap:+,}127.0.0.1:${ports[$((2 * i - 2))]}"
  done
  local cluster_id
  # Never starting with '-' (the format tool would read it as an option; Java's
  # Uuid.randomUuid() skips such ids for the same reason).
  cluster_id="$(python3 -c 'import base64,uuid
while True:
    u = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not u.startswith("-"): break
print(u)')"
  for ((i = 1; i <= brokers; i++)); do
    local nd="$dir/node-$i"; mkdir -p "$nd"
    cat > "$nd/server.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${ports[$((2 * i - 2))]},CONTROLLER://127.0.0.1:${ports[$((2 * i - 1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${ports[$((2 * i - 2))]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$nd/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
# Test settings: groups form at once; internal topics replicated min(3, N).
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
# Streams groups (KIP-1071; the feature streams.version=1 is set at format
# below): the first assignment at once, heartbeats every 500 ms, sessions a
# group may lower to 1 s (the default stays 45 s).
group.streams.initial.rebalance.delay.ms=0
group.streams.min.heartbeat.interval.ms=100
group.streams.heartbeat.interval.ms=500
group.streams.min.session.timeout.ms=1000
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
# Compaction that a test can see: small segments, low dirty ratio, short backoff.
log.cleaner.enable=true
log.segment.bytes=1048576
log.cleaner.min.cleanable.ratio=0.01
log.cleaner.backoff.ms=500
log.cleaner.min.compaction.lag.ms=0
log.cleaner.dedupe.buffer.size=16777216
log.cleaner.threads=1
# Retention is enforced every second, not at a random point every 5 minutes:
# records older than their topic's retention.ms (tests stamp theirs near
# 1970) go at once, so a test that forgets retention fails every time.
log.retention.check.interval.ms=1000
log.initial.task.delay.ms=0
# A dead replica leaves the ISR after 5 s (acks=all writes wait that long).
replica.lag.time.max.ms=5000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.flush.interval.messages=9223372036854775807
EOF
    # streams.version=1 enables the streams group RPCs (StreamsGroupHeartbeat,
    # StreamsGroupDescribe); Kafka 4.4's format sets it by default already,
    # named here so the test tier does not depend on that default.
    "${java_cmd[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$nd/server.properties" \
        --feature streams.version=1 --ignore-formatted >"$nd/format.log" 2>&1 &  # the nodes format in parallel
  done
  wait || true
  for ((i = 1; i <= brokers; i++)); do
    grep -q "^Formatting" "$dir/node-$i/format.log" || { cat "$dir/node-$i/format.log" >&2; die "formatting node $i failed"; }
  done
  echo "$bootstrap" > "$dir/bootstrap"
  echo "$brokers" > "$dir/brokers"
  for ((i = 1; i <= brokers; i++)); do launch_node "$i"; done
  wait_ready 120 $(seq 1 "$brokers")
  echo "$bootstrap"
}

stop_pid() {  # $1 = pid file; TERM, then KILL after 30 s
  local pidf="$1" pid
  alive "$pidf" || { rm -f "$pidf"; return 0; }
  pid="$(cat "$pidf")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidf"
}

stop() {
  [ -d "$dir" ] || return 0
  local pids=()
  for pidf in "$dir"/node-*/pid; do [ -f "$pidf" ] && pids+=("$pidf"); done
  # In parallel: a controlled shutdown of the last nodes waits for the quorum.
  for pidf in "${pids[@]}"; do stop_pid "$pidf" & done
  wait
}

status() {
  [ -f "$dir/bootstrap" ] || die "no cluster in $dir"
  local down=0
  for nd in "$dir"/node-*; do
    if alive "$nd/pid"; then echo "$(basename "$nd") up pid $(cat "$nd/pid")"
    else echo "$(basename "$nd") down"; down=1; fi
  done
  echo "bootstrap $(cat "$dir/bootstrap")"
  return $down
}

node_dir() {
  local nd="$dir/node-$node_arg"
  [ -f "$nd/server.properties" ] || die "no node $node_arg in $dir"
  echo "$nd"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  bootstrap) [ -f "$dir/bootstrap" ] || die "no cluster in $dir"; cat "$dir/bootstrap" ;;
  kill-node)
    nd="$(node_dir)"
    alive "$nd/pid" || die "node $node_arg is not running"
    kill -KILL "$(cat "$nd/pid")"; rm -f "$nd/pid" ;;
  start-node)
    nd="$(node_dir)"
    alive "$nd/pid" && die "node $node_arg already runs"
    ensure_jars; launch_node "$node_arg"; wait_ready 120 "$node_arg" ;;
  *) usage ;;
esac
