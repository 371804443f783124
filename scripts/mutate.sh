#!/usr/bin/env bash
# Mutation check: breaks the breaker on purpose, one way at a time, in a scratch copy of the repository, runs the unit
# tests against each break (or, for a mutation that names them, the integration tests its filter selects: the parts
# that only real processes exercise), puts the code back, and prints a table. Every mutation must be caught.
#
#   scripts/mutate.sh                  # all mutations (about 30 s each on 2 cores)
#   scripts/mutate.sh "probe cap"      # only those whose name matches the (extended) regular expression
#   scripts/mutate.sh "eject|endpoint|choice|latency"   # the endpoint mutations; their table goes to
#                                      # Tests/artifacts/mutations-selected.md (a whole run writes mutations.md)
#
# Needs only the .NET SDK and perl. Nothing in the repository is changed.
set -uo pipefail
cd "$(dirname "$0")/.."
ONLY="${1:-}"
SCRATCH="$(mktemp -d /tmp/circuitdemo-mutants.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

SM=Resilience/Core
TR=Resilience/Core/TripRules
EP=Resilience/Instances
PL=Resilience/Pipeline
OV=Resilience/Overload
HG=Resilience/Hedging
# name | file | exact text to find | what to put instead [| integration tests' filter]
# (one line each; \n stands for a line break, \x7c for a '|')
MUTATIONS=(
  "a cut below what the instance serves at once|$OV/ConcurrencyLimit.cs|Cut(Math.Max(Math.Max(limit / 2, limit - (queued - Alpha)), serving + Alpha), \"latency\", now);|Cut(Math.Max(limit / 2, limit - (queued - Alpha)), \"latency\", now);"
  "a reset keeps the learnt limits|$EP/InstanceRecords.cs|                instance.Limit.Reset();\n|"
  "hedge sent with the retry budget spent|$HG/HedgedReads.cs|if (breaker.State != CircuitState.Closed \x7c\x7c !budget.TryWithdraw())|if (breaker.State != CircuitState.Closed)"
  "hedge sent beside a HalfOpen probe|$HG/HedgedReads.cs|if (breaker.State != CircuitState.Closed \x7c\x7c !budget.TryWithdraw())|if (!budget.TryWithdraw())"
  "hedge for a read that failed fast|$HG/HedgedReads.cs|if (read.FirstEnded \x7c\x7c !read.Decide())|if (!read.Decide())"
  "refused hedge not counted|$HG/HedgedReads.cs|            Count(ref _refused, \"refused\");\n            return false;|            return false;"
  "a hedge that won counted lost|$HG/HedgedReadsPipeline.cs|hedgeWon: context.Properties.GetValue(HedgedRead.IsHedge, false)|hedgeWon: false"
  "hedge delay the median, not the p95|$HG/HedgeDelay.cs|_gathered.GetValueAtPercentile(95)|_gathered.GetValueAtPercentile(50)"
  "hedge delay under its floor|$HG/HedgeDelay.cs|Math.Clamp(p95, _floor.Ticks, _ceiling.Ticks)|Math.Min(p95, _ceiling.Ticks)"
  "hedging armed without a tail|$HG/HedgeArming.cs|        return _armed;|        return true;"
  "status armed whatever|$HG/HedgedReads.cs|        Delay.Armed,\n|        true,\n"
  "explanation armed when disarmed|Gateway/CircuitBreakers/BreakerExplanation.cs|(hedges.Armed ? \"armed\" :|(!hedges.Armed ? \"armed\" :"
  "a row armed only when every replica is|AppHost/BreakerRows/BreakerRowSnapshot.cs|replicas.Any(r => r.Hedges?.Armed is true)|replicas.All(r => r.Hedges?.Armed is true)|FullyQualifiedName~BreakerRowSnapshotTests"
  "every read through the hedging|$HG/HedgedReadsPipeline.cs|hedges.CanHedge(request) && hedges.Delay.Armed ?|hedges.CanHedge(request) ?"
  "a late read in flight arms nothing|$HG/HedgeArming.cs|if (!_armed && watched != 0 &&|if (!_armed && watched < 0 &&"
  "no read watched while disarmed|$HG/HedgeArming.cs|!_armed && Volatile.Read(ref _watched) == 0|_armed && Volatile.Read(ref _watched) == 0"
  "a watch never ends|$HG/HedgeArming.cs|Interlocked.CompareExchange(ref _watched, 0, started);|Interlocked.CompareExchange(ref _watched, 0, started + 1);"
  "a late read arms below one percent|$HG/HedgeArming.cs|if (late && Interlocked.Increment(ref _late) * 100 >= reads * TailPercent)|if (late && Interlocked.Increment(ref _late) > 0)"
  "an estimate never disarms|$HG/HedgeArming.cs|_armed = Interlocked.Exchange(ref _late, 0) * 100 >= reads * TailPercent && reads > 0;|_armed = _armed \x7c\x7c (Interlocked.Exchange(ref _late, 0) * 100 >= reads * TailPercent && reads > 0);"
  "a hedge due not a late read|$HG/HedgedReads.cs|        Delay.ObserveLate();\n|"
  "a timed-out read not a late read|$PL/CircuitBreakerAttempt.cs|guard.Hedges?.Delay.ObserveLate();|_ = 0;"
  "hedge without its own span|$HG/HedgedReadsPipeline.cs|using var span = telemetry.StartHedge(name, delay);|var span = (System.Diagnostics.Activity?)null;"
  "a write hedged|Resilience/Registration/ServiceGuard.cs|Options.Hedging.Enabled && !BreakerNames.Parse(name).IsWrite|Options.Hedging.Enabled"
  "a read of a service with one instance hedged|$HG/HedgedReads.cs|request.Content is null && instances.InRotation is not (0 or 1);|request.Content is null;"
  "a read with a body hedged|$HG/HedgedReads.cs|request.Content is null && instances.InRotation is not (0 or 1);|instances.InRotation is not (0 or 1);"
  "a row's hedges from one replica only|AppHost/BreakerRows/BreakerRowSnapshot.cs|replicas.Sum(r => r.Hedges?.Sent ?? 0)|hedges.Sent|FullyQualifiedName~BreakerRowSnapshotTests"
  "retry budget ignores the share of the requests|$OV/RetryBudget.cs|return (requests * _ratio) + _floor - retries;|return _floor - retries;"
  "retry budget without its floor|$OV/RetryBudget.cs|_floor = options.MinRetriesPerSecond * options.RetryBudgetWindow.TotalSeconds;|_floor = 0;"
  "retry budget never forgets|$OV/RetryBudget.cs|if (_sliceOf[i] > now - Slices)|if (_sliceOf[i] > now - Slices - 1000)"
  "refused retry not counted|$OV/RetryBudget.cs|                _refused++;\n|"
  "refused retry sent anyway|$PL/CircuitBreakerPipeline.cs|ShouldRetry(isWrite, args) && Paid(guard, telemetry)|ShouldRetry(isWrite, args) && (Paid(guard, telemetry) \x7c\x7c true)"
  "rejected call pays into the budget|$PL/CircuitBreakerPipeline.cs|if (HttpOutcomeClassifier.ReachedService(args.Outcome))|if (true)"
  "drop does not cut the limit|$OV/ConcurrencyLimit.cs|Cut(limit * Backoff, \"drop\", now);|Cut(limit, \"drop\", now);"
  "standing queue does not lower the limit|$OV/ConcurrencyLimit.cs|Cut(Math.Max(Math.Max(limit / 2, limit - (queued - Alpha)), serving + Alpha), \"latency\", now);|Cut(limit, \"latency\", now);"
  "latency cut not capped at half|$OV/ConcurrencyLimit.cs|Math.Max(limit / 2, limit - (queued - Alpha))|Math.Max(1, limit - (queued - Alpha))"
  "busy caller taken for a queue|$OV/ConcurrencyLimit.cs|var standing = delay > (window.Average - window.Fastest) / 2;|var standing = delay > 0;"
  "limit grows while unused|$OV/ConcurrencyLimit.cs|else if (window.MaxInFlight > limit / 2)|else if (true)"
  "limit never grows|$OV/ConcurrencyLimit.cs|Set(grown, reason, now);|Set(limit, reason, now);"
  "a filled limit never doubles (no slow start)|$OV/ConcurrencyLimit.cs|filled && SlowStart(now) ?|false ?"
  "a filled limit doubles with calls in flight no answer accounts for|$OV/ConcurrencyLimit.cs|throughput * window.Average / 1000 >= window.MaxInFlight / 2.0|true"
  "a filled limit doubles soon after a cut|$OV/ConcurrencyLimit.cs|now - cut >= SlowStartAfter|now >= TimeSpan.Zero"
  "after a cut the limit regrows by its square root|$OV/ConcurrencyLimit.cs|_cutAt is { } cut && now - cut < BaselineWindow ?|false ?"
  "after a cut the limit regrows gently for good|$OV/ConcurrencyLimit.cs|_cutAt is { } cut && now - cut < BaselineWindow ?|_cutAt is not null ?"
  "a drop is no cut for the regrowth|$OV/ConcurrencyLimit.cs|            Cut(limit * Backoff, \"drop\", now);|            Set(limit * Backoff, \"drop\", now);"
  "a queue is no cut for the regrowth|$OV/ConcurrencyLimit.cs|            Cut(Math.Max(Math.Max(limit / 2|            Set(Math.Max(Math.Max(limit / 2"
  "half a call waiting is no queue|$OV/ConcurrencyLimit.cs|public const double Beta = 0.5;|public const double Beta = 1;"
  "unused limit decays below the initial one|$OV/ConcurrencyLimit.cs|Set(Math.Max(Math.Max(2 * used, Initial), limit * Decay), \"unused\", now);|Set(Math.Max(2 * used, limit * Decay), \"unused\", now);"
  "a window of one call|$OV/ConcurrencyLimit.cs|_window.Calls < WindowCalls|_window.Calls < 1"
  "limiter ignores its limit|$OV/AdaptiveConcurrencyLimiter.cs|while (inFlight < limit())|while (inFlight < int.MaxValue)"
  "lease returns its permit twice|$OV/AdaptiveConcurrencyLimiter.cs|if (limiter is not null && Interlocked.Exchange(ref _returned, 1) == 0)|if (limiter is not null)"
  "ejected instance keeps its share of the limit|$EP/InstanceRecords.cs|sum += instance.InRotation ? instance.Limit.Value : 0;|sum += instance.Limit.Value;"
  "capacity mode serves without a limit|FailureModes/FailureModeState.cs|PermitLimit = concurrency,|PermitLimit = 10_000,|FullyQualifiedName~CapacityTests"
  "no lock|$SM/CircuitBreaker.cs|lock (_lock)|lock (new object())"
  "probe cap ignored|$SM/ProbeSlots.cs|if (_inFlight.Count >= slots)|if (_inFlight.Count >= int.MaxValue)"
  "failed probe does not reopen|$SM/CircuitBreaker.cs|Open_NeedsLock(\"probe failed\", Now(), reopening: true);|_probeSuccesses--;"
  "success threshold off by one|$SM/CircuitBreaker.cs|++_probeSuccesses >= _options.SuccessThreshold|++_probeSuccesses > _options.SuccessThreshold"
  "failure window ignored|$TR/ConsecutiveFailureTracker.cs|if (_failureTicks[index] > oldestCounted)|if (_failureTicks[index] >= 0)"
  "ratio window shorter than the contract|$TR/FailureRatioWindow.cs|if (_bucketIds[i] > currentId - BucketCount)|if (_bucketIds[i] > currentId - BucketCount + 2)"
  "slow probe counted as success|$SM/CircuitBreaker.cs|        else if (slow)\n        {\n            // A probe that answered, but late|        else if (slow && false)\n        {\n            // A probe that answered, but late"
  "slow-call ratio off by one|$TR/SlowCallRing.cs|return Count == _slow.Length && SlowCount >= ratio * Count;|return Count == _slow.Length && SlowCount > ratio * Count;"
  "slow-call rule trips before its window is full|$TR/SlowCallRing.cs|return Count == _slow.Length && SlowCount|return Count > 0 && SlowCount"
  "old slow calls never leave the window|$TR/SlowCallRing.cs|            SlowCount -= _slow[_next] ? 1 : 0;|            SlowCount -= 0;"
  "limiter rejection counted as failure|$PL/CircuitBreakerPipeline.cs|                        guard.Breaker.CountRejected();|                        guard.Breaker.Complete(guard.Breaker.TryAcquire(), CallOutcome.Failure);"
  "overloaded section reported as an error|Gateway/Downstream/FallbackReason.cs|        CallFailure.Overloaded => FallbackReasons.Overloaded,\n|"
  "ratio rule ignored|$TR/TripPolicy.cs|var ratioTrip = _ratio?.RecordFailure(now.Ticks) ?? false;|var ratioTrip = _ratio?.RecordFailure(now.Ticks) is true && false;"
  "isolate does not reject|$SM/CircuitBreaker.cs|case CircuitState.Closed:|case CircuitState.Closed or CircuitState.Isolated:"
  "reset keeps the streak|$TR/TripPolicy.cs|        _consecutive.Reset();\n        _ratio?.Reset();|        _ratio?.Reset();"
  "wall clock for durations|$SM/BreakerClock.cs|public TimeSpan Now() => _time.GetElapsedTime(_createdAt);|public TimeSpan Now() => _time.GetUtcNow() - DateTimeOffset.UnixEpoch;"
  "display time read afresh for each change|$SM/BreakerClock.cs|return _anchorWallClock + (instant - _anchorInstant);|return wallClock - (before - instant);"
  "descheduled reading taken for a step|$SM/BreakerClock.cs|if (after - before < StepToFollow / 2 && drift.Duration() > StepToFollow)|if (after >= before && drift.Duration() > StepToFollow)"
  "subscriber exception not caught|$SM/ChangeNotifier.cs|            catch (Exception exception)\n            {\n                // A throwing subscriber|            catch (Exception exception) when (exception is null)\n            {\n                // A throwing subscriber"
  "queued change never delivered|$SM/ChangeNotifier.cs|        Interlocked.Increment(ref _queued);\n|"
  "events delivered out of order|$SM/ChangeNotifier.cs|if (Interlocked.CompareExchange(ref _delivering, 1, 0) != 0)|if (Interlocked.Exchange(ref _delivering, 1) is < 0)"
  "stale result changes state|$SM/CircuitBreaker.cs|permit.Epoch != _epoch|permit.Epoch < 0"
  "probe slots forgotten on each change|$SM/CircuitBreaker.cs|        _probeSuccesses = 0;\n        _history.Add(change);|        _probeSuccesses = 0;\n        _probes.ReleaseAll();\n        _history.Add(change);"
  "cancellation counted as failure|$SM/OutcomeClassifier.cs|? CallOutcome.Cancelled|? CallOutcome.Failure"
  "cancellation lowers the total|$SM/CallCounts.cs|                Cancelled++;|                Total--;"
  "open duration growth uncapped|$SM/OpenDurationGrowth.cs|return grown >= options.MaxOpenDuration.Ticks ?|return grown >= long.MaxValue ?"
  "guard reachable before the telemetry is told|Resilience/Registration/CircuitBreakerRegistry.cs|            var guard = new ServiceGuard(key.Name, _optionsOf(key.Name), _time, _onSubscriberError);\n            _created?.Invoke(guard);|            var guard = new ServiceGuard(key.Name, _optionsOf(key.Name), _time, _onSubscriberError);\n            _guards[key.Name] = guard;\n            _created?.Invoke(guard);"
  "body not read inside the breaker|Resilience/Http/WholeResponseStrategy.cs|            await WholeResponse.ReadAsync(request, response, limit, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);|            _ = limit;"
  "service discovery's first answer waited on past the attempt timeout|$PL/CircuitBreakerAttempt.cs|WaitAsync(guard.Options.Breaker.AttemptTimeout, time, context.CancellationToken)|WaitAsync(Timeout.InfiniteTimeSpan, time, context.CancellationToken)"
  "retry waits on Retry-After|$PL/CircuitBreakerPipeline.cs|ShouldRetryAfterHeader = false,|ShouldRetryAfterHeader = true,"
  "timeouts and rejections retried|Resilience/Http/HttpOutcomeClassifier.cs|FailureOf(outcome.Exception) is not (CallFailure.Rejected or CallFailure.Overloaded or CallFailure.TimedOut)|FailureOf(outcome.Exception) is not CallFailure.Unexpected"
  "a write without a key retried|Resilience/Http/HttpOutcomeClassifier.cs|request?.Headers.Contains(Contracts.HeaderNames.IdempotencyKey) == true|request is not null"
  "a write retried after a 4xx|Resilience/Http/HttpOutcomeClassifier.cs|: (int)outcome.Result!.StatusCode >= 500);|: (int)outcome.Result!.StatusCode >= 400);"
  "a failed write not retried|$PL/CircuitBreakerPipeline.cs|        pipeline.AddRetry(Retry(breakerKey.IsWrite, guard, telemetry));|        if (!breakerKey.IsWrite)\n        {\n            pipeline.AddRetry(Retry(false, guard, telemetry));\n        }"
  "429 is a success|Resilience/Http/HttpOutcomeClassifier.cs|statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests|statusCode is HttpStatusCode.RequestTimeout"
  "rejection not counted|$SM/CallCounts.cs|            Rejected++;\n        }|            Rejected += 0;\n        }"
  "parsed answer not carried forward|Resilience/Http/ExpectedJson.cs|        response.Content = new UsableJsonContent(body, json, value, original);\n        original.Dispose();|        _ = (body, json, value, original);"
  "a second whole-body read|Resilience/Pipeline/CircuitBreakerPipeline.cs|        pipeline.AddStrategy(_ => new WholeResponseStrategy(options.Limits.MaxResponseBodyBytes), new WholeResponseOptions());|        pipeline.AddStrategy(_ => new WholeResponseStrategy(options.Limits.MaxResponseBodyBytes), new WholeResponseOptions());\n        pipeline.AddStrategy(_ => new WholeResponseStrategy(options.Limits.MaxResponseBodyBytes), new WholeResponseOptions());"
  "control-plane call through the breaker|$PL/CircuitBreakerPipeline.cs|? key.Name + BypassSuffix : key.Name;|? key.Name : key.Name;"
  "undeclared host gets the pipeline|$PL/CircuitBreakerPipeline.cs|        if (!registry.Guards(key.Service))\n        {\n            return Unguarded;|        if (!registry.Guards(key.Service) && false)\n        {\n            return Unguarded;"
  "probe left uncompleted when the classifier throws|$PL/CircuitBreakerStrategy.cs|        try\n        {\n            callOutcome = classify(outcome, context);\n        }\n        finally\n        {|        callOutcome = classify(outcome, context);\n        {"
  "lease and permit left when the verdict throws|$PL/CircuitBreakerAttempt.cs|        try\n        {\n            // 4. The verdict: success, failure, or cancelled by the caller, decided from the outcome alone.\n            verdict = HttpOutcomeClassifier.Classify(outcome, context.CancellationToken);\n        }\n        finally\n        {|        {\n            // 4. The verdict: success, failure, or cancelled by the caller, decided from the outcome alone.\n            verdict = HttpOutcomeClassifier.Classify(outcome, context.CancellationToken);\n        }\n        {"
  "reset keeps the probe slots|$SM/CircuitBreaker.cs|                ClearTripCounts_NeedsLock();\n                _probes.ReleaseAll();|                ClearTripCounts_NeedsLock();"
  "reset from Closed keeps the period|$SM/CircuitBreaker.cs|            else if (to == CircuitState.Closed)\n|            else if (to == CircuitState.Closed && _epoch < 0)\n"
  "permit completed twice accepted|$SM/CircuitBreaker.cs|if (!CanComplete_NeedsLock(permit))|if (!CanComplete_NeedsLock(permit) && _epoch < 0)"
  "permit of another breaker accepted|$SM/CircuitPermit.cs|if (!ReferenceEquals(Issuer, breaker))|if (!ReferenceEquals(Issuer, breaker) && Epoch < 0)"
  "any exception cancelled when the caller cancelled|$SM/OutcomeClassifier.cs|exception is OperationCanceledException && callerToken.IsCancellationRequested|callerToken.IsCancellationRequested"
  "attempt timeout under Polly's 10 ms accepted|Resilience/Core/CircuitBreakerOptions.cs|internal const string PollyMin = \"00:00:00.010\";|internal const string PollyMin = \"00:00:00.001\";"
  "slow-call duration at the attempt timeout accepted|Resilience/Registration/CircuitBreakerOptionsValidator.cs|slowCall < breaker.AttemptTimeout,|slowCall <= breaker.AttemptTimeout * 2,"
  "unknown exception escapes the dashboard section|Gateway/Downstream/DownstreamClient.cs|catch (Exception exception) when (!cancellationToken.IsCancellationRequested)|catch (Exception exception) when (!cancellationToken.IsCancellationRequested && CircuitBreakingExtensions.FailureOf(exception) != CallFailure.Unexpected)"
  "payment answer parsed again|Gateway/Downstream/ServiceAnswer.cs|if (content is UsableJsonContent usable)|if (content is UsableJsonContent usable && usable.Value is null)"
  "a payment sent without its request id|Gateway/Downstream/PaymentServiceClient.cs|        request.Headers.Add(HeaderNames.RequestId, Guid.NewGuid().ToString(\"N\"));\n|"
  "breaker options not validated on start|Resilience/Registration/CircuitBreakingExtensions.cs|            builder.Services.AddOptions<ServiceGuardOptions>(name).ValidateOnStart();|            builder.Services.AddOptions<ServiceGuardOptions>(name);"
  "control-plane call counted by the breaker strategy|$PL/BreakerStrategyExtensions.cs|return !registry.Guards(key.Service) \x7c\x7c CircuitBreakerRoute.IsBypassed(request) \x7c\x7c !registry.OptionsFor(key).Enabled|return !registry.Guards(key.Service)"
  "the breaker strategy guards any host|$PL/BreakerStrategyExtensions.cs|return !registry.Guards(key.Service) \x7c\x7c CircuitBreakerRoute.IsBypassed(request)|return false \x7c\x7c CircuitBreakerRoute.IsBypassed(request)"
  "return timer does not look again|$SM/DueTimer.cs|        read();\n        Rearm();|        read();"
  "ejection ignores the cap|Resilience/Instances/EjectionPolicy.cs|public int Allowed(int listed) => Allowed(listed, options.MaxEjectionPercent);|public int Allowed(int listed) => listed;"
  "a retry goes to the same endpoint|Resilience/Instances/InstanceChoice.cs|if (avoid is not null && instances[i].Address == avoid)|if (avoid is null && instances[i].Address == avoid)"
  "an ejected endpoint's failures count toward the service|Resilience/Instances/InstanceRecords.cs|return new(failed ? CallOutcome.Excused : slow ? CallOutcome.ExcusedSlow : CallOutcome.Success, Slow: false);|return new(failed ? CallOutcome.Failure : slow ? CallOutcome.ExcusedSlow : CallOutcome.Success, Slow: false);"
  "a failure that may still eject its endpoint counts toward the service|Resilience/Instances/EjectionPolicy.cs|var excused = ejected \x7c\x7c (FailureThreshold > 0 && room && rotation.AnotherClearOfFailures);|var excused = ejected;"
  "every endpoint failing still answers for it|Resilience/Instances/EjectionPolicy.cs|clearOfFailures \x7c= inRotation && other.Streaks.Failures == 0;|clearOfFailures \x7c= inRotation;"
  "choice of two ignores calls in flight|Resilience/Instances/InstanceChoice.cs|Math.Max(Estimate(instances, instance, now), LeastLatencyMs) * (instance.InFlight + 1);|Math.Max(Estimate(instances, instance, now), LeastLatencyMs);"
  "choice of two ignores latency|Resilience/Instances/InstanceChoice.cs|Math.Max(Estimate(instances, instance, now), LeastLatencyMs) * (instance.InFlight + 1);|LeastLatencyMs * (instance.InFlight + 1);"
  "a failure charged no penalty|Resilience/Instances/InstanceRecords.cs|instance.Latency.Record(failed ? _failureCharge : duration, failed, now, _choice.LatencyDecay);|instance.Latency.Record(duration, failed, now, _choice.LatencyDecay);"
  "latency estimate never decays|Resilience/Instances/LatencyEstimate.cs|now <= at ? value : value * Math.Exp(-(now - at).Ticks / (double)decay.Ticks);|value;"
  "a slower call does not raise the estimate|Resilience/Instances/LatencyEstimate.cs|_latency = Math.Max(duration.TotalMilliseconds, HasLatency ? LatencyAt(now, decay) : 0);|_latency = HasLatency ? LatencyAt(now, decay) : duration.TotalMilliseconds;"
  "an endpoint nothing completed on looks the fastest|$EP/InstanceChoice.cs|return known > 0 ? sum / known : 0;|return 0;"
  "slow calls never eject|Resilience/Instances/EjectionPolicy.cs|var bySlowCalls = slow && byFailures != Ejection.Ejected|var bySlowCalls = false && byFailures != Ejection.Ejected"
  "an endpoint's slowness reaches the service's rule|Resilience/Instances/EjectionPolicy.cs|var slowExcused = slow && (ejected \x7c\x7c (SlowCallThreshold > 0 && room && rotation.AnotherClearOfSlowCalls));|var slowExcused = false;"
  "refused ejections not counted|Resilience/Instances/InstanceRecords.cs|_ejectionsRefused += verdict.Refused ? 1 : 0;|_ejectionsRefused += 0;"
  "stale ejection counts|Resilience/Instances/InstanceRecords.cs|            var now = _clock.Now();\n            ReturnDue_NeedsLock(now);\n            instance.InFlight--;|            var now = _clock.Now();\n            instance.InFlight--;"
  "a shrunk list keeps its ejections|Resilience/Instances/InstanceRecords.cs|while (Ejected_NeedsLock() > _policy.Allowed(_instances.Length))|while (Ejected_NeedsLock() > _instances.Length)"
  "a removed endpoint's result changes its record|Resilience/Instances/InstanceRecords.cs|        if (instance.Removed)\n        {\n            return new(failed ? CallOutcome.Failure : CallOutcome.Success, slow);\n        }\n|"
  "a pod named by its place in the list|Resilience/Instances/ServiceInstances.cs|return label is not null && label.StartsWith(service + \"-\", StringComparison.OrdinalIgnoreCase)|return label is not null && label.Length < 0"
  "reset leaves endpoints ejected|Resilience/Registration/ServiceGuard.cs|        Breaker.Reset();\n        Instances.Reset();|        Breaker.Reset();"
  "a failed endpoint wins a tie|Resilience/Instances/InstanceChoice.cs| \x7c\x7c (loadB == loadA && b.Streaks.Failures < a.Streaks.Failures)|"
  "an unreachable instance passed over in silence|Gateway/FailureSimulation/FailureSimulationApi.cs|if (answers.All(a => a.Changed) \x7c\x7c|if (answers.Any(a => a.Changed) \x7c\x7c|FullyQualifiedName~SimulateFailure_OneInstanceOfTwo"
  "DNS list changes unheard|Resilience/Discovery/DnsSrvList.cs|        changed.Cancel();\n|\n|FullyQualifiedName~PodsFoundByDns"
  "DNS empty answer replaces the list|Resilience/Discovery/DnsSrvList.cs|        if (pods.Count == 0)\n        {|        if (pods.Count == 0 && false)\n        {|FullyQualifiedName~PodsFoundByDns"
  "pods listed in the cluster's gateway|deploy/kubernetes/gateway.yaml|            - name: ServiceDiscovery__Dns__Enabled|            - name: services__payment-service__http__0\n              value: http://payment-service-0.payment-service:8080\n            - name: ServiceDiscovery__Dns__Enabled|FullyQualifiedName~KubernetesDeploymentTests"
  "configuration provider left out|Resilience/Discovery/DnsDiscoveryExtensions.cs|        services.AddConfigurationServiceEndpointProvider();\n        if|        if"
  "one service's instance count ignored|AppHost/Stubs/StubServiceExtensions.cs|var key = builder.Configuration[Settings.StubInstancesOf(service)] is null ? Settings.StubInstances : Settings.StubInstancesOf(service);|var key = Settings.StubInstances;|FullyQualifiedName~StubInstancesTests"
  "DNS asked before configuration|Resilience/Discovery/DnsDiscoveryExtensions.cs|            services.AddSingleton<IServiceEndpointProviderFactory, DnsSrvEndpointProviderFactory>();|            services.AddSingleton<IServiceEndpointProviderFactory, DnsSrvEndpointProviderFactory>();\n            services.AddConfigurationServiceEndpointProvider();"
  "an excused slow call counted as a fast success|Resilience/Instances/EjectionPolicy.cs|counted = slowExcused ? new(CallOutcome.ExcusedSlow, Slow: false) : new(CallOutcome.Success, slow);|counted = slowExcused ? new(CallOutcome.Success, Slow: false) : new(CallOutcome.Success, slow);"
  "an unexpected DNS exception ends the refresh loop|Resilience/Discovery/DnsSrvList.cs|catch (Exception exception) when (!_stopping.IsCancellationRequested)|catch (Exception exception) when (exception is DnsClient.DnsResponseException && !_stopping.IsCancellationRequested)"
  "the DNS list dies with an idle provider|Resilience/Discovery/DnsSrvEndpointProviderFactory.cs|var list = _lists.GetOrAdd(record, name => new Lazy<DnsSrvList>(() => new DnsSrvList(|var list = new Lazy<DnsSrvList>(() => new DnsSrvList(\n            query.ServiceName, record, Resolve ?? _lookup.Value.ResolveAsync, options.Value.RefreshPeriod, timeProvider, _logger)).Value;\n        _ = _lists.GetOrAdd(record, name => new Lazy<DnsSrvList>(() => new DnsSrvList("
  "the DNS list dies with an idle provider, in a gateway idle while DNS is silent|Resilience/Discovery/DnsSrvEndpointProviderFactory.cs|var list = _lists.GetOrAdd(record, name => new Lazy<DnsSrvList>(() => new DnsSrvList(|var list = new Lazy<DnsSrvList>(() => new DnsSrvList(\n            query.ServiceName, record, Resolve ?? _lookup.Value.ResolveAsync, options.Value.RefreshPeriod, timeProvider, _logger)).Value;\n        _ = _lists.GetOrAdd(record, name => new Lazy<DnsSrvList>(() => new DnsSrvList(|FullyQualifiedName~IdleWhileDnsIsSilent"
  "a failing slow call's refusal miscounted by the cap|Resilience/Instances/EjectionPolicy.cs|var refused = byFailures == Ejection.Refused \x7c\x7c bySlowCalls == Ejection.Refused;|var refused = byFailures == Ejection.Refused ^ bySlowCalls == Ejection.Refused;"
  "an error on one DNS candidate skips the rest|Resilience/Discovery/SrvLookup.cs|                failed = exception; // this candidate's server failed: the next candidate may still answer\n                continue;|                throw;|FullyQualifiedName~PodsFoundByDns"
  "search domains after the bare name whatever ndots|Resilience/Discovery/SrvLookup.cs|return name.Count(c => c == '.') < ndots ? [.. searched, name] : [name, .. searched];|return [name, .. searched];"
  "SRV records of every priority used|Resilience/Discovery/SrvLookup.cs|var preferred = records.Where(r => r.Priority == lowest)|var preferred = records.Where(r => true)|FullyQualifiedName~SrvRecordsTests"
  "SRV records the lighter first|Resilience/Discovery/SrvLookup.cs|.OrderByDescending(r => r.Weight)|.OrderBy(r => r.Weight)|FullyQualifiedName~SrvRecordsTests"
  "a dual-stack pod at its IPv6 address|Resilience/Discovery/SrvLookup.cs|a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)|a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)|FullyQualifiedName~SrvRecordsTests"
  "a dual-stack pod counted once per address|Resilience/Discovery/SrvLookup.cs|if (address is not null && pods.TrueForAll(p => p.Name != target))\n            {\n                pods.Add(new Pod(target, record.Port, [address]));|foreach (var each in addresses)\n            {\n                pods.Add(new Pod(target, record.Port, [each]));|FullyQualifiedName~SrvRecordsTests"
  "an SRV target of . taken for a pod|Resilience/Discovery/SrvLookup.cs|            if (target.Length == 0)\n|            if (false)\n|FullyQualifiedName~SrvRecordsTests"
  "an Explain time without its zone|Gateway/CircuitBreakers/BreakerExplanation.cs|Opened at {last.Timestamp:HH:mm:ss} UTC by the rule|Opened at {last.Timestamp:HH:mm:ss} by the rule"
  "open duration growth kept through a close|$SM/OpenPeriod.cs|_duration = reopening ? OpenDurationGrowth.Next(_duration, options) : options.OpenDuration;|_duration = reopening ? OpenDurationGrowth.Next(_duration, options) : _duration;"
  "a returned instance keeps the estimate it left with|Resilience/Instances/InstanceRecords.cs|(instance.EjectedUntil, instance.EjectionReason, instance.Streaks, instance.Latency) = (null, null, default, default);|(instance.EjectedUntil, instance.EjectionReason, instance.Streaks) = (null, null, default);"
  "rejections push the calls that tripped the rule out of view|Resilience/Observability/RecentCalls.cs|                (_rejectedSince, _lastRejection) = (_rejectedSince + 1, call.Timestamp);|                (_rejectedSince, _lastRejection) = (_rejectedSince + 1, call.Timestamp);\n                _ring[_count++ % Capacity] = call;"
  "rejections counted since ever, not since the last call|Resilience/Observability/RecentCalls.cs|                _rejectedSince = 0;\n|"
  "an older list takes the records back|$EP/InstanceRecords.cs|&& _listed is InstanceList { Version: var current } && version < current)|&& _listed is InstanceList { Version: var current } && version < current && false)"
  "every host called kept for good|$PL/CircuitBreakerPipeline.cs|new DirectAttempt(instances, remember: false)|new DirectAttempt(instances, remember: true)"
  "the key not unique in the ledger|PaymentService/Ledger/LedgerSql.cs|PRIMARY KEY (user_id, idempotency_key)|PRIMARY KEY (user_id, idempotency_key, id)|FullyQualifiedName~Ledger"
  "a key reused for another amount replayed|PaymentService/Ledger/PaymentLedger.cs|: stored.Payment.Amount != amount \x7c\x7c stored.Payment.Currency != currency ? PaymentTaken.Conflict|: false ? PaymentTaken.Conflict|FullyQualifiedName~Ledger"
  "a request's own payment answered as a replay|PaymentService/Ledger/PaymentLedger.cs|: requestId is { Length: > 0 } && stored.RequestId == requestId ? PaymentTaken.Created|: false ? PaymentTaken.Created|FullyQualifiedName~Ledger"
  "a ledger locked at start stops the process|PaymentService/Ledger/LedgerStores.cs|when (locked.SqliteErrorCode is SqliteBusy or SqliteLocked)|when (false)|FullyQualifiedName~LedgerProcessTests"
  "the oldest payments listed first|PaymentService/Ledger/LedgerSql.cs|ORDER BY created_at DESC, id DESC|ORDER BY created_at ASC, id ASC|FullyQualifiedName~Ledger"
  "the amount rounded in the store|PaymentService/Ledger/StoredPayment.cs|amount.ToString(CultureInfo.InvariantCulture)|Math.Round(amount).ToString(CultureInfo.InvariantCulture)|FullyQualifiedName~Ledger"
  "a store failure escapes as an exception|PaymentService/Ledger/LedgerStore.cs|catch (Exception exception) when (IsStoreFailure(exception) && !cancellationToken.IsCancellationRequested)|catch (Exception exception) when (exception is null)|FullyQualifiedName~Ledger"
  "ejection time never grows|Resilience/Instances/EjectionPolicy.cs|var grown = options.BaseEjectionTime * ejections;|var grown = options.BaseEjectionTime;"
  "ejection settings not bound from configuration|Resilience/Registration/CircuitBreakerOptionsSetup.cs|        layer.Bind(options.Ejection);\n|"
  "the top-level switch ignored|Resilience/Registration/CircuitBreakerOptionsSetup.cs|            options.Enabled = false;|            options.Enabled = options.Enabled;"
  "the core names a sibling namespace|Resilience/Core/CircuitBreakerStatus.cs|using CircuitDemo.Contracts;\n|using CircuitDemo.Contracts;\nusing CircuitDemo.Resilience.Instances;\n"
  "slow decided twice, the records with their own rule|Resilience/Pipeline/CircuitBreakerAttempt.cs|var counted = lease?.Settle(verdict, duration, slow)|var counted = lease?.Settle(verdict, duration, duration > TimeSpan.FromDays(1))"
  "a failure's penalty fades as slowly as a latency|Resilience/Instances/LatencyEstimate.cs|public const int PenaltyFadesFaster = 10;|public const int PenaltyFadesFaster = 1;"
  "an instance's cold first call taken as its latency|Resilience/Instances/LatencyEstimate.cs|        if (!_answered)\n|        if (false)\n"
  "a heading a code comment cites renamed|docs/contract.md|## 3. The gateway|## 3. The Gateway|FullyQualifiedName~EveryDocumentMentioned"
  "a stopped gateway's breaker row keeps its last health|AppHost/BreakerRows/BreakerRowSnapshot.cs|KnownResourceStateStyles.Info) }).WithHealthReports([]);|KnownResourceStateStyles.Info) });|FullyQualifiedName~BreakerRowSnapshotTests"
  "a first DNS answer waited on past the attempt timeout|Resilience/Pipeline/CircuitBreakerAttempt.cs|await WithinAttemptTimeout(pending, service, context).ConfigureAwait(false)|await pending.ConfigureAwait(false)"
)


echo "Copying the repository to $SCRATCH and building the unit tests once..."
tar --exclude='./.git' --exclude='*/bin' --exclude='*/obj' --exclude='./TestResults' --exclude='./Tests/artifacts' -cf - . | tar -xf - -C "$SCRATCH"
# A mutant may leave a field unused or code unreachable: warnings are not errors here.
BUILD=(dotnet build -nologo -v q -clp:ErrorsOnly -p:TreatWarningsAsErrors=false -p:EnforceCodeStyleInBuild=false)
(cd "$SCRATCH" && "${BUILD[@]}" Tests/UnitTests >/dev/null) || { echo "The unmutated copy does not build."; exit 1; }
# A mutant is caught only if a test fails that passed before it: the unmutated unit tests must all pass first.
(cd "$SCRATCH" && dotnet test Tests/UnitTests --no-build >"$SCRATCH/unmutated.log" 2>&1) \
  || { echo "The unmutated unit tests do not all pass; every mutant would look caught:"; grep -E '^\s+Failed ' "$SCRATCH/unmutated.log"; exit 1; }

results=()
survivors=0
for mutation in "${MUTATIONS[@]}"; do
  IFS='|' read -r name file find replace filter <<<"$mutation"
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
  project=Tests/UnitTests; selection=()
  [ -n "$filter" ] && { project=Tests/IntegrationTests; selection=(--filter "$filter"); }
  if ! (cd "$SCRATCH" && "${BUILD[@]}" "$project" >/dev/null 2>&1); then
    verdict="NOT COMPILED"; caught=""
    survivors=$((survivors + 1))
  else
    log="$SCRATCH/test.log"
    (cd "$SCRATCH" && timeout 10m dotnet test "$project" --no-build "${selection[@]}" --blame-hang --blame-hang-timeout 2m --blame-hang-dump-type none >"$log" 2>&1)
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
