#!/usr/bin/env bash
# The gateway's edges, tried from outside on Release builds started as scripts/load.sh starts them (plain processes on
# loopback ports 3200-3203): a breaker option Polly refuses, SIGTERM with transition streams open, /simulate-failure to
# a service that is not running and to one that never answers. Writes Tests/artifacts/edges.md. Loopback only;
# everything it starts is stopped on exit, by process id.
#
#   scripts/edges.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_KEY="edges-$$"
BASE_PORT=3200
ROWS=()

source scripts/processes.sh

echo "Building (Release)..."
dotnet build CircuitDemo.sln -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
DIR="$PWD/Gateway/bin/Release/net10.0"

gateway() { # [extra env...]: starts the gateway in the background; its pid in GATEWAY_PID
  env ASPNETCORE_ENVIRONMENT=Production Admin__Key="$ADMIN_KEY" Logging__LogLevel__Default=Warning \
    services__user-service__http__0="http://127.0.0.1:$((BASE_PORT + 1))" \
    services__order-service__http__0="http://127.0.0.1:$((BASE_PORT + 2))" \
    services__payment-service__http__0="http://127.0.0.1:$((BASE_PORT + 3))" "$@" \
    dotnet "$DIR/Gateway.dll" --contentRoot "$DIR" --urls "http://127.0.0.1:$BASE_PORT" >"$LOGS/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
}

alive() { for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$BASE_PORT/alive" >/dev/null && return 0; sleep 0.2; done; return 1; }

row() { ROWS+=("| $1 | $2 |"); echo "  $1: $2"; }

echo "1. AttemptTimeout of 5 ms for user-service"
started=$(date +%s.%N)
gateway CircuitBreaker__Services__user-service__AttemptTimeout=00:00:00.005
code=0; wait "$GATEWAY_PID" || code=$?
took=$(echo "$(date +%s.%N) - $started" | bc)
# The options framework's validation at start: the first failure it lists, which must name the option.
message=$(grep -o "OptionsValidationException: [^;]*user-service\.AttemptTimeout[^;]*" "$LOGS/gateway.log" | head -n 1 | sed 's/^OptionsValidationException: //' || true)
row "gateway with \`CircuitBreaker__Services__user-service__AttemptTimeout=00:00:00.005\`" \
  "exited with code $code after $(printf '%.1f' "$took") s: \`${message:-no message naming the option}\`"

echo "2. SIGTERM with two transition streams open"
gateway
alive || { cat "$LOGS/gateway.log"; exit 1; }
curl -sN "http://127.0.0.1:$BASE_PORT/circuit-breakers/stream" >/dev/null & PIDS+=($!)
curl -sN "http://127.0.0.1:$BASE_PORT/circuit-breakers/stream?status=true" >/dev/null & PIDS+=($!)
sleep 1 # let both streams connect
started=$(date +%s.%N)
kill -TERM "$GATEWAY_PID"
code=0; wait "$GATEWAY_PID" || code=$?
took=$(echo "$(date +%s.%N) - $started" | bc)
row "SIGTERM to the gateway with two \`curl -N\` streams open" "exited with code $code after $(printf '%.2f' "$took") s"

echo "3. /simulate-failure to a service that is not running, and to one that never answers"
# order-service's address accepts connections and never answers.
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $((BASE_PORT + 2)))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
" & PIDS+=($!)
gateway
alive || { cat "$LOGS/gateway.log"; exit 1; }
for service in user order; do
  answer=$(curl -s -o "$LOGS/answer.json" -w '%{http_code} %{content_type}' -X POST "http://127.0.0.1:$BASE_PORT/simulate-failure/$service" \
    -H "X-Admin-Key: $ADMIN_KEY" -H 'Content-Type: application/json' -d '{"mode":"down"}')
  detail=$(python3 -c "import json,sys; print(json.load(open('$LOGS/answer.json')).get('detail',''))")
  what=$([ "$service" = user ] && echo "not running" || echo "accepting connections, never answering (attempt timeout 3 s)")
  row "\`POST /simulate-failure/$service\`, $service-service $what" "$answer: $detail"
done

mkdir -p Tests/artifacts
{
  echo "Release builds started directly, as \`scripts/load.sh\` starts them (\`scripts/edges.sh\`):"
  echo
  echo "| tried | what happened |"
  echo "|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee Tests/artifacts/edges.md
