using System.Net;
using System.Text;
using AzureOrders.Contracts;
using AzureOrders.Core.Tests.Contracts;
using AzureOrders.Messaging;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Messaging;

/// <summary>The in-delivery retry's decisions and waits, with a stub handler and a clock that records waits.</summary>
public class InDeliveryRetryTests
{
    private static InboundMessage Seed() => new(Encoding.UTF8.GetBytes(ContractTests.SeedOrderPlaced), Subject: MessageTypes.OrderPlacedV1, DeliveryCount: 1);

    /// <summary>A 429 as the SDK surfaces it, with Cosmos DB's retry-after hint.</summary>
    private sealed class Throttled(TimeSpan? retryAfter) : CosmosException("throttled", (HttpStatusCode)429, 0, "", 0)
    {
        public override TimeSpan? RetryAfter => retryAfter;
    }

    private static StubHandler FailingFirst(int failures, Func<Exception> failure)
    {
        var calls = 0;
        return new StubHandler(MessageTypes.OrderPlacedV1) { Throw = _ => ++calls <= failures ? failure() : null };
    }

    [Theory]
    [InlineData(5000, 1000, 1000)] // a long ask is capped: the broker's backoff is the place for long waits
    [InlineData(400, 400, 400)] // a short ask is honoured
    [InlineData(null, 50, 250)] // no ask: the jittered window
    public async Task A_throttled_handler_is_retried_in_the_delivery_after_waiting_through_the_time_provider(int? retryAfterMs, int minMs, int maxMs)
    {
        var time = new RecordingTimeProvider();
        var handler = FailingFirst(2, () => new Throttled(retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null));

        var settlement = await TestPipelines.Create("test", handler, time: time).ProcessAsync(Seed(), CancellationToken.None);

        var complete = Assert.IsType<Settlement.Complete>(settlement);
        Assert.Equal(3, complete.Attempts);
        Assert.Single(handler.Received);
        Assert.Equal(2, time.Waits.Count);
        Assert.All(time.Waits, wait => Assert.InRange(wait, TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs)));
    }

    [Fact]
    public async Task A_handler_that_keeps_being_throttled_is_given_back_after_the_configured_attempts()
    {
        var time = new RecordingTimeProvider();
        var handler = FailingFirst(int.MaxValue, () => new Throttled(null));
        var options = new MessagingOptions { CosmosRetry = new CosmosRetryOptions { MaxAttempts = 2 } };

        var settlement = await TestPipelines.Create("test", handler, options, time).ProcessAsync(Seed(), CancellationToken.None);

        var retry = Assert.IsType<Settlement.Retry>(settlement);
        Assert.Equal(2, retry.Attempts);
        Assert.Single(time.Waits);
    }

    public static TheoryData<string, Exception> NotRetriedInProcess() => new()
    {
        { "invariant violation (dead-lettered)", new InvariantViolationException("impossible") },
        { "our own outgoing message breaks its schema (dead-lettered)", new ContractViolationException(MessageTypes.OrderPlacedV1, "bad") },
        { "payment gateway hiccup", new TransientFailureException("gateway hiccup") },
        { "a gateway's failure wrapping a Cosmos one", new TransientFailureException("gateway", new CosmosException("x", HttpStatusCode.ServiceUnavailable, 0, "", 0)) },
        { "Service Bus busy", new Azure.Messaging.ServiceBus.ServiceBusException("busy", Azure.Messaging.ServiceBus.ServiceBusFailureReason.ServiceBusy) },
        { "HTTP failure outside Cosmos", new HttpRequestException("gateway unreachable") },
        { "Cosmos conflict", new CosmosException("conflict", HttpStatusCode.Conflict, 0, "", 0) },
        { "unknown bug", new NullReferenceException() },
    };

    [Theory]
    [MemberData(nameof(NotRetriedInProcess))]
    public async Task A_failure_that_is_not_a_transient_Cosmos_one_is_settled_after_one_attempt(string what, Exception failure)
    {
        var time = new RecordingTimeProvider();
        var calls = 0;
        var handler = new StubHandler(MessageTypes.OrderPlacedV1) { Throw = _ => { calls++; return failure; } };

        var settlement = await TestPipelines.Create("test", handler, time: time).ProcessAsync(Seed(), CancellationToken.None);

        Assert.True(calls == 1, $"{what}: {calls} attempts");
        Assert.Equal(1, settlement.Attempts);
        Assert.Empty(time.Waits);
    }

    [Fact]
    public async Task A_message_refused_before_any_handler_reports_no_attempt()
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1);

        var settlement = await TestPipelines.Create("test", handler).ProcessAsync(new InboundMessage(Encoding.UTF8.GetBytes("{nope"), Subject: MessageTypes.OrderPlacedV1, DeliveryCount: 1), CancellationToken.None);

        Assert.IsType<Settlement.DeadLetter>(settlement);
        Assert.Equal(0, settlement.Attempts);
    }
}
