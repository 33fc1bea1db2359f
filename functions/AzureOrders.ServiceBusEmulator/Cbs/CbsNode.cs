using AzureOrders.ServiceBusEmulator.Amqp;
using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Cbs;

/// <summary>
/// The claims-based security node. The client puts a SAS token before every link; the emulator
/// accepts any token (it listens on loopback only) and answers 202 as the service does.
/// </summary>
internal sealed class CbsNode(ReplyLinks replies, ILogger logger)
{
    public const string Address = "$cbs";

    public void Attach(ReceivingAmqpLink requests)
    {
        requests.RegisterMessageListener(request =>
        {
            var audience = request.ApplicationProperties?.Map["name"] as string;
            logger.LogDebug("CBS put-token for {Audience}", audience);
            var response = AmqpMessage.Create();
            response.Properties.CorrelationId = request.Properties.MessageId;
            response.ApplicationProperties.Map["status-code"] = 202;
            response.ApplicationProperties.Map["status-description"] = "Accepted";
            var replyTo = request.Properties.ReplyTo?.ToString();
            var connection = requests.Session.Connection;
            requests.DisposeMessage(request, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            request.Dispose();
            replies.TrySend(connection, replyTo, response);
        });
    }
}
