namespace CircuitDemo.Gateway.Downstream;

/// <summary>One section of the dashboard and where it came from.</summary>
public readonly record struct Section<T>(T Data, string Source);
