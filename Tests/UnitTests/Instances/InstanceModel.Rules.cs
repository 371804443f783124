namespace CircuitDemo.UnitTests.Instances;

/// <summary>The contract's instance rules, as the model states them, apart from the code under test.</summary>
internal sealed partial class InstanceModel
{
    // A failure (or a slow call) is its endpoint's while the endpoint answers for it: it is out already, it has
    // just been ejected, or one more endpoint may be ejected and not every endpoint in rotation is on such a streak.
    // What the endpoint answers for is neutral for the service: a failure is excused; a slow answer is excused too
    // (a success in the totals, in no trip rule), never a fast success. An endpoint no longer listed answers for nothing.
    private ServiceVerdict Judge(InstanceModelRecord model, bool failed, bool slow)
    {
        ReturnDue();
        if (model.Removed)
        {
            return new(failed ? CallOutcome.Failure : CallOutcome.Success, slow);
        }

        if (model.Until is not null)
        {
            return new(failed ? CallOutcome.Excused : slow ? CallOutcome.ExcusedSlow : CallOutcome.Success, false);
        }

        model.Failures = failed ? model.Failures + 1 : 0;
        model.SlowCalls = slow ? model.SlowCalls + 1 : 0;
        var byFailures = failed ? EjectAt(model, model.Failures, _options.Ejection.EjectionConsecutiveFailures) : default;
        var bySlowCalls = slow && !byFailures.Ejected ? EjectAt(model, model.SlowCalls, _options.Ejection.EjectionConsecutiveSlowCalls) : default;
        var ejected = byFailures.Ejected || bySlowCalls.Ejected;
        _refused += byFailures.Refused || bySlowCalls.Refused ? 1 : 0; // one call, one refusal at most
        var failureIsItsOwn = failed && (ejected || (_options.Ejection.EjectionConsecutiveFailures > 0 && Ejected < Allowed && _tracked.Any(i => _models[i].Until is null && _models[i].Failures == 0)));
        var slownessIsItsOwn = slow && (ejected || (_options.Ejection.EjectionConsecutiveSlowCalls > 0 && Ejected < Allowed && _tracked.Any(i => _models[i].Until is null && _models[i].SlowCalls == 0)));
        return (failed, failureIsItsOwn, slownessIsItsOwn) switch
        {
            (true, true, _) => new(CallOutcome.Excused, slow && !slownessIsItsOwn),
            (true, false, _) => new(CallOutcome.Failure, slow && !slownessIsItsOwn),
            (false, _, true) => new(CallOutcome.ExcusedSlow, false),
            _ => new(CallOutcome.Success, slow),
        };
    }

    // At most this share of the listed endpoints out, rounded down, and never the last one.
    private int Allowed => Math.Min(_tracked.Count * _options.Ejection.MaxEjectionPercent / 100, _tracked.Count - 1);

    private int Ejected => _tracked.Count(i => _models[i].Until is not null);

    // Ejected, or refused by the cap (a refusal counts when the streak reaches the threshold, not after).
    private (bool Ejected, bool Refused) EjectAt(InstanceModelRecord model, int streak, int threshold)
    {
        if (threshold == 0 || streak < threshold)
        {
            return (false, false);
        }

        if (Ejected >= Allowed)
        {
            return (false, streak == threshold && _tracked.Count > 1);
        }

        model.Ejections++;
        var time = _options.Ejection.BaseEjectionTime * model.Ejections;
        model.Until = Now + (time < _options.Ejection.MaxEjectionTime ? time : _options.Ejection.MaxEjectionTime);
        return (true, false);
    }

    // The list a lease was given is the records' from then on: a listed instance keeps its record, a new one starts
    // afresh, and the cap holds for the new list (the ejected ones it no longer allows are back, soonest due first).
    private void Track()
    {
        if (_tracked.SequenceEqual(_list))
        {
            return;
        }

        _tracked = [.. _list];
        foreach (var instance in _tracked.Where(i => !_models.ContainsKey(i)))
        {
            _models[instance] = new InstanceModelRecord();
        }

        foreach (var gone in _models.Keys.Except(_tracked).ToList())
        {
            _models[gone].Removed = true;
            _models.Remove(gone);
        }

        while (Ejected > Math.Max(Allowed, 0))
        {
            var soonest = _tracked.Where(i => _models[i].Until is not null).MinBy(i => _models[i].Until)!;
            (_models[soonest].Until, _models[soonest].Failures, _models[soonest].SlowCalls) = (null, 0, 0);
        }
    }

    // An ejected instance is back, its streaks cleared, once its time is over.
    private void ReturnDue()
    {
        foreach (var model in _models.Values.Where(m => m.Until <= Now))
        {
            (model.Until, model.Failures, model.SlowCalls) = (null, 0, 0);
        }
    }
}
