using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AzureOrders.Contracts;
using BenchmarkDotNet.Attributes;

namespace AzureOrders.Benchmarks;

/// <summary>
/// Envelope encode and decode (envelope + typed payload, as the pipeline does) with the source-generated context
/// against reflection-based System.Text.Json with the same naming options.
/// </summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private static readonly JsonSerializerOptions Reflection = new(ContractsJsonContext.Default.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private Envelope _envelope = null!;
    private byte[] _bytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var payload = new OrderPlacedV1("ord_123", "cust_456", [new OrderLineV1("WIDGET-001", 2, 1999), new OrderLineV1("GADGET-002", 1, 4999)], 8997);
        _envelope = new Envelope(Guid.Parse("3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f"), MessageTypes.OrderPlacedV1, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
            Guid.Parse("7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f"), null, Services.Orders,
            JsonSerializer.SerializeToElement(payload, ContractsJsonContext.Default.OrderPlacedV1));
        _bytes = _envelope.ToUtf8Bytes();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("encode")]
    public byte[] Encode_source_generated() => JsonSerializer.SerializeToUtf8Bytes(_envelope, ContractsJsonContext.Default.Envelope);

    [Benchmark, BenchmarkCategory("encode")]
    public byte[] Encode_reflection() => JsonSerializer.SerializeToUtf8Bytes(_envelope, Reflection);

    [Benchmark, BenchmarkCategory("decode")]
    public OrderPlacedV1 Decode_source_generated()
    {
        var envelope = JsonSerializer.Deserialize(_bytes, ContractsJsonContext.Default.Envelope)!;
        return envelope.Payload.Deserialize(ContractsJsonContext.Default.OrderPlacedV1)!;
    }

    [Benchmark, BenchmarkCategory("decode")]
    public OrderPlacedV1 Decode_reflection()
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(_bytes, Reflection)!;
        return envelope.Payload.Deserialize<OrderPlacedV1>(Reflection)!;
    }
}
