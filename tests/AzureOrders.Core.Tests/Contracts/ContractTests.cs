using System.Text;
using System.Text.Json;
using AzureOrders.Contracts;

namespace AzureOrders.Core.Tests.Contracts;

public class ContractTests
{
    // The seed document's example, byte for byte the shape users expect.
    internal const string SeedOrderPlaced = """
        {
          "eventId": "3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f",
          "eventType": "order.placed.v1",
          "timestamp": "2026-11-26T10:00:00Z",
          "correlationId": "7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
          "payload": {
            "orderId": "ord_123",
            "customerId": "cust_456",
            "items": [ { "sku": "WIDGET-001", "quantity": 2, "priceInCents": 1999 } ],
            "totalInCents": 3998
          }
        }
        """;

    [Fact]
    public void The_seed_order_placed_event_is_valid_and_round_trips_camelCase()
    {
        using var doc = JsonDocument.Parse(SeedOrderPlaced);
        Assert.True(SchemaValidator.Instance.CheckEnvelope(doc.RootElement).IsValid);
        var envelope = Envelopes.Deserialize(Encoding.UTF8.GetBytes(SeedOrderPlaced));
        Assert.True(SchemaValidator.Instance.CheckPayload(envelope.EventType, envelope.Payload).IsValid);

        var order = envelope.PayloadAs<OrderPlacedV1>();
        Assert.Equal(new OrderLineV1("WIDGET-001", 2, 1999), order.Items.Single());
        Assert.Equal(3998, order.TotalInCents);

        var json = Encoding.UTF8.GetString(envelope.ToUtf8Bytes());
        Assert.Contains("\"eventId\":\"3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f\"", json);
        Assert.Contains("\"priceInCents\":1999", json);
        Assert.DoesNotContain("causationId", json); // null members are omitted, as optional fields should be
    }

    [Fact]
    public void Every_contract_has_a_schema_that_accepts_a_sample_and_rejects_an_empty_object()
    {
        foreach (var d in MessageCatalog.All)
        {
            using var empty = JsonDocument.Parse("{}");
            Assert.False(SchemaValidator.Instance.CheckPayload(d.Type, empty.RootElement).IsValid, d.Type);
            var sample = ContractSamples.For(d.Type);
            var check = SchemaValidator.Instance.CheckPayload(d.Type, JsonSerializer.SerializeToElement(sample, d.JsonTypeInfo));
            Assert.True(check.IsValid, $"{d.Type}: {check.Describe()}");
        }
    }

    [Fact]
    public void Order_placed_v1_upcasts_to_v2_with_the_default_currency()
    {
        var v2 = OrderPlacedUpcaster.ReadAsV2(Envelopes.Deserialize(Encoding.UTF8.GetBytes(SeedOrderPlaced)));
        Assert.Equal("ord_123", v2.OrderId);
        Assert.Equal(new Money(3998, "USD"), v2.Total);
        Assert.Equal(new OrderLineV2("WIDGET-001", 2, new Money(1999, "USD")), v2.Items.Single());
        Assert.Null(v2.ShippingAddress);
        Assert.Equal(3998, OrderPlacedUpcaster.Downcast(v2).TotalInCents);
    }

    [Fact]
    public void Envelopes_refuse_a_payload_that_breaks_its_schema()
    {
        var bad = new OrderPlacedV1("ord 1 has spaces", "cust_1", [new OrderLineV1("WIDGET-001", 0, 10)], 0);
        var ex = Assert.Throws<ContractViolationException>(() =>
            Envelopes.Create(bad, Guid.Empty, Guid.Empty, null, Services.Orders, DateTimeOffset.UnixEpoch));
        Assert.Contains("/orderId", ex.Details);
        Assert.Contains("/items/0/quantity", ex.Details);
    }

    [Fact]
    public void Deterministic_guids_follow_RFC_4122_version_5()
    {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), DeterministicGuid.Create(dns, "www.example.com"));
        var cause = new Guid("3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f");
        Assert.Equal(DeterministicGuid.ForOutgoing(cause, "inventory", 0), DeterministicGuid.ForOutgoing(cause, "inventory", 0));
        Assert.NotEqual(DeterministicGuid.ForOutgoing(cause, "inventory", 0), DeterministicGuid.ForOutgoing(cause, "inventory", 1));
        Assert.NotEqual(DeterministicGuid.ForOutgoing(cause, "inventory", 0), DeterministicGuid.ForOutgoing(cause, "payments", 0));
    }
}
