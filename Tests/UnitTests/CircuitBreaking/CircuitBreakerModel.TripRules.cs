namespace CircuitDemo.UnitTests.CircuitBreaking;

/// <summary>The model's trip rules while Closed: consecutive failures, the failure ratio and the slow-call share.</summary>
internal sealed partial class CircuitBreakerModel
{
    private sealed partial class Replay
    {
        private void CompleteWhileClosed(bool failed, bool slow, TimeSpan at, bool breakerOpened)
        {
            _sampled.Add((at, failed));
            _slowness.Add(slow);
            var slowTrips = SlowCallsTrip(out var slowReason);
            if (!failed)
            {
                _streak.Clear();
                if (slowTrips)
                {
                    Open(slowReason, at);
                }

                return;
            }

            _streak.Add(at);
            if (FailuresInWindow(at) >= options.FailureThreshold)
            {
                Open([$"{options.FailureThreshold}", "consecutive"], at);
                return;
            }

            string[]? ratioReason = null;
            var ratioTrips = options.FailureRatio is { } ratio ? RatioTrips(ratio, at, out ratioReason) : false;
            ratioReason ??= [];
            switch (ratioTrips)
            {
                case true:
                    Open(ratioReason, at);
                    break;
                case null when slowTrips:
                    // Either rule may have said it first: the reason names one of them.
                    Open(ratioReason, at, or: slowReason);
                    break;
                case null when breakerOpened:
                    Open(ratioReason, at);
                    break;
                default:
                    if (slowTrips)
                    {
                        Open(slowReason, at);
                    }

                    break;
            }
        }

        // Contract: of the last SlowCallWindow completed calls (a full window), the share slower than SlowCallDuration
        // reaches SlowCallRatio. The reason says how many of how many were slower than the duration.
        private bool SlowCallsTrip(out string[] reason)
        {
            reason = [];
            if (options.SlowCallDuration is not { } duration || _slowness.Count < options.SlowCallWindow)
            {
                return false;
            }

            var slow = _slowness.TakeLast(options.SlowCallWindow).Count(s => s);
            reason = [$"{slow} of {options.SlowCallWindow}", "slower than", $"{duration.TotalSeconds:0.###} s"];
            return slow >= options.SlowCallRatio * options.SlowCallWindow;
        }

        // docs/pattern.md, "The states", the ratio rule: over the last SamplingDuration, the window moving in steps of a tenth of it. So a call
        // completed at most nine tenths of it ago is in the window, one completed the whole duration ago or earlier is
        // not, and of those in between the window holds the younger ones, however many. True or false when every such
        // window agrees; null when the contract allows either.
        private bool? RatioTrips(double ratio, TimeSpan at, out string[]? reason)
        {
            var surely = _sampled.Where(c => at - c.At <= options.SamplingDuration * 0.9).ToList();
            var perhaps = _sampled.Where(c => at - c.At > options.SamplingDuration * 0.9 && at - c.At < options.SamplingDuration)
                .OrderByDescending(c => c.At).ToList();
            var verdicts = Enumerable.Range(0, perhaps.Count + 1)
                .Select(younger => surely.Concat(perhaps.Take(younger)).ToList())
                .Select(window => window.Count >= options.MinimumThroughput && window.Count(c => c.Failed) >= ratio * window.Count)
                .Distinct()
                .ToList();

            // It names the ratio it reached, and the failures out of the calls when the window is known exactly.
            reason = perhaps.Count == 0
                ? ["ratio", $"{ratio:0.##}", $"{surely.Count(c => c.Failed)}/{surely.Count}"]
                : ["ratio", $"{ratio:0.##}"];
            return verdicts.Count == 1 ? verdicts[0] : null;
        }
    }
}
