namespace CircuitDemo.PaymentService.Ledger;

/// <summary>
/// The ledger's SQL, the same text on SQLite and on PostgreSQL: one table whose primary key is the idempotency key (the
/// user's id and the key the caller sent), so the database itself refuses a second payment for a key, whatever races.
/// </summary>
/// <remarks>
/// The amount is kept as the invariant text of the decimal the caller sent: exact on both stores (SQLite has no decimal
/// type; its NUMERIC would round through a double), and read back as the same decimal. Times are milliseconds since the
/// Unix epoch. The request id is the caller's id for the request that made the payment (see <c>X-Request-Id</c>).
/// </remarks>
internal static class LedgerSql
{
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS payments (
            user_id         VARCHAR(64)  NOT NULL,
            idempotency_key VARCHAR(128) NOT NULL,
            id              VARCHAR(40)  NOT NULL,
            amount          VARCHAR(32)  NOT NULL,
            currency        CHAR(3)      NOT NULL,
            status          VARCHAR(16)  NOT NULL,
            created_at      BIGINT       NOT NULL,
            request_id      VARCHAR(64)  NOT NULL,
            PRIMARY KEY (user_id, idempotency_key)
        );
        CREATE INDEX IF NOT EXISTS payments_by_user ON payments (user_id, created_at);
        """;

    /// <summary>
    /// Takes the payment unless its key has one already, and returns its id when it did; when it did not (the key was
    /// taken before), <see cref="SelectByKey"/> reads the payment stored for the key.
    /// </summary>
    public const string Insert = """
        INSERT INTO payments (user_id, idempotency_key, id, amount, currency, status, created_at, request_id)
        VALUES (@user_id, @idempotency_key, @id, @amount, @currency, @status, @created_at, @request_id)
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING id
        """;

    public const string SelectByKey = """
        SELECT id, amount, currency, status, request_id FROM payments
        WHERE user_id = @user_id AND idempotency_key = @idempotency_key
        """;

    /// <summary>A user's payments, newest first, at most <c>@limit</c>.</summary>
    public const string SelectByUser = """
        SELECT id, amount, currency, status, request_id FROM payments
        WHERE user_id = @user_id
        ORDER BY created_at DESC, id DESC
        LIMIT @limit
        """;

    public const string Count = "SELECT COUNT(*) FROM payments";
}
