// Types that break the boundary rules on purpose, so ServiceBoundaryTests can show the rules fail when broken.
// They live in this test assembly only; Core is checked separately.
namespace AzureOrders.Inventory
{
    public sealed class StockPeekingAtOrders
    {
        public Orders.OrderStream? Stream { get; init; }
    }
}

namespace AzureOrders.Messaging
{
    public sealed class PipelineKnowingPayments
    {
        public Payments.PaymentsOptions? Options { get; init; }
    }
}
