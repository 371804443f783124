#!/usr/bin/env bash
# Where the processor time goes, sampled by perf (Debian's linux-perf, installed when missing) with the runtime's perf
# map naming every jitted frame; scripts/profile.py reads the samples.
#
#   scripts/profile.sh pipeline   # one GET through ServiceDefaults' pipeline and through the standard resilience handler
#                                 # (HttpClientPipelineBenchmarks), layer by layer: Tests/artifacts/profile-pipeline.md
#   scripts/profile.sh tail       # the hedged gateway's healthy and tail rows of scripts/load-tail.sh, per request and
#                                 # by cause, the gateway's and the stubs': Tests/artifacts/profile-tail.md
#
# (scripts/update-readme.sh copies both into RESULTS.md.) Every process runs with every method jitted
# (DOTNET_ReadyToRun=0) and without the W^X double mapping, so that perf can name each frame: slower so, and perf
# slows it further. The shares are what to read, not the rates.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:?pipeline or tail}"
HZ=999

source scripts/processes.sh
# The perf maps the runtime writes (/tmp/perf-PID.map, /tmp/perfinfo-PID.map) go when the script exits, with the rest.
MAPS_BEFORE=$(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null || true)
trap 'stop_all; rm -rf "$LOGS"; comm -13 <(echo "$MAPS_BEFORE") <(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null || true) | xargs -r rm -f' EXIT
command -v perf >/dev/null || { echo "Installing perf (Debian package)..."; apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null; }
export DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0
release_build
mkdir -p Tests/artifacts

record() { # out-name perf-target-args...: perf samples with call stacks into $LOGS/out-name.txt, as perf script prints them
  local name=$1; shift
  perf record -q -F $HZ -g -o "$LOGS/$name.data" "$@" >"$LOGS/$name.perf.log" 2>&1 || { echo "perf record failed:"; cat "$LOGS/$name.perf.log"; exit 1; }
  perf script -i "$LOGS/$name.data" -F pid,tid,comm,ip,sym,dso 2>/dev/null >"$LOGS/$name.txt"
}

if [ "$WHAT" = pipeline ]; then
  # The two in turns, twice each (a run of one alone drifts on this machine); each method's samples added up, its mean
  # the average of its two runs'.
  declare -A MEAN=([ServiceDefaultsPipeline]=0 [StandardResilienceHandler]=0)
  for turn in 1 2; do
    for method in ServiceDefaultsPipeline StandardResilienceHandler; do
      echo "Profiling $method, turn $turn (BenchmarkDotNet in process, 10 iterations)..."
      record "$method-$turn" -- dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll --filter "*HttpClientPipelineBenchmarks.$method" \
        --inProcess --warmupCount 3 --iterationCount 10 --artifacts "$LOGS/bdn"
      cat "$LOGS/$method-$turn.txt" >>"$LOGS/$method.txt"
      # BenchmarkDotNet's mean of this run, in ns, from the summary it wrote.
      mean=$(awk -F'|' -v m="$method" '$2 ~ " "m" " { gsub(/[ ,]/, "", $3); v = $3; f = v ~ /ns$/ ? 1 : v ~ /ms$/ ? 1e6 : 1000; gsub(/[^0-9.]/, "", v); print v * f }' \
        "$LOGS"/bdn/results/*HttpClientPipelineBenchmarks-report-github.md)
      MEAN[$method]=$(python3 -c "print(${MEAN[$method]} + $mean / 2)")
      rm -rf "$LOGS/bdn"
    done
  done
  {
    echo "Where one GET's time goes, layer by layer (\`scripts/profile.sh pipeline\`): \`HttpClientPipelineBenchmarks\`'s two pipelines under perf,"
    echo "each sample of the benchmark's workload given to the innermost layer on its stack and scaled to the mean BenchmarkDotNet"
    echo "measured in the same runs (two runs each, in turns, 10 iterations, every method jitted, perf attached: read the shares, not"
    echo "the means, which are not the default job's in [Benchmarks/README.md](Benchmarks/README.md))."
    echo "The handler answers at once, so each call completes synchronously and a sample's stack is the whole call."
    echo
    python3 scripts/profile.py pipeline "$LOGS/ServiceDefaultsPipeline.txt" "${MEAN[ServiceDefaultsPipeline]}" \
      "$LOGS/StandardResilienceHandler.txt" "${MEAN[StandardResilienceHandler]}"
  } | tee Tests/artifacts/profile-pipeline.md
  exit 0
fi

[ "$WHAT" = tail ] || { echo "usage: scripts/profile.sh pipeline|tail"; exit 2; }
need_wrk
ADMIN_KEY="profile-$$"
BASE_PORT=3900
PAYMENT_PORTS=($((BASE_PORT + 3)) $((BASE_PORT + 13)) $((BASE_PORT + 23)))
TAIL='{"mode":"slow","delayMs":1000,"rate":0.03}'
URL="http://127.0.0.1:$BASE_PORT/user-dashboard/42"

echo "Starting user-, order- and three payment-service instances and the gateway on 127.0.0.1:$BASE_PORT-$((BASE_PORT + 23))..."
start_three_payment_system
STUBS=$(IFS=,; echo "${PIDS[*]}")
start Gateway $BASE_PORT "${SERVICES[@]}"
GATEWAY=${PIDS[-1]}
echo "Warming up (15 s healthy, 10 s with the tail)..."
wrk -t2 -c32 -d15s "$URL" >/dev/null
payment_modes "$TAIL"; wrk -t2 -c32 -d10s "$URL" >/dev/null

# The two rows in turns, healthy then tail, three times 5 s each, added up: rows measured one after the other drift on
# this machine (scripts/load-tail.sh says by how much), turns share the drift.
declare -A REQUESTS=([healthy]=0 [tail]=0) HEDGES=([healthy]=0 [tail]=0)
for turn in 1 2 3; do
  for row in healthy tail; do
    [ $row = tail ] && payment_modes "$TAIL" || payment_modes '{"mode":"none"}'
    echo "Profiling the $row row, turn $turn (5 s, 32 connections)..."
    read -r before _ < <(hedges $BASE_PORT)
    wrk -t2 -c32 -d5s --timeout 10s "$URL" >"$LOGS/wrk.txt" &
    record "$row-$turn" -a -- sleep 5 # the whole machine: attaching to processes races with their threads coming and going
    wait $!
    cat "$LOGS/$row-$turn.txt" >>"$LOGS/$row.txt"
    REQUESTS[$row]=$(( REQUESTS[$row] + $(awk '/requests in/ {print $1}' "$LOGS/wrk.txt") ))
    read -r after _ < <(hedges $BASE_PORT)
    HEDGES[$row]=$(( HEDGES[$row] + after - before ))
  done
done
payment_modes '{"mode":"none"}'
{
  echo "Where the hedged gateway's tail row loses requests/s (\`scripts/profile.sh tail\`): the healthy and tail rows of"
  echo "\`scripts/load-tail.sh\` (32 connections, in turns, 3 x 5 s each) with the gateway and the five stubs under perf, every method jitted:"
  echo "${REQUESTS[healthy]} and ${REQUESTS[tail]} requests answered, ${HEDGES[tail]} hedges sent in the tail row. Processor time per"
  echo "answered request, by cause: a sample belongs to the first cause found from its leaf up, the rest to \"everything else\";"
  echo "the last column spreads the tail row's extra time over its hedged reads."
  echo
  python3 scripts/profile.py tail "$LOGS/healthy.txt" "$LOGS/tail.txt" "$GATEWAY" "$STUBS" \
    "${REQUESTS[healthy]}" "${REQUESTS[tail]}" "${HEDGES[tail]}" $HZ
} | tee Tests/artifacts/profile-tail.md
