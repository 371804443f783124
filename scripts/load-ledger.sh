#!/usr/bin/env bash
# The shared ledger under load, side by side in one run with an earlier commit whose instances kept their payments in
# memory (each its own ledger, a user's payments routed to one owner): three PaymentService processes behind the
# gateway, user- and order-service beside them, Release builds, 32 connections, the two systems taking turns for two
# rounds so that the machine's drift falls on both:
#   - writes: POST /payments/user/{one of 200 users}, a fresh Idempotency-Key each (scripts/payments.lua);
#   - reads: GET /user-dashboard/42.
# Then, this commit only, one instance of three hung, answering 500, or down while the writes run: the share of writes
# answered 201 or 200. Writes Tests/artifacts/ledger-load.md. Loopback ports 3400-3423; stops exactly what it started.
#
#   scripts/load-ledger.sh 2d0725d        # the last commit with the in-memory ledgers
#   LOAD_LEDGER_DURATION=15 scripts/load-ledger.sh 2d0725d
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="${1:?usage: scripts/load-ledger.sh COMMIT}"
DURATION="${LOAD_LEDGER_DURATION:-10}"
ROUNDS=2
ADMIN_KEY="load-ledger-$$"
BASE_PORT=3400
PAYMENT_PORTS=($((BASE_PORT + 3)) $((BASE_PORT + 13)) $((BASE_PORT + 23)))

source scripts/processes.sh
need_wrk

echo "Building this commit and $BEFORE (Release)..."
checkout_before "$BEFORE"
for project in Gateway UserService OrderService PaymentService; do
  dotnet build "$OLD/$project/$project.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
done

system() { # checkout: starts its five processes (a fresh ledger file for this commit's instances)
  local root=$1
  rm -f "$LOGS"/ledger.db*
  start_from "$root" UserService $((BASE_PORT + 1))
  start_from "$root" OrderService $((BASE_PORT + 2))
  for port in "${PAYMENT_PORTS[@]}"; do start_from "$root" PaymentService "$port"; done
  start_from "$root" Gateway "$BASE_PORT" \
    services__user-service__http__0="http://127.0.0.1:$((BASE_PORT + 1))" \
    services__order-service__http__0="http://127.0.0.1:$((BASE_PORT + 2))" \
    services__payment-service__http__0="http://127.0.0.1:${PAYMENT_PORTS[0]}" \
    services__payment-service__http__1="http://127.0.0.1:${PAYMENT_PORTS[1]}" \
    services__payment-service__http__2="http://127.0.0.1:${PAYMENT_PORTS[2]}"
}

measure() { # kind seconds: rps, p99 in ms and the status line of one wrk run
  local url="http://127.0.0.1:$BASE_PORT" out
  if [ "$1" = writes ]; then
    out=$(wrk -t2 -c32 -d"$2"s --timeout 15s --latency -s scripts/payments.lua "$url")
  else
    out=$(wrk -t2 -c32 -d"$2"s --timeout 15s --latency "$url/user-dashboard/42")
  fi
  local rps p99 p99ms
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  p99ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }')
  echo "$rps $p99ms $(grep '^statuses' <<<"$out" | cut -d' ' -f2- | tr ' ' ',')"
}

ROWS=()
declare -A SUM=()
for round in $(seq 1 $ROUNDS); do
  for which in before this; do
    [ "$which" = before ] && system "$OLD" || system "$PWD"
    label=$([ "$which" = before ] && echo "$BEFORE (a ledger in each instance's memory)" || echo "$(git rev-parse --short HEAD) (one SQLite ledger)")
    for kind in writes reads; do
      measure "$kind" 3 >/dev/null # warm-up
      read -r rps p99 statuses <<<"$(measure "$kind" "$DURATION")"
      ROWS+=("| $round | $label | $kind | $rps | $p99 ms | ${statuses:-} |")
      echo "  round $round, $which, $kind: $rps rps, p99 $p99 ms ${statuses:-}"
      SUM[$which-$kind-rps]=$(awk -v a="${SUM[$which-$kind-rps]:-0}" -v b="$rps" 'BEGIN { print a + b }')
      SUM[$which-$kind-p99]=$(awk -v a="${SUM[$which-$kind-p99]:-0}" -v b="$p99" 'BEGIN { print a + b }')
    done
    stop_all
  done
done

ratio() { awk -v a="${SUM[this-$1-$2]}" -v b="${SUM[before-$1-$2]}" 'BEGIN { printf "%.2fx", a / b }'; }

FAULTS=()
system "$PWD"
measure writes 3 >/dev/null
for fault in '{"mode":"hang"}' '{"mode":"error","statusCode":500}' '{"mode":"down"}'; do
  mode "${PAYMENT_PORTS[1]}" "$fault"
  read -r rps p99 statuses <<<"$(measure writes "$DURATION")"
  mode "${PAYMENT_PORTS[1]}" '{"mode":"none"}'
  taken=$(tr ',' '\n' <<<"$statuses" | awk -F= '$1 == 200 || $1 == 201 { ok += $2 } { all += $2 } END { printf "%d of %d (%.2f %%)", ok, all, 100 * ok / all }')
  FAULTS+=("| \`$fault\` on instance 2 | $rps | $p99 ms | $statuses | $taken |")
  echo "  $fault: $rps rps, p99 $p99 ms, $statuses: $taken"
done
stop_all

mkdir -p Tests/artifacts
{
  echo "Three payment-service instances behind the gateway, 32 connections, $DURATION s per row after 3 s of warm-up, two rounds taking turns ($(nproc) cores, \`scripts/load-ledger.sh $BEFORE\`). Writes: \`POST /payments/user/{one of 200}\`, a fresh key each; reads: \`GET /user-dashboard/42\`."
  echo
  echo "| round | system | load | requests/s | p99 | answers |"
  echo "|---:|---|---|---:|---:|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Over the rounds, the shared ledger against the in-memory ledgers: writes **$(ratio writes rps) the requests/s** (target at least 0.7x), **$(ratio writes p99) the p99** (target at most 2x); reads $(ratio reads rps) the requests/s, $(ratio reads p99) the p99 (target: within noise)."
  echo
  echo "One instance of three bad while the writes run (this commit; target: at least 99.5 % answered 201 or 200):"
  echo
  echo "| fault | requests/s | p99 | answers | taken |"
  echo "|---|---:|---:|---|---:|"
  printf '%s\n' "${FAULTS[@]}"
} > Tests/artifacts/ledger-load.md
echo; cat Tests/artifacts/ledger-load.md
