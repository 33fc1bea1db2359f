using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Messaging.ServiceBus;
using AzureOrders.LocalHost;
using Microsoft.Playwright;

namespace AzureOrders.Console.Tests;

/// <summary>
/// One local system and one headless Chromium for every test of the class: starting either takes seconds, and the
/// tests keep apart by using their own orders, queues and message ids.
/// </summary>
public sealed partial class ConsoleFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private LocalSystem? _system;

    public LocalSystem Runner => _system ?? throw new InvalidOperationException("not started");
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>http://127.0.0.1:PORT (no path).</summary>
    public Uri Origin => new(Runner.BaseAddress.GetLeftPart(UriPartial.Authority));

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run does).");
        var start = LocalSystem.StartAsync(new LocalSystemOptions { Port = 0, ServiceBusPort = 0, GatewayLatency = TimeSpan.Zero });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        _system = await start;
        Http = new HttpClient { BaseAddress = Origin };
    }

    public async Task<IPage> OpenAsync(string fragment = "#/deadletters")
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(Origin, "/console/" + fragment).ToString());
        return page;
    }

    /// <summary>Sends a message straight to a queue, as a producer with a bug would.</summary>
    public async Task SendAsync(string queue, string body, string messageId, string subject)
    {
        await using var sender = Runner.Get<ServiceBusClient>().CreateSender(queue);
        var message = new ServiceBusMessage(Encoding.UTF8.GetBytes(body))
        {
            MessageId = messageId,
            Subject = subject,
            ContentType = "application/json",
            CorrelationId = Guid.NewGuid().ToString(),
        };
        message.ApplicationProperties["eventType"] = subject;
        await sender.SendMessageAsync(message);
    }

    public async Task<Guid> PlaceAsync(string orderId)
    {
        var body = $$"""{"orderId":"{{orderId}}","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";
        var response = await Http.PostAsync("/api/orders", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("correlationId").GetGuid();
    }

    /// <summary>The anti-forgery token as the page carries it.</summary>
    public async Task<string> TokenAsync()
    {
        var html = await Http.GetStringAsync("/console/");
        return TokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("no token in the page");
    }

    [GeneratedRegex("name=\"console-token\" content=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_system is not null) await _system.DisposeAsync();
    }
}
