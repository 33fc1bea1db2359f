using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using AzureOrders.Testing;

namespace AzureOrders.Foundation.Tests;

/// <summary>The current Azure Storage SDKs against the storage endpoint (embedded Azurite by default).</summary>
public sealed class AzuriteStorageTests(AzuriteFixture storage) : IClassFixture<AzuriteFixture>
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_blob_can_be_written_and_read_back()
    {
        var container = new BlobContainerClient(storage.ConnectionString, $"foundation-{suffix}");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("orders/ord_123.json");

        await blob.UploadAsync(BinaryData.FromString("""{"orderId":"ord_123"}"""), overwrite: true);
        var downloaded = await blob.DownloadContentAsync();

        Assert.Equal("""{"orderId":"ord_123"}""", downloaded.Value.Content.ToString());
    }

    [Fact]
    public async Task A_queue_message_can_be_sent_and_received()
    {
        var queue = new QueueClient(storage.ConnectionString, $"foundation-{suffix}");
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("order.placed.v1");
        var received = await queue.ReceiveMessageAsync();

        Assert.NotNull(received.Value);
        Assert.Equal("order.placed.v1", received.Value.Body.ToString());
        await queue.DeleteMessageAsync(received.Value.MessageId, received.Value.PopReceipt);
    }

    [Fact]
    public async Task A_table_entity_can_be_written_and_read_back()
    {
        var table = new TableClient(storage.ConnectionString, $"foundation{suffix}");
        await table.CreateIfNotExistsAsync();

        await table.AddEntityAsync(new TableEntity("orders", "ord_123") { ["Status"] = "PLACED", ["TotalInCents"] = 3998 });
        var entity = await table.GetEntityAsync<TableEntity>("orders", "ord_123");

        Assert.Equal("PLACED", entity.Value.GetString("Status"));
        Assert.Equal(3998, entity.Value.GetInt32("TotalInCents"));
    }
}
