using Microsoft.Azure.Cosmos;

namespace AzureOrders.LocalHost;

/// <summary>Counts requests that leave the Cosmos client (a RequestHandler sits in the SDK's pipeline), and their charge.</summary>
public sealed class CosmosRoundTrips : RequestHandler
{
    private long _requests;
    private long _chargeHundredths;

    public long Requests => Interlocked.Read(ref _requests);

    public double RequestCharge => Interlocked.Read(ref _chargeHundredths) / 100.0;

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Add(ref _chargeHundredths, (long)(response.Headers.RequestCharge * 100));
        return response;
    }
}
