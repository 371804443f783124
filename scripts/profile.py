#!/usr/bin/env python3
"""Where the processor time goes, from `perf script -F pid,tid,comm,ip,sym,dso` of .NET processes that ran with
DOTNET_PerfMapEnabled=1 (their jitted frames named from /tmp/perf-PID.map). Called by scripts/profile.sh:

  profile.py pipeline OURS.txt OURS_NS STANDARD.txt STANDARD_NS
      One GET through the two HttpClient pipelines of HttpClientPipelineBenchmarks, layer by layer: each sample of the
      benchmark's workload belongs to the innermost layer on its stack (a strategy, a handler), scaled to the mean
      BenchmarkDotNet measured in the same run. The call completes synchronously (its handler answers at once), so a
      sample's stack is the whole call, outermost layer first. Then, across the layers, the time spent reading the clock.

  profile.py tail HEALTHY.txt TAIL.txt GATEWAY_PID STUB_PIDS HEALTHY_REQUESTS TAIL_REQUESTS HEDGES HZ
      The hedged gateway's healthy and tail rows of scripts/load-tail.sh: the processor time per answered request of the
      gateway and of the stubs, split by cause. A sample belongs to the first cause found from its leaf up; the rest is
      "everything else" (the calls themselves, the extra attempts among them). A stack here is cut at each await, so
      only causes that run to completion in one go (building a stack trace's text, throwing, opening a connection) are
      told apart.
"""
import collections
import re
import sys


def samples(path):
    """Each sample of a perf script file: (process id, frames from the leaf up), generic arguments and tiers dropped."""
    pid, frames = None, []
    with open(path, errors="replace") as lines:
        for line in lines:
            if not line.strip():
                if pid is not None:
                    yield pid, frames
                pid, frames = None, []
            elif not line[0].isspace():
                found = re.search(r"(\d+)/\d+\s*$", line)
                pid = int(found.group(1)) if found else -1
            else:
                found = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line)
                if found:
                    symbol = re.sub(r"\[(Optimized|Tier|QuickJitted|Instrumented|PreJIT)[A-Za-z0-9]*\]", "", found.group(1))
                    frames.append(symbol if symbol != "[unknown]" else "?" + found.group(2).rsplit("/", 1)[-1])
    if pid is not None:
        yield pid, frames


# The layers ours adds or changes, by name: what the pipeline report adds up at its end.
HANDLER = "the resilience handler (ours also picks the service's pipeline by key)"
RETRY = "retry (ours: with the retry budget)"
HEDGED = "hedged reads, disarmed (ours)"
BODY = "the whole-body read (ours)"
# The layers of one call, by a piece of their frames' names; Polly's plumbing between two strategies belongs to the outer.
LAYERS = [
    ("HttpClient", "HttpClient+<<SendAsync>"),
    ("the factory's logging scope handler", "LoggingScopeHttpMessageHandler"),
    (HANDLER, "ResilienceHandler+<SendAsync>"),
    (RETRY, "RetryResilienceStrategy"),
    (HEDGED, "HedgedReadStrategy"),
    ("rate limiter (ours: the adaptive limit)", "RateLimiterResilienceStrategy"),
    ("timeout (the standard handler has two)", "TimeoutResilienceStrategy"),
    ("Polly's circuit breaker", "CircuitBreakerResilienceStrategy"),
    ("the attempt (ours: breaker, instance choice, discovery)", "CircuitBreakerAttempt"),
    (BODY, "WholeResponseStrategy"),
    ("service discovery's resolving handler", "ResolvingHttpDelegatingHandler"),
    ("the handler below the pipeline", "ResilienceHandler+<>c"),
    ("the factory's logging handler", "LoggingHttpMessageHandler+"),
]
OUTER = {"HttpClient", "the factory's logging scope handler", HANDLER}


def layer_of(frames):
    layer = "the benchmark's loop"
    for frame in reversed(frames):
        named = next((name for name, piece in LAYERS if piece in frame), None)
        if named:
            layer = named
        elif "Polly.Utils.Pipeline" in frame and layer in OUTER:
            layer = HANDLER
    return layer


def pipeline(ours, ours_ns, standard, standard_ns):
    shares, clock = [], []
    for path, mean in ((ours, float(ours_ns)), (standard, float(standard_ns))):
        workload = [f for _, f in samples(path) if any("Workload" in x for x in f)]
        counts = collections.Counter(layer_of(f) for f in workload)
        shares.append({layer: mean * n / len(workload) for layer, n in counts.items()})
        # Across the layers: the samples in the clock's system call, whichever layer read it.
        clock.append(mean * sum(any("clock_gettime" in x for x in f) for f in workload) / len(workload))
    print("| layer | ServiceDefaultsPipeline | StandardResilienceHandler |")
    print("|---|---:|---:|")
    names = [name for name, _ in LAYERS if any(name in s for s in shares)] + ["the benchmark's loop"]
    for name in dict.fromkeys(names):
        print(f"| {name} | {shares[0].get(name, 0):,.0f} ns | {shares[1].get(name, 0):,.0f} ns |")
    print(f"| **the call** | **{float(ours_ns):,.0f} ns** | **{float(standard_ns):,.0f} ns** |")
    ours, standard = shares
    difference = lambda name: ours.get(name, 0) - standard.get(name, 0)
    added = {"the service's pipeline picked by key": difference(HANDLER), "the retry budget": difference(RETRY),
             "the disarmed hedged-read strategy": ours.get(HEDGED, 0), "the whole-body read": ours.get(BODY, 0)}
    target = 0.9 * float(standard_ns)
    print()
    print(f"Ours / standard in this run: **{float(ours_ns) / float(standard_ns):.2f}x**. What ours does that the standard handler does not costs "
          + ", ".join(f"{name} {ns:,.0f} ns" for name, ns in added.items())
          + f" (the first two by their layers' difference): **{sum(added.values()):,.0f} ns** in all. 0.9x of the standard handler "
          + f"is {target:,.0f} ns, {float(ours_ns) - target:,.0f} ns less than ours.")
    print()
    print(f"Across the layers, reading the clock (`clock_gettime`: every `TimeProvider` and `Stopwatch` reading) takes "
          + f"**{clock[0]:,.0f} ns** of ours and **{clock[1]:,.0f} ns** of the standard handler's.")


CAUSES = [
    ("an exception's stack trace as text", ["StackTrace::ToString", "StackFrameHelper", "SetCurrentStackTrace", "Exception::ToString",
                                            "Exception::get_StackTrace"]),
    ("an exception thrown and caught", ["EH::", "DispatchEx", "ExceptionDispatchInfo::Throw", "IL_Throw", "ThrowException", "RhThrow"]),
    ("a connection opened", ["ConnectAsync", "ConnectToTcpHost", "CreateHttp11Connection", "InjectNewHttp11Connection",
                             "SocketConnectionListener", "SocketConnection::Start", "Socket::Accept"]),
    ("a connection closed", ["SafeSocketHandle::CloseHandle", "Socket::Dispose", "HttpConnection::Dispose", "SocketConnection::Shutdown",
                             "SocketConnection+<DisposeAsync>", "CancelConnectionClosedToken", "Socket::Shutdown"]),
]


def cause_of(frames):
    for frame in frames:
        for cause, pieces in CAUSES:
            if any(piece in frame for piece in pieces):
                return cause
    return "everything else"


def tail(healthy, late, gateway, stubs, healthy_requests, tail_requests, hedges, hz):
    gateway, stubs = int(gateway), {int(p) for p in stubs.split(",")}
    per_sample_us = 1e6 / float(hz)
    rows = {}
    for label, path, requests in (("healthy", healthy, int(healthy_requests)), ("tail", late, int(tail_requests))):
        counts = collections.Counter()
        for pid, frames in samples(path):
            side = "gateway" if pid == gateway else "stubs" if pid in stubs else None
            if side:
                counts[(side, cause_of(frames))] += 1
        rows[label] = {key: n * per_sample_us / requests for key, n in counts.items()}
    hedged = int(hedges) / int(tail_requests)
    print("| process: cause | healthy row, µs per request | tail row, µs per request | extra per hedged read |")
    print("|---|---:|---:|---:|")
    for side in ("gateway", "stubs"):
        for cause in [c for c, _ in CAUSES] + ["everything else", "all"]:
            def us(label):
                row = rows[label]
                return sum(v for (s, c), v in row.items() if s == side and (cause == "all" or c == cause))
            h, t = us("healthy"), us("tail")
            name = f"**{side}: all**" if cause == "all" else f"{side}: {cause}"
            print(f"| {name} | {h:,.1f} | {t:,.1f} | {(t - h) / max(hedged, 1e-9):,.0f} µs |")
    def extra(side, named_only):
        return sum(v for (s, c), v in rows["tail"].items() if s == side and (c != "everything else" or not named_only)) - \
            sum(v for (s, c), v in rows["healthy"].items() if s == side and (c != "everything else" or not named_only))
    named, every = extra("gateway", True) + extra("stubs", True), extra("gateway", False) + extra("stubs", False)
    print()
    print(f"In these rows the tail row answered **{int(tail_requests) / int(healthy_requests):.2f}x** the healthy row's requests and sent a hedge "
          f"for {100 * hedged:.2f} % of them. It cost the gateway and the stubs together {every:,.1f} µs more per request, "
          f"{named:,.1f} µs of it in the causes named above.")


if __name__ == "__main__":
    {"pipeline": pipeline, "tail": tail}[sys.argv[1]](*sys.argv[2:])
