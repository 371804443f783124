namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>Endpoint metadata: this endpoint changes state and needs the admin key.</summary>
public sealed class RequiresAdminKeyMetadata;
