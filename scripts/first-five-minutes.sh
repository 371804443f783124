#!/usr/bin/env bash
# A new user's first five minutes, measured: from `dotnet run --project AppHost` (restore and build included) to the
# payment-service breaker's row reading Open on the dashboard, after the clicks the README's walkthrough asks for
# (Start on traffic, "Fail with errors" on payment-service). Run it on a fresh clone:
#
#   git clone <repo> /tmp/fresh && cd /tmp/fresh && scripts/first-five-minutes.sh
#
# Drives Debian's chromium (CHROMIUM_PATH, else chromium on the PATH) with playwright-core from npm, installed into a
# temporary folder (never a browser download). Writes Tests/artifacts/first-five-minutes.md. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"
[ -x "$CHROMIUM_PATH" ] || { echo "chromium not found (apt-get install chromium, or set CHROMIUM_PATH)"; exit 1; }
tools="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$tools"' EXIT
npm install --prefix "$tools" --silent --no-audit --no-fund playwright-core@1.64.1 >/dev/null

start=$(date +%s.%N)
setsid dotnet run --project AppHost >"$log" 2>&1 &
apphost=$!
stop() { kill -TERM -- "-$apphost" 2>/dev/null || true; wait "$apphost" 2>/dev/null || true; }
trap 'stop; rm -rf "$tools"' EXIT

login=""
for _ in $(seq 1 600); do
  login=$(grep -o 'http://localhost:18888/login?t=[0-9a-f]*' "$log" | head -n 1 || true)
  [ -n "$login" ] && break
  kill -0 "$apphost" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
[ -n "$login" ] || { echo "The dashboard's login link never appeared."; cat "$log"; exit 1; }

mkdir -p Tests/artifacts
NODE_PATH="$tools/node_modules" CHROMIUM_PATH="$CHROMIUM_PATH" node scripts/first-five-minutes.mjs "$login" Tests/artifacts/first-five-minutes.png
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
printf -- '- First five minutes: %.0f s from `dotnet run --project AppHost` on a fresh clone (restore and build included) to the payment-service breaker'"'"'s row reading Open, after pressing Start on traffic and "Fail with errors" on payment-service (`scripts/first-five-minutes.sh`, %s).\n' \
  "$seconds" "$(date -u +%Y-%m-%d)" | tee Tests/artifacts/first-five-minutes.md
