using CircuitDemo.Resilience.Core;

namespace CircuitDemo.Resilience.Instances;

/// <summary>
/// How the service's breaker counts a settled attempt: its outcome (a failure its instance answers for is
/// <see cref="CallOutcome.Excused"/>, a slow success it answers for <see cref="CallOutcome.ExcusedSlow"/>: both neutral)
/// and whether it counts as slow (a slow call its instance answers for does not).
/// </summary>
internal readonly record struct ServiceVerdict(CallOutcome Outcome, bool Slow);
