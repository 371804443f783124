#!/usr/bin/env bash
# This gateway against an earlier commit's, side by side in one run: both built in Release, the same three stubs (this
# commit's) behind each, GET /user-dashboard/42 with 32 connections, all healthy, 15 s per row after 3 s of warm-up, the
# two gateways taking turns for three rounds so that the machine's drift falls on both. Writes
# Tests/artifacts/load-compare.md. Loopback ports 3300-3303; stops exactly what it started.
#
#   scripts/load-compare.sh cb474d8      # the commit before the attempt was rebuilt in one place
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="${1:?usage: scripts/load-compare.sh COMMIT}"
DURATION="${LOAD_COMPARE_DURATION:-15}"
ROUNDS=3
ADMIN_KEY="load-compare-$$"
BASE_PORT=3300

source scripts/processes.sh
need_wrk

echo "Building this commit and $BEFORE (Release)..."
checkout_before "$BEFORE"
dotnet build "$OLD/Gateway/Gateway.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null

start UserService $((BASE_PORT + 1))
start OrderService $((BASE_PORT + 2))
start PaymentService $((BASE_PORT + 3))

gateway() { # folder: starts that checkout's gateway on BASE_PORT
  local dir="$1/Gateway/bin/Release/net10.0"
  env ASPNETCORE_ENVIRONMENT=Production Admin__Key="$ADMIN_KEY" Logging__LogLevel__Default=Warning \
    services__user-service__http__0="http://127.0.0.1:$((BASE_PORT + 1))" \
    services__order-service__http__0="http://127.0.0.1:$((BASE_PORT + 2))" \
    services__payment-service__http__0="http://127.0.0.1:$((BASE_PORT + 3))" \
    dotnet "$dir/Gateway.dll" --contentRoot "$dir" --urls "http://127.0.0.1:$BASE_PORT" >"$LOGS/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$BASE_PORT/alive" >/dev/null && return 0; sleep 0.2; done
  echo "the gateway of $1 did not start"; cat "$LOGS/gateway.log"; exit 1
}

ROWS=()
declare -A RPS_SUM=() P99_SUM=()
for round in $(seq 1 $ROUNDS); do
  for which in before this; do
    [ "$which" = before ] && gateway "$OLD" || gateway "$PWD"
    url="http://127.0.0.1:$BASE_PORT/user-dashboard/42"
    wrk -t2 -c32 -d3s --timeout 10s "$url" >/dev/null
    out=$(wrk -t2 -c32 -d${DURATION}s --timeout 10s --latency "$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    p99ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }')
    label=$([ "$which" = before ] && echo "$BEFORE" || echo "$(git rev-parse --short HEAD) (this)")
    ROWS+=("| $round | $label | $rps | $p99 |")
    echo "  round $round, $label: $rps rps, p99 $p99"
    RPS_SUM[$which]=$(awk -v a="${RPS_SUM[$which]:-0}" -v b="$rps" 'BEGIN { print a + b }')
    P99_SUM[$which]=$(awk -v a="${P99_SUM[$which]:-0}" -v b="$p99ms" 'BEGIN { print a + b }')
    kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true
  done
done

mkdir -p Tests/artifacts
{
  echo "This gateway against $BEFORE's, all healthy, 32 connections on \`/user-dashboard/42\`, $DURATION s per row, taking turns ($(nproc) cores, \`scripts/load-compare.sh $BEFORE\`):"
  echo
  echo "| round | gateway | requests/s | p99 |"
  echo "|---:|---|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Over the $ROUNDS rounds, this one against $BEFORE: **$(awk -v a="${RPS_SUM[this]}" -v b="${RPS_SUM[before]}" 'BEGIN { printf "%.2fx", a / b }') the requests/s**, **$(awk -v a="${P99_SUM[this]}" -v b="${P99_SUM[before]}" 'BEGIN { printf "%.2fx", a / b }') the p99**."
} > Tests/artifacts/load-compare.md
echo; cat Tests/artifacts/load-compare.md
