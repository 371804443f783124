# Sourced by the scripts that start the projects directly: every process they start goes into PIDS, and all of them
# are stopped (by process id, never by name) when the script exits, with LOGS, a scratch folder for their output.
LOGS="$(mktemp -d)"
PIDS=()

stop_all() {
  for pid in "${PIDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$LOGS"' EXIT

# Starts a project's Release build on a loopback port, with the admin key and any extra environment, and waits for its
# /alive (ADMIN_KEY must be set): for the load scripts, which run the projects directly.
# Every PaymentService a script starts shares one ledger, a SQLite file in LOGS (so it goes with them).
start() { # name port [extra env...]
  start_from "$PWD" "$@"
}

start_from() { # checkout name port [extra env...]: the same, from another checkout's Release build
  local root=$1 name=$2 port=$3; shift 3
  local dir="$root/$name/bin/Release/net10.0"
  # --contentRoot: the project's own appsettings.json (the gateway's holds the breaker settings), whatever the cwd.
  env ASPNETCORE_ENVIRONMENT=Production Admin__Key="$ADMIN_KEY" Logging__LogLevel__Default=Warning Ledger__Path="$LOGS/ledger.db" "$@" \
    dotnet "$dir/$name.dll" --contentRoot "$dir" --urls "http://127.0.0.1:$port" >"$LOGS/$name.$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/alive" >/dev/null && return 0; sleep 0.2; done
  echo "$name did not start; its log:"; cat "$LOGS/$name.$port.log"; exit 1
}

# Starts user-service, order-service and three payment-service instances (on BASE_PORT + 1, BASE_PORT + 2 and
# PAYMENT_PORTS), and sets SERVICES: the configuration that names them all to a gateway.
start_three_payment_system() {
  start UserService $((BASE_PORT + 1))
  start OrderService $((BASE_PORT + 2))
  local port
  for port in "${PAYMENT_PORTS[@]}"; do start PaymentService "$port"; done
  SERVICES=(
    services__user-service__http__0="http://127.0.0.1:$((BASE_PORT + 1))"
    services__order-service__http__0="http://127.0.0.1:$((BASE_PORT + 2))"
    services__payment-service__http__0="http://127.0.0.1:${PAYMENT_PORTS[0]}"
    services__payment-service__http__1="http://127.0.0.1:${PAYMENT_PORTS[1]}"
    services__payment-service__http__2="http://127.0.0.1:${PAYMENT_PORTS[2]}"
  )
}

# For the scripts that compare with an earlier commit: checks it out in a worktree, OLD (removed when the script
# exits), and builds this checkout (Release); the script builds what it needs of OLD.
checkout_before() { # commit
  OLD="$LOGS/before"
  git worktree add --detach "$OLD" "$1" >/dev/null 2>&1
  trap 'stop_all; git worktree remove --force "$OLD" >/dev/null 2>&1 || true; rm -rf "$LOGS"' EXIT
  dotnet build CircuitDemo.sln -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
}

# wrk, the load generator of the load scripts: Debian's package, installed when missing.
need_wrk() {
  command -v wrk >/dev/null || { echo "Installing wrk (Debian package)..."; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
}

# hey, for the latency of every request as it was: wrk 4 adds made-up samples to its percentiles for every answer slower
# than twice its connection's mean interval (its correction for coordinated omission), so one answer in a thousand
# that takes a second moves wrk's p99 to most of a second. Debian's package, installed when missing.
need_hey() {
  command -v hey >/dev/null || { echo "Installing hey (Debian package)..."; apt-get update -qq && apt-get install -y -qq hey >/dev/null; }
}

# The Release build the load scripts run, unless LOAD_SKIP_BUILD=1 (a script that runs another after itself).
release_build() {
  if [ "${LOAD_SKIP_BUILD:-}" != 1 ]; then
    echo "Building (Release)..."
    dotnet build CircuitDemo.sln -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
  fi
}

# $LOGS/count.lua, for wrk -s: counts, in every wrk thread, the answers whose payments section was live; done() adds
# them up and prints "LIVE <live> <answers>".
cat >"$LOGS/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) live = 0; answers = 0 end
function response(status, headers, body)
  answers = answers + 1
  if body:find('"payments":"live"', 1, true) then live = live + 1 end
end
function done(summary, latency, requests)
  local l, a = 0, 0
  for _, t in ipairs(threads) do l = l + t:get("live"); a = a + t:get("answers") end
  io.write(string.format("LIVE %d %d\n", l, a))
end
LUA

# Sets the failure mode of the stub instance on a loopback port (ADMIN_KEY must be set).
mode() { # port body
  curl -sf -X PUT "http://127.0.0.1:$1/failure-mode" -H "X-Admin-Key: $ADMIN_KEY" -H 'Content-Type: application/json' -d "$2" >/dev/null
}

# Sets the failure mode of every payment-service instance (PAYMENT_PORTS).
payment_modes() { # body
  local port
  for port in "${PAYMENT_PORTS[@]}"; do mode "$port" "$1"; done
}

# The hedges a gateway's payment-service breaker has sent and those that won, so far: "sent won".
hedges() { # gateway port
  curl -sf "http://127.0.0.1:$1/circuit-breakers" | python3 -c '
import json, sys
b = next(b for b in json.load(sys.stdin)["breakers"] if b["name"] == "payment-service")
h = b.get("hedges") or {}
print(h.get("sent", 0), h.get("won", 0))'
}
