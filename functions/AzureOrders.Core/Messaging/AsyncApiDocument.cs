using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

/// <summary>
/// Generates docs/asyncapi.json (AsyncAPI 3.0) from the contracts (catalog, envelope and payload schemas), the wire
/// mapping of <see cref="OutgoingMessage"/> and the topology, so integrators get a machine-readable contract that
/// cannot drift: a test compares it with the committed file, as for docs/events.md.
/// Channels are the topics and queues (address = entity name); each message is the envelope around its payload schema;
/// operations are one send per entity (its producer) and one receive per subscription or queue (its consumer, with
/// the subscription's rules).
/// </summary>
public static class AsyncApiDocument
{
    public const string Version = "3.0.0";

    /// <summary>Who sends commands: the saga is the only producer of the command queues (topics name their producer).</summary>
    public const string CommandSender = Services.Saga;

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        // '+' and '<' stay readable in media types and descriptions; the file is documentation, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// What each application property means. The generator refuses a property that <see cref="OutgoingMessage.From"/>
    /// writes but that has no description here, so a new wire property cannot go undocumented.
    /// </summary>
    private static readonly Dictionary<string, string> PropertyDescriptions = new(StringComparer.Ordinal)
    {
        [MessageProperties.EventType] = "The envelope's eventType (also the Subject), for rules and tools that do not read the body.",
        [MessageProperties.Source] = "The producing service (the envelope's source).",
        [MessageProperties.CausationId] = "eventId of the message that caused this one (absent on the first message of a flow).",
        [MessageProperties.TraceParent] = "W3C trace context of the producing span: one order is one end-to-end trace.",
        [MessageProperties.DiagnosticId] = "The same trace context under the Service Bus SDK's own name.",
        [MessageProperties.RedeliverTo] = "On a copy sent to one subscription only (resubmitted dead-letter, delayed retry): \"topic/subscription\". Its Subject is \"" + MessageProperties.RedeliverySubject + "\", so only that subscription's redelivery rule matches.",
        [MessageProperties.RetryCount] = "On a delayed-retry copy: how many delayed retries the message has had.",
        [MessageProperties.RetryOf] = "On a delayed-retry copy: the MessageId of the message whose handling failed first.",
        [MessageProperties.RetryReason] = "On a delayed-retry copy: the failure that caused the retry (truncated).",
        [MessageProperties.ResubmittedFrom] = "On a resubmitted dead-letter: the entity it was dead-lettered from.",
        [MessageProperties.ResubmittedFromSequence] = "On a resubmitted dead-letter: its sequence number in the dead-letter queue.",
        [MessageProperties.ResubmittedReason] = "On a resubmitted dead-letter: the dead-letter reason it had.",
        [MessageProperties.ResubmittedAt] = "On a resubmitted dead-letter: when it was resubmitted.",
    };

    /// <summary>
    /// Properties that only copies carry (re-delivery to one subscription), with their AMQP value type as JSON Schema
    /// (ServiceBusEventPublisher and Resubmission write them); documented as optional headers.
    /// </summary>
    private static readonly (string Name, string Type, string? Format)[] CopyProperties =
    [
        (MessageProperties.RedeliverTo, "string", null), (MessageProperties.RetryCount, "integer", null),
        (MessageProperties.RetryOf, "string", null), (MessageProperties.RetryReason, "string", null),
        (MessageProperties.ResubmittedFrom, "string", null), (MessageProperties.ResubmittedFromSequence, "integer", null),
        (MessageProperties.ResubmittedReason, "string", null), (MessageProperties.ResubmittedAt, "string", "date-time"),
    ];

    public static string Generate(Topology topology)
    {
        var wire = WireMapping(topology);
        var document = new JsonObject
        {
            ["asyncapi"] = Version,
            ["id"] = "urn:azureorders:messaging",
            ["info"] = new JsonObject
            {
                ["title"] = "AzureOrders messages",
                ["version"] = "1.0.0",
                ["description"] = string.Join("\n",
                    "Events and commands of the AzureOrders system on Azure Service Bus.",
                    "",
                    "Generated from functions/AzureOrders.Core/Contracts (message catalog, JSON Schemas), the wire mapping in",
                    "functions/AzureOrders.Core/Messaging/OutgoingMessage.cs and infra/topology.json. Do not edit by hand: run",
                    "`AZUREORDERS_UPDATE_EVENT_CATALOG=1 dotnet test tests/AzureOrders.Core.Tests --filter EventCatalog`.",
                    "",
                    $"Every message body is the JSON envelope (components/schemas/envelope) around its payload. Service Bus properties: MessageId = eventId",
                    $"(duplicate detection is on for every entity), Subject = eventType, CorrelationId = correlationId, ContentType {wire.ContentType}.",
                    "Subscriptions filter on the Subject (correlation filter `label`). Extra payload fields are tolerated; a breaking change",
                    "gets a new version in the type name. Delivery is at least once: consumers are idempotent on eventId."),
                ["tags"] = new JsonArray(new JsonObject { ["name"] = "event" }, new JsonObject { ["name"] = "command" }),
            },
            ["defaultContentType"] = wire.ContentType,
            ["servers"] = Servers(),
            ["channels"] = Channels(topology),
            ["operations"] = Operations(topology),
            ["components"] = Components(wire),
        };
        return document.ToJsonString(Output) + "\n";
    }

    private static JsonObject Servers() => new()
    {
        ["production"] = new JsonObject
        {
            ["host"] = "{namespace}.servicebus.windows.net",
            ["protocol"] = "amqp",
            ["protocolVersion"] = "1.0",
            ["title"] = "Azure Service Bus",
            ["description"] = "The namespace `azd up` provisions (output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE is the host). AMQP 1.0 over TLS on port 5671, or AMQP over WebSockets on 443. Entra ID only: local (SAS) authentication is disabled, so a client needs a Service Bus data role on the entity.",
            ["variables"] = new JsonObject
            {
                ["namespace"] = new JsonObject { ["description"] = "The Service Bus namespace name." },
            },
            ["security"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/securitySchemes/entraId" }),
        },
        ["local"] = new JsonObject
        {
            ["host"] = "127.0.0.1:5672",
            ["protocol"] = "amqp",
            ["protocolVersion"] = "1.0",
            ["title"] = "Local emulator",
            ["description"] = "The embedded Service Bus emulator of the local runner, or Microsoft's emulator (infra/local/docker-compose.yml); connection string with UseDevelopmentEmulator=true, any key.",
        },
    };

    private static JsonObject Channels(Topology topology)
    {
        var channels = new JsonObject();
        foreach (var topic in topology.Topics)
            channels[topic.Name] = new JsonObject
            {
                ["address"] = topic.Name,
                ["title"] = $"Topic {topic.Name}",
                ["description"] = $"Events of the {topic.Producer} service; one subscription per consumer.",
                ["messages"] = MessageRefs(topic.EventTypes),
                ["x-azure-service-bus"] = new JsonObject
                {
                    ["entity"] = "topic",
                    ["requiresDuplicateDetection"] = topic.RequiresDuplicateDetection,
                    ["duplicateDetectionHistoryTimeWindow"] = topic.DuplicateDetectionHistoryTimeWindow,
                    ["defaultMessageTimeToLive"] = topic.DefaultMessageTimeToLive,
                    ["subscriptions"] = new JsonArray([.. topic.Subscriptions.Select(s => (JsonNode)s.Name)]),
                },
            };
        foreach (var queue in topology.Queues)
            channels[queue.Name] = new JsonObject
            {
                ["address"] = queue.Name,
                ["title"] = $"Queue {queue.Name}",
                ["description"] = queue.Description ?? $"Commands to the {queue.Consumer} service.",
                ["messages"] = MessageRefs(queue.CommandTypes),
                ["x-azure-service-bus"] = new JsonObject
                {
                    ["entity"] = "queue",
                    ["requiresDuplicateDetection"] = queue.RequiresDuplicateDetection,
                    ["duplicateDetectionHistoryTimeWindow"] = queue.DuplicateDetectionHistoryTimeWindow,
                    ["defaultMessageTimeToLive"] = queue.DefaultMessageTimeToLive,
                    ["maxDeliveryCount"] = queue.MaxDeliveryCount,
                    ["lockDuration"] = queue.LockDuration,
                    ["deadLetteringOnMessageExpiration"] = queue.DeadLetteringOnMessageExpiration,
                },
            };
        return channels;
    }

    private static JsonObject MessageRefs(IEnumerable<string> types)
    {
        var messages = new JsonObject();
        foreach (var type in types) messages[type] = Ref($"#/components/messages/{type}");
        return messages;
    }

    private static JsonObject Operations(Topology topology)
    {
        var operations = new JsonObject();
        foreach (var topic in topology.Topics)
        {
            operations[$"{topic.Name}.send"] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{topic.Name}"),
                ["title"] = $"{topic.Producer} publishes its events",
                ["summary"] = $"The {topic.Producer} service publishes to topic {topic.Name} (through its outbox: a message may be sent more than once, with the same MessageId).",
                ["messages"] = ChannelMessageRefs(topic.Name, topic.EventTypes),
                ["x-producer"] = topic.Producer,
            };
            foreach (var subscription in topic.Subscriptions)
                operations[$"{topic.Name}.{subscription.Name}.receive"] = new JsonObject
                {
                    ["action"] = "receive",
                    ["channel"] = Ref($"#/channels/{topic.Name}"),
                    ["title"] = $"{subscription.Consumer} receives from {topic.Name}/{subscription.Name}",
                    ["summary"] = subscription.Description ?? $"Subscription {subscription.Name} of topic {topic.Name}.",
                    ["messages"] = ChannelMessageRefs(topic.Name, subscription.EventTypes),
                    ["x-consumer"] = subscription.Consumer,
                    ["x-azure-service-bus"] = new JsonObject
                    {
                        ["subscription"] = subscription.Name,
                        ["path"] = $"{topic.Name}/subscriptions/{subscription.Name}",
                        ["maxDeliveryCount"] = subscription.MaxDeliveryCount,
                        ["lockDuration"] = subscription.LockDuration,
                        ["deadLetteringOnMessageExpiration"] = subscription.DeadLetteringOnMessageExpiration,
                        ["deadLetteringOnFilterEvaluationExceptions"] = subscription.DeadLetteringOnFilterEvaluationExceptions,
                        ["rules"] = new JsonArray([.. subscription.Rules.Select(Rule)]),
                    },
                };
        }
        foreach (var queue in topology.Queues)
        {
            operations[$"{queue.Name}.send"] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{queue.Name}"),
                ["title"] = $"{CommandSender} sends commands to {queue.Consumer}",
                ["summary"] = $"The order saga sends commands to queue {queue.Name}.",
                ["messages"] = ChannelMessageRefs(queue.Name, queue.CommandTypes),
                ["x-producer"] = CommandSender,
            };
            operations[$"{queue.Name}.receive"] = new JsonObject
            {
                ["action"] = "receive",
                ["channel"] = Ref($"#/channels/{queue.Name}"),
                ["title"] = $"{queue.Consumer} receives its commands",
                ["summary"] = queue.Description ?? $"Queue {queue.Name}.",
                ["messages"] = ChannelMessageRefs(queue.Name, queue.CommandTypes),
                ["x-consumer"] = queue.Consumer,
                ["x-azure-service-bus"] = new JsonObject
                {
                    ["queue"] = queue.Name,
                    ["path"] = queue.Name,
                    ["maxDeliveryCount"] = queue.MaxDeliveryCount,
                    ["lockDuration"] = queue.LockDuration,
                },
            };
        }
        return operations;
    }

    private static JsonArray ChannelMessageRefs(string channel, IEnumerable<string> types) =>
        new([.. types.Select(t => (JsonNode)Ref($"#/channels/{channel}/messages/{t}"))]);

    private static JsonNode Rule(RuleSpec rule)
    {
        var node = new JsonObject { ["name"] = rule.Name, ["filterType"] = rule.FilterType };
        if (rule.CorrelationFilter is { } filter)
        {
            var correlation = new JsonObject();
            if (filter.Label is not null) correlation["label"] = filter.Label;
            if (filter.CorrelationId is not null) correlation["correlationId"] = filter.CorrelationId;
            if (filter.MessageId is not null) correlation["messageId"] = filter.MessageId;
            if (filter.Properties is { Count: > 0 } properties)
            {
                var map = new JsonObject();
                foreach (var (key, value) in properties) map[key] = value;
                correlation["properties"] = map;
            }
            node["correlationFilter"] = correlation;
        }
        if (rule.SqlFilter is not null) node["sqlFilter"] = rule.SqlFilter;
        return node;
    }

    private static JsonObject Components(WireFacts wire)
    {
        var schemas = new JsonObject { ["envelope"] = SchemaOf("envelope.schema.json") };
        foreach (var d in MessageCatalog.All) schemas[d.Type] = SchemaOf(d.SchemaName);
        schemas["applicationProperties"] = Headers(wire);

        var messages = new JsonObject();
        foreach (var d in MessageCatalog.All)
            messages[d.Type] = new JsonObject
            {
                ["name"] = d.Type,
                ["title"] = d.Type,
                ["summary"] = d.Description,
                ["contentType"] = wire.ContentType,
                ["correlationId"] = Ref("#/components/correlationIds/correlationId"),
                ["headers"] = Ref("#/components/schemas/applicationProperties"),
                ["payload"] = new JsonObject
                {
                    ["allOf"] = new JsonArray(
                        Ref("#/components/schemas/envelope"),
                        new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = new JsonObject
                            {
                                ["eventType"] = new JsonObject { ["const"] = d.Type },
                                ["source"] = new JsonObject { ["const"] = d.Kind == MessageKind.Event ? d.Owner : CommandSender },
                                ["payload"] = Ref($"#/components/schemas/{d.Type}"),
                            },
                        }),
                },
                ["tags"] = new JsonArray(new JsonObject { ["name"] = d.Kind.ToString().ToLowerInvariant() }, new JsonObject { ["name"] = d.Owner }),
                ["x-azure-service-bus"] = new JsonObject
                {
                    ["messageId"] = "$message.payload#/eventId",
                    ["subject"] = d.Type,
                    ["correlationId"] = "$message.payload#/correlationId",
                },
                ["x-schema-file"] = $"functions/AzureOrders.Core/Contracts/Schemas/{d.SchemaName}",
                ["x-record"] = d.ClrType.FullName,
            };

        return new JsonObject
        {
            ["schemas"] = schemas,
            ["messages"] = messages,
            ["correlationIds"] = new JsonObject
            {
                ["correlationId"] = new JsonObject
                {
                    ["description"] = "One per order flow: every message of the flow carries it (also the Service Bus CorrelationId).",
                    ["location"] = "$message.payload#/correlationId",
                },
            },
            ["securitySchemes"] = new JsonObject
            {
                ["entraId"] = new JsonObject
                {
                    ["type"] = "oauth2",
                    ["description"] = "Microsoft Entra ID token for Service Bus (managed identity or DefaultAzureCredential; TENANT_ID is azd output AZURE_TENANT_ID); the caller needs Azure Service Bus Data Sender or Data Receiver on the entity.",
                    ["flows"] = new JsonObject
                    {
                        ["clientCredentials"] = new JsonObject
                        {
                            ["tokenUrl"] = "https://login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token",
                            ["availableScopes"] = new JsonObject { ["https://servicebus.azure.net/.default"] = "Service Bus data plane." },
                        },
                    },
                    ["scopes"] = new JsonArray("https://servicebus.azure.net/.default"),
                },
            },
        };
    }

    private static JsonObject Headers(WireFacts wire)
    {
        var properties = new JsonObject();
        foreach (var (name, type, format) in wire.ApplicationProperties.Select(p => (p, "string", (string?)null)).Concat(CopyProperties))
        {
            if (properties.ContainsKey(name)) continue;
            if (!PropertyDescriptions.TryGetValue(name, out var description))
                throw new InvalidOperationException($"OutgoingMessage writes application property '{name}', which AsyncApiDocument does not describe; add it to PropertyDescriptions.");
            var property = new JsonObject { ["type"] = type, ["description"] = description };
            if (format is not null) property["format"] = format;
            properties[name] = property;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Service Bus application properties (AMQP application-properties).",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. wire.RequiredProperties.Select(p => (JsonNode)p)]),
        };
    }

    /// <summary>A payload schema as the catalog embeds it, minus $schema/$id: inlined here it is an AsyncAPI schema (a JSON Schema draft-07 superset; the keywords used are common to both).</summary>
    private static JsonNode SchemaOf(string fileName)
    {
        var schema = JsonNode.Parse(SchemaValidator.ReadSchemaText(fileName))!.AsObject();
        schema.Remove("$schema");
        schema.Remove("$id");
        return schema;
    }

    private static JsonObject Ref(string pointer) => new() { ["$ref"] = pointer };

    private sealed record WireFacts(string ContentType, IReadOnlyList<string> ApplicationProperties, IReadOnlyList<string> RequiredProperties);

    /// <summary>
    /// Asks the real mapping what goes on the wire, with a message that has every optional field set and one that has
    /// none, and checks the broker properties the document states (MessageId = eventId, Subject = eventType, ...).
    /// </summary>
    private static WireFacts WireMapping(Topology topology)
    {
        var type = MessageCatalog.All[0].Type;
        using var empty = JsonDocument.Parse("{}");
        var full = new Envelope(Guid.NewGuid(), type, DateTimeOffset.UnixEpoch, Guid.NewGuid(), Guid.NewGuid(), Services.Orders, empty.RootElement.Clone());
        var bare = full with { CausationId = null, Source = null };
        var fullMessage = OutgoingMessage.From(full, topology, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var bareMessage = OutgoingMessage.From(bare, topology, "");

        if (fullMessage.MessageId != full.EventId.ToString("D") || fullMessage.Subject != full.EventType || fullMessage.CorrelationId != full.CorrelationId.ToString("D"))
            throw new InvalidOperationException("OutgoingMessage no longer maps MessageId = eventId, Subject = eventType, CorrelationId = correlationId; update AsyncApiDocument.");

        return new WireFacts(
            fullMessage.ContentType,
            [.. fullMessage.ApplicationProperties.Keys],
            [.. bareMessage.ApplicationProperties.Keys.Where(k => k != MessageProperties.TraceParent && k != MessageProperties.DiagnosticId)]);
    }
}
