#!/usr/bin/env bash
# Measures `./hookline up` the way issue 20 does: a backlog of events written straight to its
# Kafka, drained to one webhook on a local fast receiver (the bench's). Prints the drain rate and
# the CPU per delivery of the machine, of `up`'s JVM, of its PostgreSQL, of the receiver and of the
# writer of the backlog, and `other` (the machine less those: someone else's work).
#   bench/up-backlog/up-backlog.sh [events=60000] [passes=2] [class path dir]
# The first pass drains into a cold JVM (its JIT at work), the next ones into a warm one. `up` is
# started by ./hookline, as a user starts it (its JVM options, HOOKLINE_JAVA_OPTS; on JDK 25 its AOT
# cache: the first run of a build records it, HOOKLINE_AOT_CACHE=off runs without). The receiver
# and the writer run on the bench's class path: the class path dir holds hookline-bench.jar and
# lib/ (default bench/target, so build it first: `./mvnw -q -DskipTests package -pl bench -am`). Everything it starts is bounded by `timeout`
# and stopped on exit; the data dir is a temporary one, deleted after.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EVENTS="${1:-60000}"
PASSES="${2:-2}"
DIR="${3:-$ROOT/bench/target}"
TYPE=payment_received
# the JDK ./hookline itself would run `up` on (JAVA_HOME if it is a JDK >= 21, else the first found)
JAVA="$("$ROOT/hookline" java-home)/bin/java"
CP="$DIR/hookline-bench.jar:$DIR/lib/*"
DATA="$(mktemp -d /tmp/up-backlog.XXXXXX)"
BASE=$((20000 + RANDOM % 20000))
HTTP=$BASE KAFKA=$((BASE + 2)) DB=$((BASE + 4)) RECV=$((BASE + 5))
TOKEN="hl_upbacklog$RANDOM$RANDOM"
PIDS=()
cleanup() {
  exec 3>&- || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT

echo "up's JVM options: $("$ROOT/hookline" java-options up)"
# `up` through ./hookline itself: its JDK, its JVM options (and AOT cache), HOOKLINE_JAVA_OPTS
HOOKLINE_DATA_DIR="$DATA/up" HOOKLINE_HTTP_PORT=$HTTP HOOKLINE_EMBEDDED_KAFKA_PORT=$KAFKA \
  HOOKLINE_EMBEDDED_DB_PORT=$DB HOOKLINE_ADMIN_TOKEN=$TOKEN \
  timeout 900 "$ROOT/hookline" up >"$DATA/up.log" 2>&1 &
PIDS+=($!)
mkfifo "$DATA/receiver.in" # the receiver ends when its stdin closes: when this script ends
timeout 900 "$JAVA" -cp "$CP" dev.hookline.bench.ReceiverMain $RECV <"$DATA/receiver.in" >"$DATA/receiver.log" 2>&1 &
PIDS+=($!)
exec 3>"$DATA/receiver.in"
for _ in $(seq 180); do grep -q "Hookline is up" "$DATA/up.log" && break; sleep 1; done
grep -q "Hookline is up" "$DATA/up.log" || { echo "up did not start:"; tail -20 "$DATA/up.log"; exit 1; }
UP_PID=$(pgrep -P "${PIDS[0]}")
RECV_PID=$(pgrep -P "${PIDS[1]}")
PG_PID=$(head -1 "$DATA/up/postgres/postmaster.pid")

API="http://127.0.0.1:$HTTP/api/v1"
curl -sf -X POST "$API/webhooks" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"name\":\"backlog\",\"url\":\"http://127.0.0.1:$RECV/g/backlog\",\"events\":[\"$TYPE\"]}" >/dev/null
count() { curl -sf "http://127.0.0.1:$RECV/_bench/count?group=g" || echo 0; }
# probe events until the router has the route and the worker delivers (not measured)
for _ in $(seq 60); do
  [ "$(count)" -gt 0 ] && break
  "$JAVA" -cp "$CP" "$ROOT/bench/up-backlog/UpBacklog.java" 127.0.0.1:$KAFKA $TYPE 1 >/dev/null
  sleep 1
done
[ "$(count)" -gt 0 ] || { echo "the probe never arrived"; exit 1; }
sleep 3
PROBES=$(count)

ticks() { # CPU ticks of a process and its children's processes: pid...
  local t=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo $t
}
pg_ticks() { ticks "$PG_PID" $(pgrep -P "$PG_PID" | tr '\n' ' '); }
machine() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
HZ=$(getconf CLK_TCK)
report() { # start end machine up postgres receiver (ticks) writer (s)
  python3 - "$EVENTS" "$HZ" "$@" <<'PY'
import sys
n, hz, t0, t1 = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
m, u, p, r = (int(x) / hz for x in sys.argv[5:9])
w = float(sys.argv[9])
s = t1 - t0
other = m - u - p - r - w
print(f"  drained {n} deliveries in {s:.1f} s: {n / s:,.0f}/s")
print("  CPU us per delivery: " + ", ".join(
    f"{k} {v * 1e6 / n:,.0f} ({v / s:.2f} cores)" for k, v in
    [("machine", m), ("up-jvm", u), ("postgres", p), ("receiver", r), ("writer", w), ("other", other)]))
PY
}

for pass in $(seq "$PASSES"); do
  M0=$(machine) U0=$(ticks "$UP_PID") P0=$(pg_ticks) R0=$(ticks "$RECV_PID") T0=$(date +%s.%N)
  TIMEFORMAT='%U %S'
  { time "$JAVA" -cp "$CP" "$ROOT/bench/up-backlog/UpBacklog.java" 127.0.0.1:$KAFKA $TYPE "$EVENTS" >"$DATA/writer.log"; } 2>"$DATA/writer.time" &
  WRITER=$!
  want=$((PROBES + pass * EVENTS))
  while [ "$(count)" -lt "$want" ]; do
    if ! kill -0 "$WRITER" 2>/dev/null && [ "$(count)" -eq "${last:-x}" ] && [ $((SECONDS - since)) -gt 60 ]; then
      echo "stalled at $(count) of $want"; exit 1
    fi
    c=$(count); [ "$c" != "${last:-}" ] && { last=$c; since=$SECONDS; }
    sleep 0.2
  done
  T1=$(date +%s.%N) M1=$(machine) U1=$(ticks "$UP_PID") P1=$(pg_ticks) R1=$(ticks "$RECV_PID")
  wait $WRITER
  W=$(awk '{print $1 + $2}' "$DATA/writer.time")
  echo "pass $pass of $PASSES:"
  report "$T0" "$T1" $((M1 - M0)) $((U1 - U0)) $((P1 - P0)) $((R1 - R0)) "$W"
done
grep -c " WARN \| ERROR " "$DATA/up.log" | sed 's/^/warn+error log lines of up: /'
