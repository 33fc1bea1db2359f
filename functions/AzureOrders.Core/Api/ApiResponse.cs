using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AzureOrders.Api;

/// <summary>An HTTP answer without ASP.NET types, so the Function App and the local runner answer byte for byte alike.</summary>
/// <param name="RetryAfterSeconds">The Retry-After header (delay-seconds form), for 503 and 429 answers.</param>
public sealed record ApiResponse(int StatusCode, byte[] Body, string ContentType, string? Location = null, int? RetryAfterSeconds = null)
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// RFC 7807 problem details, with the request's W3C trace id, so a failing request can be found in Application
    /// Insights (operation_Id) from what the client saw.
    /// </summary>
    public static ApiResponse Problem(ProblemDetails problem)
    {
        if (problem.TraceId is null && Activity.Current is { } activity) problem = problem with { TraceId = activity.TraceId.ToString() };
        return new(problem.Status, JsonSerializer.SerializeToUtf8Bytes(problem, ProblemJsonContext.Default.ProblemDetails), ProblemDetails.ContentType);
    }

    public static ApiResponse Json<T>(int status, T body, JsonTypeInfo<T> typeInfo, string? location = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(body, typeInfo), JsonContentType, location);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
