using Microsoft.Extensions.Time.Testing;

namespace CircuitDemo.UnitTests.Instances;

/// <summary>The run of one random sequence: the records and the breaker driven, every answer checked against the rules.</summary>
internal sealed partial class InstanceModel
{
    private static readonly ServiceInstance[] Pool = [TestInstances.A, TestInstances.B, TestInstances.C, TestInstances.D, TestInstances.E];
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(1);

    private readonly ServiceGuardOptions _options;
    private readonly FakeTimeProvider _clock = new(TestBreakers.Start);
    private readonly ServiceGuard _guard;
    private readonly Dictionary<ServiceInstance, InstanceModelRecord> _models = [];
    private readonly List<(CircuitPermit Permit, InstanceLease Lease, InstanceModelRecord Record, long Epoch)> _held = [];
    private IReadOnlyList<ServiceInstance> _list;
    private List<ServiceInstance> _tracked = [];
    private long _refused;
    private int _serviceFailures;
    private bool _open;
    private long _epoch;

    public InstanceModel(int count, int threshold, int ejectFailures, int ejectSlow, int percent)
    {
        _options = new ServiceGuardOptions
        {
            Breaker = TestBreakers.Options with
            {
                FailureThreshold = threshold,
                FailureWindow = TimeSpan.FromDays(1),
                OpenDuration = TimeSpan.FromDays(1), // once open, it stays open for the whole sequence
                MaxOpenDuration = TimeSpan.FromDays(1),
                AttemptTimeout = TimeSpan.FromSeconds(3),
                SlowCallDuration = SlowCall,
                SlowCallRatio = 1,
                SlowCallWindow = 10_000, // the breaker's own slow-call rule never trips here: the verdicts say what is slow
            },
            Ejection = new()
            {
                EjectionConsecutiveFailures = ejectFailures,
                EjectionConsecutiveSlowCalls = ejectSlow,
                BaseEjectionTime = TimeSpan.FromSeconds(10),
                MaxEjectionTime = TimeSpan.FromSeconds(25),
                MaxEjectionPercent = percent,
            },
        };
        _guard = new ServiceGuard("payment-service", _options, _clock, onSubscriberError: null);
        _list = Pool[..count];
    }

    private TimeSpan Now => _clock.GetUtcNow() - TestBreakers.Start;

    public void Play((int Operation, int Argument)[] operations)
    {
        for (var step = 0; step < operations.Length; step++)
        {
            var (operation, argument) = operations[step];
            switch (operation)
            {
                case < 60:
                    Attempt(step, operation, argument);
                    break;
                case < 70 when _held.Count > 0:
                    var held = _held[argument % _held.Count];
                    _held.Remove(held);
                    Settle(step, held.Permit, held.Lease, held.Record, held.Epoch, failed: operation < 65, slow: argument % 3 == 0);
                    break;
                case < 70:
                    break;
                case < 85:
                    _clock.Advance(TimeSpan.FromSeconds((operation - 69) * 1.5));
                    break;
                case < 90:
                    _guard.Reset();
                    foreach (var model in _models.Values)
                    {
                        (model.Until, model.Failures, model.SlowCalls, model.Ejections) = (null, 0, 0, 0);
                    }

                    (_open, _serviceFailures) = (false, 0);
                    _epoch++;
                    break;
                default:
                    // A new list: any non-empty subset of the pool, in any order; it takes effect at the next lease.
                    var chosen = Pool.Where((_, i) => (argument & (1 << i)) != 0).ToList();
                    chosen = chosen.Count > 0 ? chosen : [Pool[argument % Pool.Length]];
                    var rotate = (argument >> 5) % chosen.Count;
                    _list = [.. chosen.Skip(rotate), .. chosen.Take(rotate)];
                    break;
            }
        }

        // At the end, and only there, the records are read: every endpoint as the model has it.
        ReturnDue();
        var real = _guard.Instances.Snapshot();
        Assert.Equal(_tracked.Select(i => i.Name), real.Select(e => e.Name));
        foreach (var endpoint in real)
        {
            var model = _models[_tracked.Single(i => i.Name == endpoint.Name)];
            Assert.Equal((model.Until is null ? EndpointState.Active : EndpointState.Ejected, model.Failures, model.SlowCalls, model.Ejections),
                (endpoint.State, endpoint.ConsecutiveFailures, endpoint.ConsecutiveSlowCalls, endpoint.Ejections));
        }

        Assert.Equal(_refused, _guard.Instances.EjectionsRefused);
    }

    private void Attempt(int step, int operation, int argument)
    {
        var permit = _guard.Breaker.TryAcquire();
        Assert.True(permit.IsAdmitted == !_open, $"step {step}: the breaker decided {permit.Decision}, the model is {(_open ? "open" : "closed")}");
        if (!permit.IsAdmitted)
        {
            return;
        }

        // Some calls are sent to one instance in rotation, as the model picks it (so that one instance's failures
        // run on and eject it); the rest go where the choice sends them.
        Track();
        ReturnDue();
        var inRotation = _tracked.Where(i => _models[i].Until is null && _list.Contains(i)).ToList();
        var target = operation < 6 && inRotation.Count > 0 ? inRotation[argument % inRotation.Count] : null;
        var avoid = operation % 5 == 0 ? _list[argument % _list.Count].Address : null;
        var lease = target is null ? _guard.Instances.Lease(_list, avoid) : _guard.Instances.LeaseExactly(_list, target.Address);
        Track();
        ReturnDue();
        var chosen = _tracked.Single(i => i.Address == lease.Address);
        if (target is null)
        {
            // In rotation (unless none is); away from the endpoint to avoid while another is in rotation.
            var rotation = _tracked.Where(i => _models[i].Until is null).ToList();
            var candidates = rotation.Count > 0 ? rotation : _tracked;
            if (avoid is not null && candidates.Count > 1)
            {
                candidates = [.. candidates.Where(i => i.Address != avoid)];
            }

            Assert.True(candidates.Contains(chosen), $"step {step}: an attempt went to {chosen.Name}, not one of {string.Join(", ", candidates.Select(c => c.Name))}");
        }

        if (operation >= 50)
        {
            _held.Add((permit, lease, _models[chosen], _epoch));
            return;
        }

        Settle(step, permit, lease, _models[chosen], _epoch, failed: operation % 2 == 0, slow: argument % 3 == 0);
    }

    private void Settle(int step, CircuitPermit permit, InstanceLease lease, InstanceModelRecord record, long epoch, bool failed, bool slow)
    {
        var expected = Judge(record, failed, slow);
        var verdict = lease.Settle(failed ? CallOutcome.Failure : CallOutcome.Success, slow ? SlowCall * 1.5 : TimeSpan.FromMilliseconds(10), slow);
        Assert.True(expected == verdict, $"step {step}: the records said {verdict}, the model {expected}");
        _guard.Breaker.Complete(permit, verdict.Outcome, verdict.Slow);
        if (epoch != _epoch || _open || verdict.Outcome is not (CallOutcome.Success or CallOutcome.Failure))
        {
            return;
        }

        _serviceFailures = verdict.Outcome == CallOutcome.Failure ? _serviceFailures + 1 : 0;
        if (_serviceFailures >= _options.Breaker.FailureThreshold)
        {
            (_open, _serviceFailures) = (true, 0);
            _epoch++;
        }
    }
}

/// <summary>What the model knows of one instance.</summary>
internal sealed class InstanceModelRecord
{
    /// <summary>No longer listed: a call still in flight to it settles for the service alone.</summary>
    public bool Removed { get; set; }

    public int Failures { get; set; }

    public int SlowCalls { get; set; }

    public int Ejections { get; set; }

    public TimeSpan? Until { get; set; }
}
