#!/usr/bin/env bash
# kstreams-sql's prompt, used as a new user would: started in a tmux session
# (on its own embedded broker), statements typed key by key (one of them over
# two lines), the screen read back with capture-pane and its tables checked
# line by line: CREATE STREAM, INSERT INTO ... VALUES, SHOW STREAMS, SET,
# a push query with LIMIT, a syntax error with its line and column, exit.
#
#   repl_tmux_test.sh path/to/kstreams-sql
set -euo pipefail
bin=${1:?usage: repl_tmux_test.sh path/to/kstreams-sql}
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/install_deps.sh)"; exit 1; }

socket="kstreams-sql-test-$$"
session=repl
work=$(mktemp -d)
tmux_() { tmux -L "$socket" "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

tmux_ -f /dev/null new-session -d -s "$session" -x 200 -y 80 "'$bin' --state-dir '$work/state'"
tmux_ set-option -t "$session" remain-on-exit on >/dev/null

screen() { tmux_ capture-pane -p -t "$session" -S -2000; }
fail() {
  echo "FAIL: $*"
  echo "---- screen ----"
  screen
  exit 1
}
# Waits (up to $2 s, default 20) until the screen shows the fixed string $1
# (capture-pane drops trailing blanks: "ksql>", not "ksql> ")
# at least $3 times (default 1).
wait_for() {
  local text=$1 timeout=${2:-20} times=${3:-1} waited=0
  while (( $(screen | grep -cF -- "$text" || true) < times )); do
    sleep 0.2
    waited=$((waited + 1))
    (( waited < timeout * 5 )) || fail "no '$text' (x$times) after ${timeout}s"
  done
}
# Types $1 and Enter. tmux reads an argument ending in ';' as a command
# separator, so a final ';' goes as its own key, escaped.
type_line() {
  local text=$1
  if [[ $text == *";" ]]; then
    tmux_ send-keys -t "$session" -l -- "${text%;}"
    tmux_ send-keys -t "$session" '\;'
  else
    tmux_ send-keys -t "$session" -l -- "$text"
  fi
  tmux_ send-keys -t "$session" Enter
}
expect_line() {
  screen | grep -qxF -- "$1" || fail "no line '$1'"
}

wait_for "ksql>"

type_line "CREATE STREAM clicks (user STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);"
wait_for " Stream created"

type_line "INSERT INTO clicks (user, page) VALUES ('alice', 'home');"
type_line "INSERT INTO clicks (user, page) VALUES ('bob', 'x');"
type_line "INSERT INTO clicks (user, page) VALUES ('carol', 'cart');"
wait_for " Inserted 1 row" 20 3

type_line "SHOW STREAMS;"
wait_for "| Stream Name |"
expect_line "| Stream Name | Kafka Topic | Key Format | Value Format | Windowed |"
expect_line "| CLICKS      | clicks      | KAFKA      | JSON         | false    |"

type_line "SET 'auto.offset.reset'='earliest';"
wait_for "Successfully changed local property 'auto.offset.reset' to 'earliest'."

# A push query typed over two lines: the prompt continues until the ';'.
type_line "SELECT user, UCASE(page) AS page"
wait_for "   ->"
type_line "  FROM clicks WHERE page <> 'x' EMIT CHANGES LIMIT 2;"
wait_for "Limit Reached" 30
wait_for "Query terminated"
expect_line "| USER         | PAGE         |"
expect_line "| alice        | HOME         |"
expect_line "| carol        | CART         |"
screen | grep -qF "| bob" && fail "the WHERE clause let bob's click through"

type_line "SELECT * FROM clicks WHERE;"
wait_for "Error: line 1:27: expected an expression, found ';'"

type_line "exit;"
# The program ends: its pane dies (remain-on-exit keeps it to be read).
waited=0
until [[ $(tmux_ display-message -p -t "$session" '#{pane_dead}') == 1 ]]; do
  sleep 0.2
  waited=$((waited + 1))
  (( waited < 150 )) || fail "kstreams-sql still runs 30 s after exit;"
done
echo "PASS: kstreams-sql prompt in tmux"
