namespace CircuitDemo.IntegrationTests;


/// <summary>
/// The system the fault matrix runs on: an open duration of half a second, which each of the 36 cases waits out once
/// (their time to close). The payments under faults, the brownout, the capacity test and the chaos soak run here too. No
/// dashboard: no telemetry for every service to export and the dashboard to take in, which under the soak's traffic is a
/// processor's worth. payment-service's attempt timeout is two seconds here and its slow-call duration one, half of it
/// as in the shipped configuration: the capacity test queues twenty calls to it at first, each waiting up to 400 ms.
/// With the other stubs' second and half a second, a busy machine's stall (or a system just started) timed two of them
/// out or made half of them slow, and the breaker opened for what the machine did, not the overload.
/// </summary>
public sealed class FaultMatrixApp()
    : CircuitDemoApp(dashboard: false, TimeSpan.FromMilliseconds(500), paymentAttemptTimeout: PaymentTimeout, paymentSlowCall: PaymentTimeout / 2)
{
    /// <summary>payment-service's read attempt timeout here, the longest of the system's.</summary>
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The system with three instances of payment-service (<c>Stubs:payment-service:Instances</c> = 3), for one bad
/// instance among healthy ones: ejection, the service's breaker that opens only when every instance fails or is slow,
/// payments owned by one instance; with the dashboard, for its rows. The other stubs run once: their instances would
/// add processes to start, not cases. payment-service's attempt timeout is two seconds here, four times its slow-call
/// duration: a slow instance's answers (just over the slow-call duration) stay slow, not timed out, on a machine busy
/// with the other systems' tests (at one second, a loaded run once timed two of them out, and the breaker opened for
/// its consecutive failures instead of its slow calls).
/// </summary>
public sealed class ThreeInstanceApp() : CircuitDemoApp(dashboard: true, TimeSpan.FromMilliseconds(500), paymentInstances: 3, paymentAttemptTimeout: TimeSpan.FromSeconds(2));
