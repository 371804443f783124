#!/usr/bin/env bash
# Load test of GET /user-dashboard/{id}: 64 connections for a fixed time, five scenarios side by side:
#   (a) all healthy; (b) payment-service hanging, breakers on; (c) hanging, breakers off; (d) payment-service down;
#   (e) payment-service stalling mid-body, breakers on. Writes the table to Tests/artifacts/load.md.
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

command -v wrk >/dev/null || { echo "Installing wrk (Debian package)..."; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

source scripts/processes.sh

echo "Building (Release)..."
dotnet build CircuitDemo.sln -c Release -nologo -v q -clp:ErrorsOnly >/dev/null

start() { # name port [extra env...]
  local name=$1 port=$2; shift 2
  local dir="$PWD/$name/bin/Release/net10.0"
  # --contentRoot: the project's own appsettings.json (the gateway's holds the breaker settings), whatever the cwd.
  env ASPNETCORE_ENVIRONMENT=Production Admin__Key="$ADMIN_KEY" Logging__LogLevel__Default=Warning "$@" \
    dotnet "$dir/$name.dll" --contentRoot "$dir" --urls "http://127.0.0.1:$port" >"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/alive" >/dev/null && return 0; sleep 0.2; done
  echo "$name did not start; its log:"; cat "$LOGS/$name.log"; exit 1
}

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

mkdir -p Tests/artifacts
{
  echo "GET /user-dashboard/42, $CONNECTIONS connections, $DURATION s per scenario, $(nproc) cores (\`LOAD_DURATION=$DURATION scripts/load.sh\`):"
  echo
  echo "| scenario                                     |       rps |      p50 |      p99 | non-200 | timeouts |"
  echo "|----------------------------------------------|----------:|---------:|---------:|--------:|---------:|"
  printf '%s\n' "${ROWS[@]}"
} | tee Tests/artifacts/load.md
