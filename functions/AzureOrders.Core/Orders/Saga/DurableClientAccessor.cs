using Microsoft.DurableTask.Client;

namespace AzureOrders.Orders.Saga;

/// <summary>
/// How the saga's handler reaches the Durable client. Hosts that own a Durable worker (the local runner, tests) have
/// the client in DI; the Function App gets one bound per invocation ([DurableClient]) and hands it over for the
/// duration of that invocation with <see cref="Use"/>, which flows with the async call (AsyncLocal).
/// </summary>
public sealed class DurableClientAccessor(DurableTaskClient? registered = null)
{
    private static readonly AsyncLocal<DurableTaskClient?> Current = new();

    public DurableTaskClient Client => Current.Value ?? registered
        ?? throw new InvalidOperationException("No Durable client: register one, or bind [DurableClient] and call DurableClientAccessor.Use for the invocation.");

    /// <summary>Makes <paramref name="client"/> the one the saga uses until the returned scope is disposed.</summary>
    public IDisposable Use(DurableTaskClient client)
    {
        var previous = Current.Value;
        Current.Value = client;
        return new Scope(previous);
    }

    private sealed class Scope(DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
