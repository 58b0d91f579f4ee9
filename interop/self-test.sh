#!/usr/bin/env bash
# Proves the two halves of the harness agree with each other: starts
# server.mjs on a random loopback port, runs client.mjs against it on each
# QMux draft, probes the upgrade refusals, checks the server saw the client's
# close and reset, and that it exits when its stdin closes.
# Ends with "N passed, N failed" over every check; exits 0 only if none failed.
set -uo pipefail

cd "$(dirname "$0")"

# CI starts from a fresh clone, so install exactly what the lock file pins.
if [ ! -d node_modules/@moq/qmux ] || [ ! -d node_modules/ws ]; then
  npm ci --no-audit --no-fund >&2 || { echo "npm ci failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

NODE=(node --experimental-websocket)
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

work=$(mktemp -d)
server_pid=""

cleanup() {
  exec 3>&-
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The server stops when its stdin closes, so feed it from a FIFO that this
# script holds open on fd 3 for as long as the server should live.
mkfifo "$work/stdin"
"${NODE[@]}" server.mjs 0 <"$work/stdin" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
exec 3>"$work/stdin"

port=""
for _ in $(seq 1 100); do
  port=$(awk '/^LISTENING /{ print $2; exit }' "$work/server.out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  fail "server-start: no LISTENING line within 10 s"
  sed 's/^/  /' "$work/server.err"
  echo "$passed passed, $failed failed"
  exit 1
fi
pass "server-start (LISTENING $port)"
url="ws://127.0.0.1:$port/wt"

# Runs the client, echoes its check lines, and adds its tally to ours. A run
# that ends without a tally line counts as one failure.
run_client() {
  local label=$1
  shift
  local out="$work/client-$label.out"
  local started ended
  started=$(date +%s.%N)
  timeout 180 "${NODE[@]}" client.mjs "$url" "$@" >"$out" 2>"$work/client-$label.err"
  local rc=$?
  ended=$(date +%s.%N)
  echo "# client.mjs $url${*:+ $*} ($label): exit $rc in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s"
  grep -E '^(PASS|FAIL) ' "$out" | sed "s/^\(PASS\|FAIL\) /\1 $label\//"
  local tally
  tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  if [ -z "$tally" ]; then
    fail "$label: client printed no tally (exit $rc)"
    sed 's/^/  /' "$work/client-$label.err"
    return
  fi
  passed=$((passed + $(echo "$tally" | awk '{ print $1 }')))
  failed=$((failed + $(echo "$tally" | awk '{ print $3 }')))
  if [ "$rc" -ne 0 ]; then sed 's/^/  /' "$work/client-$label.err"; fi
}

run_client default
run_client qmux-01 echo --wire=qmux-01

# The client must see qmux-01 really negotiated when it pins that draft.
if grep -q '^PASS handshake-app .*via qmux-01\.echo' "$work/client-qmux-01.out"; then
  pass "pinned-draft (qmux-01.echo negotiated)"
else
  fail "pinned-draft: qmux-01.echo was not negotiated"
fi

# Upgrade negotiation seen from outside: our preference order wins, and an
# offer with nothing we speak is refused with 400 rather than accepted bare.
probe() {
  local name=$1 expected=$2
  shift 2
  local got
  got=$(node upgrade-probe.mjs "$url" "$@" 2>&1)
  if [ "$got" = "$expected" ]; then pass "$name ($got)"; else fail "$name: expected '$expected', got '$got'"; fi
}
probe upgrade-preference "STATUS 101 PROTOCOL qmux-01.echo" "webtransport, qmux-02, qmux-01.echo"
probe upgrade-bare "STATUS 101 PROTOCOL qmux-02" "qmux-01, qmux-02"
probe upgrade-unknown "STATUS 400 PROTOCOL -" "nope, qmux-02.other"
probe upgrade-no-header "STATUS 400 PROTOCOL -"

# What the server observed, from its log.
if grep -q 'closed by peer: code=4242 reason="bye"' "$work/server.err"; then
  pass "server-saw-close (APPLICATION_CLOSE 4242 \"bye\" arrived)"
else
  fail "server-saw-close: the server never logged the client's close 4242 \"bye\""
fi
if grep -q 'RESET_STREAM: 26' "$work/server.err"; then
  pass "server-saw-reset (RESET_STREAM code 26 arrived)"
else
  fail "server-saw-reset: the server never logged a reset with code 26"
fi

# Closing fd 3 closes the server's stdin; it should close up and exit 0.
exec 3>&-
for _ in $(seq 1 50); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
  fail "server-stdin-exit: still running 5 s after stdin closed"
else
  wait "$server_pid"
  rc=$?
  server_pid=""
  if [ "$rc" -eq 0 ]; then pass "server-stdin-exit (exit 0)"; else fail "server-stdin-exit: exit code $rc"; fi
fi

if [ "$failed" -ne 0 ]; then
  echo "# server log:"
  sed 's/^/  /' "$work/server.err"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
