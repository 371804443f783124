namespace CircuitDemo.PaymentService.Ledger;

/// <summary>
/// The ledger's store could not be used: unreachable, locked past its timeout, or failing. Nothing was written (one
/// statement, one row), so the caller may retry with the same key; answered 503 with <c>Retry-After</c>.
/// </summary>
public sealed class LedgerUnavailableException(string message, Exception inner) : Exception(message, inner);
