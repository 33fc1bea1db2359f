using System.Security.Cryptography;
using System.Text;

namespace AzureOrders.Contracts;

/// <summary>
/// RFC 4122 name-based UUIDs (version 5, SHA-1). Anything a retry repeats gets its id from here, so a
/// redelivered message produces the same outgoing ids and broker duplicate detection can drop the copy.
/// </summary>
public static class DeterministicGuid
{
    /// <summary>Namespace for ids of events caused by another message.</summary>
    public static readonly Guid EventNamespace = new("5b0f7f0e-6f4c-4d8e-9a51-3c2d1e0b7a11");

    /// <summary>Namespace for ids derived from client input (orderIds from Idempotency-Key, correlation ids).</summary>
    public static readonly Guid ClientNamespace = new("9e3c4a27-1d6b-45f0-8c2e-7f1a0b5d9c32");

    /// <summary>The id of the <paramref name="index"/>-th message <paramref name="handler"/> emits because of <paramref name="causationId"/>.</summary>
    public static Guid ForOutgoing(Guid causationId, string handler, int index) =>
        Create(EventNamespace, $"{causationId:D}|{handler}|{index}");

    public static Guid Create(Guid @namespace, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        @namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 v5 specifies; this is an identifier, not a security boundary.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
