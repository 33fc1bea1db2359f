namespace AzureOrders.Api;

/// <summary>
/// RFC 7807 problem details, shaped for JSON (type, title, status, detail, instance, plus an errors
/// extension keyed by JSON pointer, and the trace id of the request). The HTTP layer serializes it as application/problem+json; Core has no ASP.NET types.
/// </summary>
public sealed record ProblemDetails(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? Instance = null,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    string? TraceId = null)
{
    public const string ContentType = "application/problem+json";
    private const string Base = "https://azureorders.example/problems/";

    public static ProblemDetails Malformed(string detail) =>
        new(Base + "malformed-request", "The request body is not valid JSON", 400, detail);

    /// <summary>415: the body is not declared as JSON (<c>Content-Type: application/json</c>, UTF-8).</summary>
    public static ProblemDetails UnsupportedMediaType(string detail) =>
        new(Base + "unsupported-media-type", "The request body must be application/json", 415, detail);

    public static ProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(Base + "validation", "The order does not match its schema", 400, "See errors for each invalid field.", Errors: errors);

    public static ProblemDetails Invariant(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(Base + "invalid-order", "The order is inconsistent", 422, detail, Errors: errors);

    /// <summary>422: a line's price or the total differs from the catalog (the detail names the SKU and the catalog price).</summary>
    public static ProblemDetails PriceMismatch(string detail, IReadOnlyDictionary<string, string[]> errors) =>
        new(Base + "price-mismatch", "The order's prices differ from the catalog", 422, detail, Errors: errors);

    /// <summary>422: a line names a SKU the catalog does not have.</summary>
    public static ProblemDetails UnknownSku(string detail, IReadOnlyDictionary<string, string[]> errors) =>
        new(Base + "unknown-sku", "The order names a SKU that is not in the catalog", 422, detail, Errors: errors);

    /// <summary>428: a placement that names neither an orderId nor an Idempotency-Key (its retry could not be recognised).</summary>
    public static ProblemDetails IdempotencyRequired(string header) =>
        new(Base + "idempotency-key-required", "An orderId or an Idempotency-Key is required", 428,
            $"Placing an order must be safe to retry. Send an '{header}' header with a value unique to this order " +
            $"(e.g. a UUID, at most 200 characters; repeat it on every retry), or put a client-chosen \"orderId\" in the body " +
            $"(letters, digits, '_' and '-', at most 64). A repeated request then returns the same order instead of placing a second one.");

    /// <summary>503: a dependency failed transiently; the HTTP answer carries Retry-After.</summary>
    public static ProblemDetails Unavailable(string detail, string? instance = null) =>
        new(Base + "temporarily-unavailable", "The service is temporarily unavailable", 503, detail, instance);

    public static ProblemDetails Conflict(string detail, string orderId) =>
        new(Base + "idempotency-conflict", "The order id or Idempotency-Key was already used for a different order", 409, detail, $"/api/orders/{orderId}");
}
