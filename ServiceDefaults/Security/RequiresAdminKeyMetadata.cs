namespace CircuitDemo.ServiceDefaults.Security;

/// <summary>Endpoint metadata: this endpoint changes state and needs the admin key.</summary>
internal sealed class RequiresAdminKeyMetadata;
