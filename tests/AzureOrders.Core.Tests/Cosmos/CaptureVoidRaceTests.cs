using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// The saga's payment timeout sends a void while the capture may already be at the gateway. Whoever commits
/// first, no cancelled order may keep money: the capture that loses the race refunds what it took.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CaptureVoidRaceTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task When_a_void_commits_while_the_capture_is_at_the_gateway_the_money_goes_back()
    {
        var simulated = new SimulatedPaymentGateway(TimeProvider.System);
        var gateway = new GatedGateway(simulated);
        await using var h = await CoreHarness.StartAsync(fixture, b => b.ConfigureServices(s => s.AddSingleton<IPaymentGateway>(gateway)));
        var publisher = h.Publisher;
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var correlation = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "race");
        var capture = Envelopes.Create(new PaymentCaptureV1("ord_race", "cust_1", 3998, "USD"),
            DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "race/capture"), correlation, null, Services.Saga, at);
        var cancel = Envelopes.Create(new PaymentVoidV1("ord_race", "payment timed out"),
            DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "race/void"), correlation, null, Services.Saga, at);

        var capturing = h.DeliverAsync(Services.Payments, capture);
        await gateway.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var voided = await h.DeliverAsync(Services.Payments, cancel);
        gateway.Release.SetResult();
        var captured = await capturing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.IsType<Settlement.Complete>(voided);
        Assert.IsType<Settlement.Complete>(captured);
        Assert.Equal(0, simulated.Captured.Values.Sum());
        Assert.Empty(publisher.SentOf(MessageTypes.PaymentCompletedV1));
        Assert.Equal(PaymentOutcomes.Voided, Assert.Single(publisher.SentOf(MessageTypes.PaymentFailedV1)).PayloadAs<PaymentFailedV1>().Reason);
    }

    /// <summary>Holds the first capture at the gateway until the test lets it go.</summary>
    private sealed class GatedGateway(IPaymentGateway inner) : IPaymentGateway
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken)
        {
            var result = await inner.CaptureAsync(request, cancellationToken);
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return result;
        }

        public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) => inner.RefundAsync(request, cancellationToken);
    }
}
