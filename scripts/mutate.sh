#!/usr/bin/env bash
# Mutation check: breaks the breaker on purpose, one way at a time, in a scratch copy of the repository, runs the unit
# tests against each break, puts the code back, and prints a table. Every mutation must be caught (some test fails).
#
#   scripts/mutate.sh                  # all mutations (about 30 s each on 2 cores)
#   scripts/mutate.sh "probe cap"      # only those whose name matches the (extended) regular expression
#   scripts/mutate.sh "eject|same endpoint|choice of two"   # the endpoint mutations; their table goes to
#                                      # Tests/artifacts/mutations-selected.md (a whole run writes mutations.md)
#
# Needs only the .NET SDK and perl. Nothing in the repository is changed.
set -uo pipefail
cd "$(dirname "$0")/.."
ONLY="${1:-}"
SCRATCH="$(mktemp -d /tmp/circuitdemo-mutants.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

SM=ServiceDefaults/CircuitBreaking/StateMachine
TR=ServiceDefaults/CircuitBreaking/TripRules
EP=ServiceDefaults/CircuitBreaking/Endpoints
# name | file | exact text to find | what to put instead (one line each; \n stands for a line break)
MUTATIONS=(
  "no lock|$SM/CircuitBreaker.cs|lock (_lock)|lock (new object())"
  "probe cap ignored|$SM/CircuitBreaker.cs|case CircuitState.HalfOpen when _probesInFlight.Count < _options.HalfOpenMaxProbes:|case CircuitState.HalfOpen:"
  "failed probe does not reopen|$SM/CircuitBreaker.cs|Open_NeedsLock(\"probe failed\", Now(), reopening: true);|_probeSuccesses--;"
  "success threshold off by one|$SM/CircuitBreaker.cs|++_probeSuccesses >= _options.SuccessThreshold|++_probeSuccesses > _options.SuccessThreshold"
  "failure window ignored|$TR/ConsecutiveFailureTracker.cs|if (_failureTicks[index] > oldestCounted)|if (_failureTicks[index] >= 0)"
  "ratio window shorter than the contract|$TR/FailureRatioWindow.cs|if (_bucketIds[i] > currentId - BucketCount)|if (_bucketIds[i] > currentId - BucketCount + 2)"
  "slow probe counted as success|$SM/CircuitBreaker.cs|        else if (slow)\n        {\n            // A probe that answered, but late|        else if (slow && false)\n        {\n            // A probe that answered, but late"
  "slow-call ratio off by one|$TR/SlowCallRing.cs|return Count == _slow.Length && SlowCount >= ratio * Count;|return Count == _slow.Length && SlowCount > ratio * Count;"
  "slow-call rule trips before its window is full|$TR/SlowCallRing.cs|return Count == _slow.Length && SlowCount|return Count > 0 && SlowCount"
  "old slow calls never leave the window|$TR/SlowCallRing.cs|            SlowCount -= _slow[_next] ? 1 : 0;|            SlowCount -= 0;"
  "limiter rejection counted as failure|ServiceDefaults/HttpClients/CircuitBreakerPipeline.cs|                    breaker.CountRejected();|                    breaker.Complete(breaker.TryAcquire(), CallOutcome.Failure);"
  "overloaded section reported as an error|Gateway/Dashboard/FallbackReason.cs|        CallFailure.Overloaded => FallbackReasons.Overloaded,\n|"
  "ratio rule ignored|$TR/TripPolicy.cs|var ratioTrip = _ratio?.RecordFailure(now.Ticks) ?? false;|var ratioTrip = _ratio?.RecordFailure(now.Ticks) is true && false;"
  "isolate does not reject|$SM/CircuitBreaker.cs|case CircuitState.Closed:|case CircuitState.Closed or CircuitState.Isolated:"
  "reset keeps the streak|$TR/TripPolicy.cs|        _consecutive.Reset();\n        _ratio?.Reset();|        _ratio?.Reset();"
  "wall clock for durations|$SM/BreakerClock.cs|public TimeSpan Now() => _time.GetElapsedTime(_createdAt);|public TimeSpan Now() => _time.GetUtcNow() - DateTimeOffset.UnixEpoch;"
  "display time read afresh for each change|$SM/BreakerClock.cs|return _anchorWallClock + (instant - _anchorInstant);|return wallClock - (before - instant);"
  "descheduled reading taken for a step|$SM/BreakerClock.cs|if (after - before < StepToFollow / 2 && drift.Duration() > StepToFollow)|if (after >= before && drift.Duration() > StepToFollow)"
  "subscriber exception not caught|$SM/ChangeNotifier.cs|            catch (Exception exception)\n            {\n                // A throwing subscriber|            catch (Exception exception) when (exception is null)\n            {\n                // A throwing subscriber"
  "events delivered out of order|$SM/ChangeNotifier.cs|if (Interlocked.CompareExchange(ref _delivering, 1, 0) != 0)|if (Interlocked.Exchange(ref _delivering, 1) is < 0)"
  "stale result changes state|$SM/CircuitBreaker.cs|permit.Epoch != _epoch|permit.Epoch < 0"
  "probe slots forgotten on each change|$SM/CircuitBreaker.cs|        _probeSuccesses = 0;\n        _history.Add(change);|        _probeSuccesses = 0;\n        _probesInFlight.Clear();\n        _history.Add(change);"
  "cancellation counted as failure|$SM/OutcomeClassifier.cs|? CallOutcome.Cancelled|? CallOutcome.Failure"
  "cancellation lowers the total|$SM/CallCounts.cs|                Cancelled++;|                Total--;"
  "open duration growth uncapped|$SM/OpenDurationGrowth.cs|return grown >= options.MaxOpenDuration.Ticks ?|return grown >= long.MaxValue ?"
  "observers after publishing|ServiceDefaults/CircuitBreaking/CircuitBreakerRegistry.cs|            foreach (var observer in _observers)\n            {\n                observer(breaker);\n            }\n\n            breakers[key.Service] = breaker;|            breakers[key.Service] = breaker;\n            foreach (var observer in _observers)\n            {\n                observer(breaker);\n            }"
  "body not read inside the breaker|ServiceDefaults/HttpClients/WholeResponseHandler.cs|            await WholeResponse.ReadAsync(request, response, limit, cancellationToken).ConfigureAwait(false);|            _ = limit;"
  "retry waits on Retry-After|ServiceDefaults/HttpClients/CircuitBreakerPipeline.cs|ShouldRetryAfterHeader = false,|ShouldRetryAfterHeader = true,"
  "timeouts and rejections retried|ServiceDefaults/CircuitBreaking/Http/HttpOutcomeClassifier.cs|FailureOf(outcome.Exception) is not (CallFailure.Rejected or CallFailure.Overloaded or CallFailure.TimedOut)|FailureOf(outcome.Exception) is not CallFailure.Unexpected"
  "writes retried|ServiceDefaults/HttpClients/CircuitBreakerPipeline.cs|        if (!breakerKey.IsWrite)|        if (breakerKey.IsWrite || !breakerKey.IsWrite)"
  "429 is a success|ServiceDefaults/CircuitBreaking/Http/HttpOutcomeClassifier.cs|statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests|statusCode is HttpStatusCode.RequestTimeout"
  "rejection not counted|$SM/CallCounts.cs|            Rejected++;|            Rejected += 0;"
  "parsed answer not carried forward|ServiceDefaults/HttpClients/ExpectedJson.cs|        response.Content = new UsableJsonContent(body, json, value, original);\n        original.Dispose();|        _ = (body, json, value, original);"
  "a second whole-body read|ServiceDefaults/HttpClients/CircuitBreakerPipelineExtensions.cs|        builder.AddHttpMessageHandler(static services => new WholeResponseHandler(services.GetRequiredService<CircuitBreakerRegistry>()));\n        return builder;|        builder.AddHttpMessageHandler(static services => new WholeResponseHandler(services.GetRequiredService<CircuitBreakerRegistry>()));\n        builder.AddHttpMessageHandler(static services => new WholeResponseHandler(services.GetRequiredService<CircuitBreakerRegistry>()));\n        return builder;"
  "control-plane call through the breaker|ServiceDefaults/HttpClients/CircuitBreakerPipeline.cs|? key.Name + BypassSuffix : key.Name;|? key.Name : key.Name;"
  "undeclared host gets the pipeline|ServiceDefaults/HttpClients/CircuitBreakerPipeline.cs|        if (!registry.Guards(key.Service))\n        {\n            return Unguarded;|        if (!registry.Guards(key.Service) && false)\n        {\n            return Unguarded;"
  "probe left uncompleted when the classifier throws|ServiceDefaults/CircuitBreaking/Http/CircuitBreakerResilienceStrategy.cs|        try\n        {\n            callOutcome = classify(outcome, context);\n        }\n        finally\n        {|        callOutcome = classify(outcome, context);\n        {"
  "reset keeps the probe slots|$SM/CircuitBreaker.cs|                _probesReleased.UnionWith(_probesInFlight);\n                _probesInFlight.Clear();|                _probesReleased.UnionWith(_probesInFlight);"
  "reset from Closed keeps the period|$SM/CircuitBreaker.cs|            else if (to == CircuitState.Closed)\n|            else if (to == CircuitState.Closed && _epoch < 0)\n"
  "permit completed twice accepted|$SM/CircuitBreaker.cs|if (!CanComplete_NeedsLock(permit))|if (!CanComplete_NeedsLock(permit) && _epoch < 0)"
  "permit of another breaker accepted|$SM/CircuitBreaker.cs|if (!ReferenceEquals(permit.Issuer, this))|if (!ReferenceEquals(permit.Issuer, this) && _epoch < 0)"
  "any exception cancelled when the caller cancelled|$SM/OutcomeClassifier.cs|exception is OperationCanceledException && callerToken.IsCancellationRequested|callerToken.IsCancellationRequested"
  "attempt timeout under Polly's 10 ms accepted|ServiceDefaults/CircuitBreaking/Configuration/CircuitBreakerOptionsValidator.cs|MinAttemptTimeout = TimeSpan.FromMilliseconds(10);|MinAttemptTimeout = TimeSpan.FromMilliseconds(1);"
  "unknown exception escapes the dashboard section|Gateway/Downstream/DownstreamClient.cs|catch (Exception exception) when (!cancellationToken.IsCancellationRequested)|catch (Exception exception) when (!cancellationToken.IsCancellationRequested && CircuitBreakerPipelineExtensions.FailureOf(exception) != CallFailure.Unexpected)"
  "payment answer parsed again|Gateway/Downstream/ServiceAnswer.cs|if (content is UsableJsonContent usable)|if (content is UsableJsonContent usable && usable.Value is null)"
  "breaker options not validated on start|ServiceDefaults/CircuitBreaking/CircuitBreakingExtensions.cs|            builder.Services.AddOptions<CircuitBreakerOptions>(name).ValidateOnStart();|            builder.Services.AddOptions<CircuitBreakerOptions>(name);"
  "control-plane call counted by the breaker strategy|ServiceDefaults/CircuitBreaking/Http/CircuitBreakerPipelineBuilderExtensions.cs|return CircuitBreakerRoute.IsBypassed(request) ? null : registry.Get(CircuitBreakerRoute.For(request));|return registry.Get(CircuitBreakerRoute.For(request));"
  "ejection ignores the cap|$EP/EndpointRecords.cs|return _endpoints.Count(e => e.EjectedUntil is not null) < allowed;|return _endpoints.Count(e => e.EjectedUntil is not null) < _endpoints.Length;"
  "a retry goes to the same endpoint|$EP/EndpointRecords.cs|if (avoid is not null && candidates.Length > 1|if (avoid is null && candidates.Length > 1"
  "an ejected endpoint's failures count toward the service|$EP/EndpointRecords.cs|answers for it already.\n            return CallOutcome.EndpointFailure;|answers for it already.\n            return CallOutcome.Failure;"
  "a failure that may still eject its endpoint counts toward the service|$EP/EndpointRecords.cs|            Eject_NeedsLock(endpoint, _clock.Now());\n        }\n\n        return CallOutcome.EndpointFailure;|            Eject_NeedsLock(endpoint, _clock.Now());\n        }\n\n        return CallOutcome.Failure;"
  "choice of two ignores calls in flight|$EP/EndpointRecords.cs|return candidates[second].InFlight < candidates[first].InFlight ? candidates[second] : candidates[first];|return candidates[first];"
  "reset leaves endpoints ejected|$SM/CircuitBreaker.cs|        MoveByHand(CircuitState.Closed, reason);\n        _endpoints.Reset();|        MoveByHand(CircuitState.Closed, reason);"
)

echo "Copying the repository to $SCRATCH and building the unit tests once..."
tar --exclude='./.git' --exclude='*/bin' --exclude='*/obj' --exclude='./TestResults' --exclude='./Tests/artifacts' -cf - . | tar -xf - -C "$SCRATCH"
# A mutant may leave a field unused or code unreachable: warnings are not errors here.
BUILD=(dotnet build Tests/UnitTests -nologo -v q -clp:ErrorsOnly -p:TreatWarningsAsErrors=false -p:EnforceCodeStyleInBuild=false)
(cd "$SCRATCH" && "${BUILD[@]}" >/dev/null) || { echo "The unmutated copy does not build."; exit 1; }

results=()
survivors=0
for mutation in "${MUTATIONS[@]}"; do
  IFS='|' read -r name file find replace <<<"$mutation"
  find=$(printf '%b' "$find"); replace=$(printf '%b' "$replace")
  [[ -n "$ONLY" ]] && ! [[ "$name" =~ $ONLY ]] && continue
  target="$SCRATCH/$file"
  cp "$target" "$target.orig"
  if ! FIND="$find" REPLACE="$replace" perl -0pi -e 's/\Q$ENV{FIND}\E/$ENV{REPLACE}/g' "$target" || cmp -s "$target" "$target.orig"; then
    results+=("| $name | \`$file\` | NOT APPLIED (text not found) | |")
    survivors=$((survivors + 1))
    mv "$target.orig" "$target"
    continue
  fi

  printf '%-40s ' "$name"
  if ! (cd "$SCRATCH" && "${BUILD[@]}" >/dev/null 2>&1); then
    verdict="NOT COMPILED"; caught=""
    survivors=$((survivors + 1))
  else
    log="$SCRATCH/test.log"
    (cd "$SCRATCH" && timeout 10m dotnet test Tests/UnitTests --no-build --blame-hang --blame-hang-timeout 2m --blame-hang-dump-type none >"$log" 2>&1)
    exit_code=$?
    caught=$(grep -oE '^\s+Failed [A-Za-z0-9_.]+' "$log" | sed 's/.*\.//' | sort -u | head -n 3 | paste -sd ',' | sed 's/,/, /g')
    total_failed=$(grep -oE 'Failed:\s+[0-9]+' "$log" | grep -oE '[0-9]+' | head -n 1)
    if [ "$exit_code" -eq 0 ]; then
      verdict="SURVIVED"
      survivors=$((survivors + 1))
    elif [ -n "$caught" ]; then
      verdict="caught (${total_failed:-?} tests failed)"
    else
      verdict="caught (the test run hung or crashed, and was stopped)"
    fi
  fi

  echo "$verdict"
  results+=("| $name | \`$file\` | $verdict | $caught |")
  mv "$target.orig" "$target"
  touch "$target" # newer than the mutant's build, so the next build compiles the original again
done

table=$( {
  echo "| mutation | file | result | first tests that failed |"
  echo "|---|---|---|---|"
  printf '%s\n' "${results[@]}"
  echo
  echo "$survivors of ${#results[@]} mutations not caught (\`scripts/mutate.sh\`)."
} )
echo
echo "$table"
mkdir -p Tests/artifacts
if [ -z "$ONLY" ]; then
  echo "$table" > Tests/artifacts/mutations.md
else
  { echo "Only the mutations matching \`$ONLY\`:"; echo; echo "$table"; } > Tests/artifacts/mutations-selected.md
fi
[ "$survivors" -eq 0 ]
