using CircuitDemo.Contracts;

namespace CircuitDemo.AppHost.Stubs;

/// <summary>A stub service whose failure mode the AppHost watches, and the mode it last read.</summary>
internal sealed class WatchedStub(ProjectResource resource, string healthCheck)
{
    private FailureMode? _mode;

    public ProjectResource Resource => resource;

    /// <summary>The name of its <see cref="FailureModeHealthCheck"/>, as its health reports carry it.</summary>
    public string HealthCheck => healthCheck;

    /// <summary>The mode last read; null while it could not be read (the service is starting or stopped).</summary>
    public FailureMode? Mode
    {
        get => Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, value);
    }
}
