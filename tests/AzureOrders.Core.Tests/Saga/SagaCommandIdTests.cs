using AzureOrders.Orders.Saga;

namespace AzureOrders.Core.Tests.Saga;

/// <summary>
/// The saga's command ids are the consumers' dedupe keys: a saga that started before a deployment re-sends its commands
/// after it under the same ids only if step names and the id scheme never change. These values are today's; a change
/// that breaks this test would make in-flight orders reserve or charge twice.
/// </summary>
public sealed class SagaCommandIdTests
{
    [Theory]
    [InlineData(SagaCommandSteps.ReserveInventory, "reserving-inventory", "8869abdb-ade2-5a9a-a1bf-1213923918ad")]
    [InlineData(SagaCommandSteps.CapturePayment, "capturing-payment", "6c306670-905d-59ac-84f1-282d0c2a70e1")]
    [InlineData(SagaCommandSteps.ReleaseInventory, "releasing-inventory", "e737ceca-5bb6-5f45-8234-c1add9120f5f")]
    [InlineData(SagaCommandSteps.VoidPayment, "voiding-payment", "98f1b512-0f20-5126-89f5-1c0e305feb2f")]
    [InlineData(SagaCommandSteps.LateRefund, "late-refund", "f8036a50-6599-5b8b-bde8-a5a862dabd55")]
    public void Command_ids_of_an_order_stay_what_they_were_when_sagas_started(string step, string frozenName, string frozenId)
    {
        Assert.Equal(frozenName, step);
        Assert.Equal(frozenId, SagaCommandIds.For("ord_frozen_1", step).ToString("D"));
    }

    [Fact]
    public void A_retried_attempt_gets_its_own_id_and_the_same_attempt_the_same()
    {
        Assert.Equal(SagaCommandIds.For("ord_1", SagaCommandSteps.ReleaseInventory, 2), SagaCommandIds.For("ord_1", SagaCommandSteps.ReleaseInventory, 2));
        Assert.NotEqual(SagaCommandIds.For("ord_1", SagaCommandSteps.ReleaseInventory, 1), SagaCommandIds.For("ord_1", SagaCommandSteps.ReleaseInventory, 2));
        Assert.NotEqual(SagaCommandIds.For("ord_1", SagaCommandSteps.ReleaseInventory), SagaCommandIds.For("ord_2", SagaCommandSteps.ReleaseInventory));
    }
}
