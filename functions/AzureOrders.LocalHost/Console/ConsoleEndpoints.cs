using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AzureOrders.Api;
using AzureOrders.DeadLetters;
using AzureOrders.Orders;
using AzureOrders.Orders.Saga;

namespace AzureOrders.LocalHost.OperatorConsole;

/// <summary>
/// The operator console: static pages (embedded, no CDN) under /console and JSON under /console/api that delegate to
/// Core's dead-letter explorer, the orders API and the saga's Durable state. See docs/console.md for the safety design.
/// </summary>
public static class ConsoleEndpoints
{
    public const string TokenHeader = "X-Console-Token";
    private const string TokenPlaceholder = "__CONSOLE_TOKEN__";
    private const string ResourcePrefix = "AzureOrders.LocalHost.Console.Assets.";

    /// <summary>Messages read to find an order's dead-letters: the page shows what this many can show, and says so.</summary>
    public const int OrderDeadLetterScan = 500;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        // Per process: a page served by an earlier run cannot write to this one, and nothing is stored anywhere.
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var files = LoadFiles(token);

        var console = app.MapGroup("/console").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // DNS rebinding: a hostile page on a name that resolves to 127.0.0.1 would be same-origin with itself and
            // could read the token from the page; only loopback names reach the console.
            if (!IsLoopbackHost(http.Request.Host.Host))
                return Results.Problem(statusCode: 403, title: "The console answers loopback host names only");
            if (HttpMethods.IsPost(http.Request.Method) && RefuseWrite(http.Request, token) is { } refusal)
                return Results.Problem(statusCode: 403, title: "Write refused", detail: refusal);
            AddSecurityHeaders(http.Response);
            return await next(context);
        });

        console.MapGet("/", (HttpContext http) => Serve(http, files, "index.html"));
        console.MapGet("/{file}", (HttpContext http, string file) => files.ContainsKey(file) ? Serve(http, files, file) : Results.NotFound());

        var api = console.MapGroup("/api");
        api.MapGet("/deadletters", async (HttpRequest request, DeadLetterApi deadLetters, CancellationToken ct) =>
            Answer(await deadLetters.ListAsync(Query(request), ct)));
        api.MapGet("/deadletters/messages", async (HttpRequest request, DeadLetterApi deadLetters, CancellationToken ct) =>
            Answer(await deadLetters.ShowAsync(Entity(request), Paged(request), ct)));
        api.MapPost("/deadletters/resubmit", async (HttpRequest request, DeadLetterApi deadLetters, CancellationToken ct) =>
            Answer(await deadLetters.ResubmitAsync(Entity(request), Query(request), ct)));
        api.MapPost("/deadletters/resubmit-edited", async (HttpRequest request, DeadLetterApi deadLetters, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request.Body, DeadLetterApi.MaxEditedBodyBytes, ct);
            return Answer(await deadLetters.ResubmitEditedAsync(request.Query["entity"].ToString(), request.Query["sequence"].ToString(), body, ct));
        });
        api.MapGet("/orders/{orderId}", OrderAsync);
    }

    /// <summary>The order view, the saga's Durable state and the order's dead-letters in one answer (one page, one poll).</summary>
    private static async Task<IResult> OrderAsync(string orderId, OrdersApi orders, DeadLetterExplorer explorer, DurableClientAccessor durable, CancellationToken ct)
    {
        var view = await orders.GetAsync(orderId, ct);
        SagaProgress? saga = null;
        string? sagaError = null;
        try { saga = await SagaProgress.ReadAsync(durable.Client, orderId, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { sagaError = e.Message; }
        var deadLetters = (await explorer.ShowAsync(new DeadLetterFilter { Max = OrderDeadLetterScan }, ct)).Where(m => IsAbout(m, orderId)).ToList();

        var json = DeadLetterJson.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WriteString("orderId", orderId);
            w.WriteNumber("orderStatusCode", view.StatusCode);
            w.WritePropertyName("order");
            using (var document = JsonDocument.Parse(view.Body)) document.WriteTo(w);
            w.WritePropertyName("saga");
            if (saga is null) w.WriteNullValue();
            else JsonSerializer.Serialize(w, saga, ConsoleJsonContext.Default.SagaProgress);
            if (sagaError is not null) w.WriteString("sagaError", sagaError);
            w.WriteNumber("deadLetterScan", OrderDeadLetterScan);
            w.WriteStartArray("deadLetters");
            foreach (var message in deadLetters) DeadLetterJson.WriteMessage(w, message);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return Results.Bytes(json, "application/json; charset=utf-8");
    }

    /// <summary>Every contract carries the orderId in its payload; a body that does not parse can still name it in its text.</summary>
    private static bool IsAbout(DeadLetterMessage message, string orderId)
    {
        using var document = TryParse(message.Body);
        if (document?.RootElement is { ValueKind: JsonValueKind.Object } root &&
            root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object &&
            payload.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String)
            return string.Equals(id.GetString(), orderId, StringComparison.Ordinal);
        return document is null && message.Body.ToString().Contains(orderId, StringComparison.Ordinal);
    }

    private static JsonDocument? TryParse(BinaryData body)
    {
        try { return JsonDocument.Parse(body.ToMemory(), new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException) { return null; }
    }

    /// <returns>Why the write is refused, or null.</returns>
    private static string? RefuseWrite(HttpRequest request, string token)
    {
        // A cross-site form or fetch carries the attacker's Origin; a same-origin fetch from the page carries ours.
        var own = $"{request.Scheme}://{request.Host}";
        var origin = request.Headers.Origin.ToString();
        if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
            return origin.Length == 0 ? "the Origin header is missing" : $"Origin {origin} is not the console's ({own})";
        var sent = request.Headers[TokenHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(token)))
            return $"the {TokenHeader} header is missing or wrong (reload the console page)";
        return null;
    }

    private static bool IsLoopbackHost(string host) =>
        host is "127.0.0.1" or "localhost" or "[::1]" or "::1";

    private static void AddSecurityHeaders(HttpResponse response)
    {
        // No inline script or style at all: even markup that slipped into the DOM could not run.
        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }

    private static IResult Serve(HttpContext http, Dictionary<string, byte[]> files, string name) =>
        Results.Bytes(files[name], ContentTypes[name]);

    private static Dictionary<string, byte[]> LoadFiles(string token)
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in ContentTypes.Keys)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"Console resource {name} is missing (EmbeddedResource in the csproj).");
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            if (name == "index.html") text = text.Replace(TokenPlaceholder, token, StringComparison.Ordinal);
            files[name] = Encoding.UTF8.GetBytes(text);
        }
        return files;
    }

    private static string? Entity(HttpRequest request) => request.Query["entity"].ToString() is { Length: > 0 } entity ? entity : null;

    private static Dictionary<string, string?> Query(HttpRequest request) =>
        request.Query.Where(p => p.Key != "entity").ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Large queues are read a page at a time: max defaults to 25 here and is capped, after= continues.</summary>
    private static Dictionary<string, string?> Paged(HttpRequest request)
    {
        var query = Query(request);
        var max = int.TryParse(query.GetValueOrDefault("max"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 200) : 25;
        query["max"] = max.ToString(CultureInfo.InvariantCulture);
        return query;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) break;
        }
        return buffer.ToArray();
    }

    private static IResult Answer(ApiResponse response) => new ApiResult(response);

    private sealed class ApiResult(ApiResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentType = response.ContentType;
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SagaProgress))]
internal sealed partial class ConsoleJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
