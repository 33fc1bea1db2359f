using System.Net;
using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Core.Tests.Contracts;
using AzureOrders.Messaging;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Messaging;

public class PipelineSettlementTests
{
    private static InboundMessage Seed(int deliveryCount = 1) =>
        new(Encoding.UTF8.GetBytes(ContractTests.SeedOrderPlaced), Subject: MessageTypes.OrderPlacedV1, DeliveryCount: deliveryCount);

    [Fact]
    public async Task A_valid_v1_message_reaches_the_handler_upcast_to_v2_and_completes()
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1, MessageTypes.OrderPlacedV2);
        var settlement = await TestPipelines.Create("test", handler).ProcessAsync(Seed(), CancellationToken.None);

        var complete = Assert.IsType<Settlement.Complete>(settlement);
        Assert.False(complete.Duplicate);
        var payload = Assert.IsType<OrderPlacedV2>(handler.Received.Single().Payload);
        Assert.Equal(new Money(3998, "USD"), payload.Total);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_not_dead_lettered()
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1) { Throw = _ => new CosmosException("throttled", (HttpStatusCode)429, 0, "", 0) };
        var settlement = await TestPipelines.Create("test", handler).ProcessAsync(Seed(deliveryCount: 3), CancellationToken.None);

        Assert.IsType<CosmosException>(Assert.IsType<Settlement.Retry>(settlement).Exception);
    }

    [Fact]
    public async Task An_invariant_violation_in_a_handler_is_dead_lettered_with_handler_and_exception_type()
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1) { Throw = _ => new InvariantViolationException("stock document is corrupt") };
        var settlement = await TestPipelines.Create("test", handler).ProcessAsync(Seed(), CancellationToken.None);

        var dead = Assert.IsType<Settlement.DeadLetter>(settlement);
        Assert.Equal(DeadLetterReason.InvariantViolated, dead.Reason);
        Assert.Equal("test/stub", dead.Properties[DeadLetterProperties.Handler]);
        Assert.Equal(typeof(InvariantViolationException).FullName, dead.Properties[DeadLetterProperties.ExceptionType]);
    }

    [Fact]
    public async Task An_unknown_bug_is_retried_so_the_broker_dead_letters_it_after_max_delivery_count()
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1) { Throw = _ => new NullReferenceException() };
        Assert.IsType<Settlement.Retry>(await TestPipelines.Create("test", handler).ProcessAsync(Seed(), CancellationToken.None));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(410, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    [InlineData(413, false)]
    public void Cosmos_status_codes_are_classified_in_one_place(int status, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransient(new CosmosException("x", (HttpStatusCode)status, 0, "", 0)));

    [Theory]
    [InlineData(ServiceBusFailureReason.ServiceBusy, true)]
    [InlineData(ServiceBusFailureReason.ServiceTimeout, true)]
    [InlineData(ServiceBusFailureReason.ServiceCommunicationProblem, true)]
    [InlineData(ServiceBusFailureReason.MessagingEntityNotFound, false)]
    [InlineData(ServiceBusFailureReason.MessageSizeExceeded, false)]
    public void Service_Bus_failures_are_classified_in_one_place(ServiceBusFailureReason reason, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransient(new ServiceBusException("x", reason)));

    [Fact]
    public void Timeouts_and_gateway_faults_are_transient_and_contract_bugs_are_not()
    {
        Assert.True(TransientFaults.IsTransient(new TimeoutException()));
        Assert.True(TransientFaults.IsTransient(new TransientFailureException("gateway hiccup")));
        Assert.True(TransientFaults.IsTransient(new InvalidOperationException("wrapped", new HttpRequestException())));
        Assert.False(TransientFaults.IsTransient(new InvariantViolationException("no")));
        Assert.False(TransientFaults.IsTransient(new ContractViolationException("order.placed.v1", "bad")));
    }

    [Fact]
    public void Outgoing_messages_carry_the_Service_Bus_mapping()
    {
        var envelope = Envelopes.Deserialize(Encoding.UTF8.GetBytes(ContractTests.SeedOrderPlaced)) with { Source = "orders", CausationId = Guid.Empty };
        var message = OutgoingMessage.From(envelope, Topology.Default, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        Assert.Equal(new Route(EntityKind.Topic, "orders"), message.Route);
        Assert.Equal("3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f", message.MessageId);
        Assert.Equal("order.placed.v1", message.Subject);
        Assert.Equal("7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f", message.CorrelationId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("orders", message.ApplicationProperties["source"]);
        Assert.Equal("order.placed.v1", message.ApplicationProperties["eventType"]);
        Assert.True(message.ApplicationProperties.ContainsKey("traceparent"));
    }
}
