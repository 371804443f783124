#!/usr/bin/env bash
# Mutation check: breaks the breaker on purpose, one way at a time, in a scratch copy of the repository, runs the unit
# tests against each break, puts the code back, and prints a table. Every mutation must be caught (some test fails).
#
#   scripts/mutate.sh                  # all mutations (about 30 s each on 2 cores)
#   scripts/mutate.sh "probe cap"      # only those whose name contains the text
#
# Needs only the .NET SDK and perl. Nothing in the repository is changed.
set -uo pipefail
cd "$(dirname "$0")/.."
ONLY="${1:-}"
SCRATCH="$(mktemp -d /tmp/circuitdemo-mutants.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

SM=ServiceDefaults/CircuitBreaking/StateMachine
# name | file | exact text to find | what to put instead
MUTATIONS=(
  "no lock|$SM/CircuitBreaker.cs|lock (_lock)|if (_lock is not null)"
  "probe cap ignored|$SM/CircuitBreaker.cs|case CircuitState.HalfOpen when _probesInFlight < _options.HalfOpenMaxProbes:|case CircuitState.HalfOpen:"
  "failed probe does not reopen|$SM/CircuitBreaker.cs|Open_NeedsLock(\"probe failed\", now, reopening: true);|_probeSuccesses--;"
  "success threshold off by one|$SM/CircuitBreaker.cs|if (_probeSuccesses < _options.SuccessThreshold)|if (_probeSuccesses <= _options.SuccessThreshold)"
  "failure window ignored|ServiceDefaults/CircuitBreaking/TripRules/ConsecutiveFailureTracker.cs|if (_failureTicks[index] > oldestCounted)|if (_failureTicks[index] >= 0)"
  "ratio rule ignored|$SM/CircuitBreaker.cs|var ratioTrip = _failureRatio?.RecordFailure(now.Ticks) ?? false;|var ratioTrip = _failureRatio?.RecordFailure(now.Ticks) is true && false;"
  "isolate does not reject|$SM/CircuitBreaker.cs|case CircuitState.Closed:|case CircuitState.Closed or CircuitState.Isolated:"
  "reset keeps the streak|$SM/CircuitBreaker.cs|        _consecutiveFailures.Reset();
        _failureRatio?.Reset();|        _failureRatio?.Reset();"
  "wall clock for durations|$SM/CircuitBreaker.cs|private TimeSpan Now() => _time.GetElapsedTime(_createdAt);|private TimeSpan Now() => _time.GetUtcNow() - DateTimeOffset.UnixEpoch;"
  "subscriber exception not caught|$SM/StateChangeNotifier.cs|catch (Exception exception)
            {
                // A throwing subscriber|catch (Exception exception) when (exception is null)
            {
                // A throwing subscriber"
  "events delivered out of order|$SM/StateChangeNotifier.cs|if (Interlocked.CompareExchange(ref _delivering, 1, 0) != 0)|if (Interlocked.Exchange(ref _delivering, 1) is < 0)"
  "stale result changes state|$SM/CircuitBreaker.cs|if (permit.Epoch != _epoch)|if (permit.Epoch < 0)"
  "probe slots forgotten on each change|$SM/CircuitBreaker.cs|        _probeSuccesses = 0;
        _history.Add(change);|        _probeSuccesses = 0;
        _probesInFlight = 0;
        _history.Add(change);"
  "cancellation counted as failure|$SM/OutcomeClassifier.cs|? CallOutcome.Cancelled|? CallOutcome.Failure"
  "cancellation lowers the total|$SM/CircuitBreaker.cs|                _cancelledRequests++;|                _totalRequests--;"
  "open duration growth uncapped|$SM/OpenDurationGrowth.cs|return grown >= options.MaxOpenDuration.Ticks ?|return grown >= long.MaxValue ?"
  "observers after publishing|ServiceDefaults/CircuitBreaking/CircuitBreakerRegistry.cs|            foreach (var observer in _observers)
            {
                observer(breaker);
            }

            breakers[key.Service] = breaker;|            breakers[key.Service] = breaker;
            foreach (var observer in _observers)
            {
                observer(breaker);
            }"
  "body not read inside the breaker|ServiceDefaults/HttpClients/ResponseBodyStrategy.cs|await ReadWholeBodyAsync(response, limit, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);|_ = limit;"
  "retry waits on Retry-After|ServiceDefaults/HttpClients/ReadRetry.cs|ShouldRetryAfterHeader = false,|ShouldRetryAfterHeader = true,"
  "429 is a success|ServiceDefaults/CircuitBreaking/Http/HttpOutcomeClassifier.cs|statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests|statusCode is HttpStatusCode.RequestTimeout"
  "rejection counted as a call in flight|$SM/CircuitBreaker.cs|                    _rejectedRequests++;|                    _rejectedRequests += 0;"
)

echo "Copying the repository to $SCRATCH and building the unit tests once..."
tar --exclude='./.git' --exclude='*/bin' --exclude='*/obj' --exclude='./TestResults' --exclude='./Tests/artifacts' -cf - . | tar -xf - -C "$SCRATCH"
(cd "$SCRATCH" && dotnet build Tests/UnitTests -nologo -v q -clp:ErrorsOnly >/dev/null) || { echo "The unmutated copy does not build."; exit 1; }

results=()
survivors=0
for mutation in "${MUTATIONS[@]}"; do
  IFS='|' read -r name file find replace <<<"$mutation"
  [[ -n "$ONLY" && "$name" != *"$ONLY"* ]] && continue
  target="$SCRATCH/$file"
  cp "$target" "$target.orig"
  if ! FIND="$find" REPLACE="$replace" perl -0pi -e 's/\Q$ENV{FIND}\E/$ENV{REPLACE}/g' "$target" || cmp -s "$target" "$target.orig"; then
    results+=("| $name | \`$file\` | NOT APPLIED (text not found) | |")
    survivors=$((survivors + 1))
    mv "$target.orig" "$target"
    continue
  fi

  printf '%-40s ' "$name"
  if ! (cd "$SCRATCH" && dotnet build Tests/UnitTests -nologo -v q -clp:ErrorsOnly >/dev/null 2>&1); then
    verdict="NOT COMPILED"; caught=""
    survivors=$((survivors + 1))
  else
    log="$SCRATCH/test.log"
    (cd "$SCRATCH" && timeout 10m dotnet test Tests/UnitTests --no-build --blame-hang --blame-hang-timeout 2m --blame-hang-dump-type none >"$log" 2>&1)
    caught=$(grep -oE '^\s+Failed [A-Za-z0-9_.]+' "$log" | sed 's/.*\.//' | sort -u | head -n 3 | paste -sd ',' | sed 's/,/, /g')
    total_failed=$(grep -oE 'Failed:\s+[0-9]+' "$log" | grep -oE '[0-9]+' | head -n 1)
    if [ -n "$caught" ] || grep -q "aborted\|hang" "$log"; then
      verdict="caught (${total_failed:-?} tests failed)"
      [ -z "$caught" ] && caught="the test run hung and was stopped"
    else
      verdict="SURVIVED"
      survivors=$((survivors + 1))
    fi
  fi

  echo "$verdict"
  results+=("| $name | \`$file\` | $verdict | $caught |")
  mv "$target.orig" "$target"
done

echo
echo "| mutation | file | result | first tests that failed |"
echo "|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
echo "$survivors mutation(s) not caught."
[ "$survivors" -eq 0 ]
