#!/usr/bin/env bash
# Load test of GET /user-dashboard/{id}: 64 connections for a fixed time, five scenarios side by side:
#   (a) all healthy; (b) payment-service hanging, breakers on; (c) hanging, breakers off; (d) payment-service down;
#   (e) payment-service stalling mid-body, breakers on. Then the brownout at 32 connections: (f) a minute healthy, then
#   (g) payment-service slowed to 1.5 s, under its 2.5 s attempt timeout (the slow-call rule), with the time its breaker
#   took to open, whether it stayed open, and the time it took to close after recovery. Then the concurrency limit
#   (MaxConcurrentCalls 8 on payment-service) against none: 64 clients, healthy and with payment-service hanging.
#   Writes the tables to Tests/artifacts/load.md.
#
# It runs the four projects directly (Release builds, fixed loopback ports 3100-3103), not through the AppHost:
# the script must control each process's environment (CircuitBreaker__Enabled=false for (c)) and stop exactly what
# it started, and the numbers should be the gateway's, without the AppHost's endpoint proxies or the dashboard
# sharing the two cores. Loopback only; bounded in time; everything it starts is stopped on exit.
#
#   scripts/load.sh                 # 20 s per scenario
#   LOAD_DURATION=10 scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${LOAD_DURATION:-20}"
CONNECTIONS=64
THREADS=2
WARMUP=3
ADMIN_KEY="load-test-$$"
BASE_PORT=3100


source scripts/processes.sh
need_wrk

echo "Building (Release)..."
dotnet build CircuitDemo.sln -c Release -nologo -v q -clp:ErrorsOnly >/dev/null


start_gateway() { # [extra env...]
  start Gateway $BASE_PORT \
    services__user-service__http__0="http://127.0.0.1:$((BASE_PORT + 1))" \
    services__order-service__http__0="http://127.0.0.1:$((BASE_PORT + 2))" \
    services__payment-service__http__0="http://127.0.0.1:$((BASE_PORT + 3))" "$@"
}

payment_mode() {
  curl -sf -X PUT "http://127.0.0.1:$((BASE_PORT + 3))/failure-mode" -H "X-Admin-Key: $ADMIN_KEY" \
    -H 'Content-Type: application/json' -d "$1" >/dev/null
}

ROWS=()
measure() { # label
  local url="http://127.0.0.1:$BASE_PORT/user-dashboard/42" out
  wrk -t$THREADS -c$CONNECTIONS -d${WARMUP}s --timeout 10s "$url" >/dev/null
  out=$(wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s --latency "$url")
  local rps p50 p99 non200 timeouts
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non200=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out"); non200=${non200:-0}
  timeouts=$(sed -n 's/.*timeout \([0-9]*\).*/\1/p' <<<"$out"); timeouts=${timeouts:-0}
  ROWS+=("$(printf '| %-44s | %9s | %8s | %8s | %7s | %8s |' "$1" "$rps" "$p50" "$p99" "$non200" "$timeouts")")
  LAST_RPS=$rps; LAST_P99=$p99
  echo "  $1: $rps rps, p50 $p50, p99 $p99, non-200 $non200, timeouts $timeouts"
}

echo "Starting the services on 127.0.0.1:$BASE_PORT-$((BASE_PORT + 3))..."
start UserService $((BASE_PORT + 1))
start OrderService $((BASE_PORT + 2))
start PaymentService $((BASE_PORT + 3))
start_gateway
GATEWAY_PID=${PIDS[-1]}
curl -sf "http://127.0.0.1:$BASE_PORT/circuit-breakers" | grep -q '"payment-service"' \
  || { echo "The gateway did not load its breaker configuration."; exit 1; }

echo "Measuring ($DURATION s each, $CONNECTIONS connections)..."
measure "(a) all healthy"
payment_mode '{"mode":"hang"}'
measure "(b) payment-service hang, breakers on"

kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; unset 'PIDS[-1]'
start_gateway CircuitBreaker__Enabled=false
GATEWAY_PID=${PIDS[-1]}
measure "(c) payment-service hang, breakers off"

kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; unset 'PIDS[-1]'
start_gateway
payment_mode '{"mode":"down"}'
measure "(d) payment-service down, breakers on"
payment_mode '{"mode":"stall"}'
measure "(e) payment-service stalls mid-body, breakers on"

# --- The brownout: the slow-call rule, with the shipped configuration (payment-service 1.25 s of a 2.5 s timeout). ---
BROWNOUT_CONNECTIONS=32
breaker() { # a field of payment-service's read breaker in /circuit-breakers ("closes": how many times it has closed)
  curl -sf "http://127.0.0.1:$BASE_PORT/circuit-breakers" | python3 -c '
import json, sys
b = next(b for b in json.load(sys.stdin)["breakers"] if b["name"] == "payment-service")
field = sys.argv[1]
print(sum(1 for c in b["stateChanges"] if c["to"] == "Closed") if field == "closes" else b[field])' "$1"
}
seconds_until() { # state: polls payment-service's breaker every 0.1 s; prints the seconds it took (at most 60)
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 600); do [ "$(breaker state)" = "$1" ] && break; sleep 0.1; done
  [ "$(breaker state)" = "$1" ] || { echo "payment-service's breaker never read $1" >&2; exit 1; }
  python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.1f}")' "$start" "$(date +%s.%N)"
}
restart_gateway() { # [extra env...]
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
  start_gateway "$@"
}

payment_mode '{"mode":"none"}'
restart_gateway
CONNECTIONS=$BROWNOUT_CONNECTIONS
SAVED_DURATION=$DURATION; DURATION=$(( DURATION > 60 ? DURATION : 60 ))
echo "Brownout ($BROWNOUT_CONNECTIONS connections), $DURATION s healthy first..."
measure "(f) all healthy, for a minute"
HEALTHY_DURATION=$DURATION; DURATION=$SAVED_DURATION
HEALTHY_RPS=$LAST_RPS; HEALTHY_P99=$LAST_P99

# Right after the minute of healthy load: slow payment-service down while the load goes on, and time the opening.
wrk -t$THREADS -c$CONNECTIONS -d20s --timeout 10s "http://127.0.0.1:$BASE_PORT/user-dashboard/42" >/dev/null &
LOADER=$!
payment_mode '{"mode":"slow","delayMs":1500}'
TIME_TO_OPEN=$(seconds_until Open)
CLOSES_BEFORE=$(breaker closes)
wait "$LOADER" 2>/dev/null || true
measure "(g) payment-service slowed to 1.5 s, breakers on"
CLOSES_WHILE_SLOW=$(( $(breaker closes) - CLOSES_BEFORE ))
SLOW_CALLS="$(breaker slowCalls) of $(breaker slowCallWindowCalls)"
RATIOS=$(python3 -c '
import re, sys
def ms(v):
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", v).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
h_rps, h_p99, g_rps, g_p99 = sys.argv[1:]
print(f"{float(g_rps) / float(h_rps):.2f}x the throughput, p99 {ms(g_p99) / ms(h_p99):.2f}x")' "$HEALTHY_RPS" "$HEALTHY_P99" "$LAST_RPS" "$LAST_P99")

wrk -t$THREADS -c4 -d60s --timeout 10s "http://127.0.0.1:$BASE_PORT/user-dashboard/42" >/dev/null &
LOADER=$!
[ "$(breaker state)" = "Open" ] || seconds_until Open >/dev/null
payment_mode '{"mode":"none"}'
TIME_TO_CLOSE=$(seconds_until Closed)
kill "$LOADER" 2>/dev/null; wait "$LOADER" 2>/dev/null || true
CONNECTIONS=64

# --- The concurrency limit: 64 clients, each sending its next request once the last is answered. ---
LIMIT_DURATION=20
LIMIT_ROWS=()
clients() { # label: every answer as "seconds status payments-source", summed up into a row
  local until=$(( $(date +%s) + LIMIT_DURATION )) clients=()
  for c in $(seq 1 64); do
    ( while [ "$(date +%s)" -lt "$until" ]; do
        curl -s -o "$LOGS/body.$c" -w '%{time_total} %{http_code} ' --max-time 10 "http://127.0.0.1:$BASE_PORT/user-dashboard/42" >>"$LOGS/line.$c"
        # The body's sources (its last line has no newline, which sed would keep).
        printf '%s\n' "$(sed -n 's/.*"payments":"\([^"]*\)".*/\1/p' "$LOGS/body.$c")" >>"$LOGS/line.$c"
      done ) &
    clients+=($!)
  done
  wait "${clients[@]}" # not a bare wait: the services are children too
  cat "$LOGS"/line.* >"$LOGS/clients.txt"; rm -f "$LOGS"/line.* "$LOGS"/body.*
  LIMIT_ROWS+=("$(python3 -c '
import collections, sys
rows = [l.split() for l in open(sys.argv[2]) if l.strip()]
waited = sum(1 for r in rows if float(r[0]) >= 2)
non200 = sum(1 for r in rows if r[1] != "200")
sources = collections.Counter(r[2] if len(r) > 2 else "-" for r in rows)
print(f"| {sys.argv[1]} | {len(rows)} | {waited} | {non200} | " + ", ".join(f"{s} {n}" for s, n in sources.most_common()) + " |")' "$1" "$LOGS/clients.txt")")
  echo "  ${LIMIT_ROWS[-1]}"
}
echo "Concurrency limit (64 clients, $LIMIT_DURATION s each)..."
for limit in off 8; do
  if [ "$limit" = off ]; then restart_gateway; else restart_gateway CircuitBreaker__Services__payment-service__MaxConcurrentCalls=$limit; fi
  payment_mode '{"mode":"none"}'
  clients "healthy, MaxConcurrentCalls $limit"
  payment_mode '{"mode":"hang"}'
  clients "payment-service hangs, MaxConcurrentCalls $limit"
done
payment_mode '{"mode":"none"}'

mkdir -p Tests/artifacts
{
  echo "GET /user-dashboard/42, $CONNECTIONS connections ((f) and (g): $BROWNOUT_CONNECTIONS), $DURATION s per scenario ((f): $HEALTHY_DURATION s), $(nproc) cores (\`LOAD_DURATION=$DURATION scripts/load.sh\`):"
  echo
  echo "| scenario                                     |       rps |      p50 |      p99 | non-200 | timeouts |"
  echo "|----------------------------------------------|----------:|---------:|---------:|--------:|---------:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "The brownout, (g) right after (f) with the load going on: payment-service's breaker opened **$TIME_TO_OPEN s** after the"
  echo "slowdown, closed $CLOSES_WHILE_SLOW times while the service stayed slow (its window then read $SLOW_CALLS slow calls), and"
  echo "closed **$TIME_TO_CLOSE s** after recovery (open duration 8 s). (g) against (f): **$RATIOS**."
  echo
  echo "The concurrency limit: 64 clients, each sending its next request once the last is answered, $LIMIT_DURATION s per row."
  echo
  echo "| clients against | answers | waited 2 s or more | non-200 | payments section |"
  echo "|---|---:|---:|---:|---|"
  printf '%s\n' "${LIMIT_ROWS[@]}"
} | tee Tests/artifacts/load.md

# One bad instance of three (its own processes and ports; the Release build is already done).
stop_all
LOAD_SKIP_BUILD=1 bash scripts/load-instances.sh
