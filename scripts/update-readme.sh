#!/usr/bin/env bash
# Copies the figures the tests, benchmarks and scripts measured into RESULTS.md (and Benchmarks/README.md), each
# between its markers, with the date and the commit they were measured at. Nothing is typed by hand:
#
#   bash .ci/run                    # or dotnet test: writes Tests/artifacts/*.md
#   scripts/load.sh                 # Tests/artifacts/load.md (and, through load-instances.sh, load-instances.md)
#   scripts/load-overload.sh        # Tests/artifacts/load-overload.md
#   scripts/load-tail.sh            # Tests/artifacts/load-tail.md
#   scripts/profile.sh tail         # Tests/artifacts/profile-tail.md (and profile.sh pipeline: profile-pipeline.md)
#   scripts/load-compare.sh COMMIT  # Tests/artifacts/load-compare.md
#   scripts/load-ledger.sh COMMIT   # Tests/artifacts/ledger-load.md
#   scripts/edges.sh                # Tests/artifacts/edges.md
#   scripts/first-five-minutes.sh   # Tests/artifacts/first-five-minutes.md (on a fresh clone)
#   dotnet run -c Release --project Benchmarks -- --filter '*'   # BenchmarkDotNet.Artifacts/results/
#   scripts/update-readme.sh                 # every section
#   scripts/update-readme.sh load-tail       # only the sections named
#
# A section whose source file is missing is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMIT=$(git rev-parse --short HEAD)
ONLY=" $* "

# replace FILE NAME SOURCE PRODUCER: the text between <!-- begin:NAME --> and <!-- end:NAME --> becomes SOURCE's.
# A section that already holds SOURCE's text keeps its stamp: the figures are the ones measured then, not now.
replace() {
  local file=$1 name=$2 source=$3 producer=$4
  [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $name "* ]] || return 0
  [ -f "$source" ] || { echo "skipped $name: no $source"; return; }
  if awk -v name="$name" '
      $0 == "<!-- end:" name " -->" { inside = 0 }
      inside { print }
      $0 == "<!-- begin:" name " -->" { inside = 1 }
    ' "$file" | head -n -2 | cmp -s - "$source"; then
    echo "unchanged $name"; return
  fi
  local date stamp
  date=$(date -u -r "$source" +%Y-%m-%d)
  stamp="<sub>Written by ${producer} on ${date}, commit ${COMMIT}; copied here by \`scripts/update-readme.sh\`.</sub>"
  awk -v name="$name" -v source="$source" -v stamp="$stamp" '
    $0 == "<!-- begin:" name " -->" { print; while ((getline line < source) > 0) print line; print ""; print stamp; skipping = 1; next }
    $0 == "<!-- end:" name " -->" { skipping = 0 }
    !skipping { print }
  ' "$file" > "$file.new" && mv "$file.new" "$file"
  echo "updated $name from $source"
}

RESULTS=RESULTS.md
replace $RESULTS fault-matrix Tests/artifacts/fault-matrix.md '`FaultMatrixTests`'
replace $RESULTS soak Tests/artifacts/soak.md '`ChaosSoakTests`'
replace $RESULTS payment-writes Tests/artifacts/payment-writes.md '`PaymentWritesUnderFaultsTests`'
replace $RESULTS payment-writes-instances Tests/artifacts/payment-writes-instances.md '`PaymentWritesUnderFaultsWithInstancesTests`'
replace $RESULTS huge-body-memory Tests/artifacts/huge-body-memory.md '`HugeBodyMemoryTests`'
replace $RESULTS dashboard-open-row Tests/artifacts/dashboard-open-row.md '`DashboardBrowserTests`'
replace $RESULTS dns-discovery Tests/artifacts/dns-discovery.md '`PodsFoundByDnsTests`'
replace $RESULTS dns-discovery-idle Tests/artifacts/dns-discovery-idle.md '`DnsWhileIdleTests`'
replace $RESULTS ledger-scale-out Tests/artifacts/ledger-scale-out.md '`LedgerThroughScaleOutTests`'
replace README.md ledger-scale-out Tests/artifacts/ledger-scale-out.md '`LedgerThroughScaleOutTests`'
replace $RESULTS ledger-load Tests/artifacts/ledger-load.md '`scripts/load-ledger.sh`'
replace README.md dns-discovery Tests/artifacts/dns-discovery.md '`PodsFoundByDnsTests`'
replace $RESULTS first-five-minutes Tests/artifacts/first-five-minutes.md '`scripts/first-five-minutes.sh`'
replace $RESULTS load Tests/artifacts/load.md '`scripts/load.sh`'
replace $RESULTS load-instances Tests/artifacts/load-instances.md '`scripts/load-instances.sh`'
replace $RESULTS load-overload Tests/artifacts/load-overload.md '`scripts/load-overload.sh`'
replace $RESULTS load-tail Tests/artifacts/load-tail.md '`scripts/load-tail.sh`'
replace $RESULTS profile-tail Tests/artifacts/profile-tail.md '`scripts/profile.sh tail`'
replace $RESULTS profile-pipeline Tests/artifacts/profile-pipeline.md '`scripts/profile.sh pipeline`'
replace $RESULTS load-compare Tests/artifacts/load-compare.md '`scripts/load-compare.sh`'
replace $RESULTS edges Tests/artifacts/edges.md '`scripts/edges.sh`'
replace $RESULTS mutations Tests/artifacts/mutations.md '`scripts/mutate.sh`'
replace $RESULTS ci-times Tests/artifacts/ci-times.md '`.ci/run`'

# The browser test's screenshots of the Resources page, as the README shows them.
mkdir -p docs
[ "$ONLY" = "  " ] && for shot in dashboard-resources-breaker-open dashboard-resources-breaker-closed dashboard-resources-instance-ejected dashboard-explain; do
  [ -f "Tests/artifacts/$shot.png" ] && cp "Tests/artifacts/$shot.png" "docs/$shot.png" && echo "copied $shot.png"
done

# Benchmarks: each class's table as BenchmarkDotNet wrote it, and the ratios the targets are about, computed from it.
results=BenchmarkDotNet.Artifacts/results
mean_ns() { # TABLE METHOD [PARAM]: the Mean column of the row whose first cell is METHOD (and second PARAM), in ns
  awk -F'|' -v method="$2" -v param="${3:-}" '
    function trim(s) { gsub(/\*/, "", s); gsub(/^ +| +$/, "", s); return s }
    NR == 1 { for (i = 2; i <= NF; i++) if (trim($i) == "Mean") column = i }
    trim($2) == method && (param == "" || trim($3) == param) {
      value = trim($column); gsub(/,/, "", value); split(value, parts, " ")
      factor = parts[2] == "μs" || parts[2] == "us" ? 1000 : parts[2] == "ms" ? 1000000 : 1
      printf "%.1f", parts[1] * factor; exit
    }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ratios=$(mktemp)
for class in ClosedCall Contention Rejection HttpClientPipeline; do
  report="$results/CircuitDemo.Benchmarks.${class}Benchmarks-report-github.md"
  [ -f "$report" ] || { echo "skipped benchmark $class: no $report"; continue; }
  table=$(mktemp)
  grep '^|' "$report" > "$table"
  summary=$(mktemp)
  { cat "$table"; echo; } > "$summary"
  case $class in
    ClosedCall)
      echo "Ours / Polly = **$(ratio "$(mean_ns "$table" Ours)" "$(mean_ns "$table" Polly)")** (both in a Polly pipeline of their own; 0 B allocated); with the slow-call rule on, ours / Polly = **$(ratio "$(mean_ns "$table" OursSlowCallRule)" "$(mean_ns "$table" Polly)")** and ours on / off = **$(ratio "$(mean_ns "$table" OursSlowCallRule)" "$(mean_ns "$table" Ours)")**." >> "$summary" ;;
    Contention)
      for callers in 1 2 8; do
        echo "- $callers callers: ours / Polly time per call = **$(ratio "$(mean_ns "$table" Ours "$callers")" "$(mean_ns "$table" Polly "$callers")")**" >> "$summary"
      done ;;
    Rejection)
      echo "Throwing: ours / Polly = **$(ratio "$(mean_ns "$table" OursThrowing)" "$(mean_ns "$table" PollyThrowing)")**; non-throwing: ours / Polly = **$(ratio "$(mean_ns "$table" OursNonThrowing)" "$(mean_ns "$table" PollyNonThrowing)")**." >> "$summary" ;;
    HttpClientPipeline)
      ours=$(mean_ns "$table" ServiceDefaultsPipeline)
      standard=$(mean_ns "$table" StandardResilienceHandler)
      echo "ServiceDefaultsPipeline / StandardResilienceHandler = **$(ratio "$ours" "$standard")** (target ≤ 0.9), without hedged reads **$(ratio "$(mean_ns "$table" ServiceDefaultsPipelineWithoutHedging)" "$standard")**; the hedged reads' cost, ours with / without = **$(ratio "$ours" "$(mean_ns "$table" ServiceDefaultsPipelineWithoutHedging)")** (armed, every read through Polly's hedging: **$(ratio "$(mean_ns "$table" ServiceDefaultsPipelineHedgingArmed)" "$(mean_ns "$table" ServiceDefaultsPipelineWithoutHedging)")**), the library's StandardHedgingHandler / StandardResilienceHandler = **$(ratio "$(mean_ns "$table" StandardHedgingHandler)" "$standard")**; ServiceDefaultsPipeline / NoHandler = **$(ratio "$ours" "$(mean_ns "$table" NoHandler)")**; BreakerStrategyOnly / NoHandler = **$(ratio "$(mean_ns "$table" BreakerStrategyOnly)" "$(mean_ns "$table" NoHandler)")**." >> "$summary" ;;
  esac
  touch -r "$report" "$summary"
  replace Benchmarks/README.md "benchmark-$class" "$summary" "BenchmarkDotNet (\`${class}Benchmarks\`)"
  { printf -- '- %s: ' "$class"; grep -v '^|' "$summary" | grep -v '^$' | paste -sd ' ' ; } >> "$ratios"
  touch -r "$report" "$ratios"
  rm -f "$table" "$summary"
done
[ -s "$ratios" ] && replace $RESULTS benchmark-ratios "$ratios" '`scripts/update-readme.sh` from the BenchmarkDotNet tables in [Benchmarks/README.md](Benchmarks/README.md) (each with the commit it was measured at)'
rm -f "$ratios"
