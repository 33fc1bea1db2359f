using System.Collections.Concurrent;
using System.Reflection;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// The part of the Functions host these tests need, over a real broker: for every <c>[Function]</c> method of the
/// Function App with a <c>[ServiceBusTrigger]</c>, a processor on the entity the attribute names (settlement left to
/// the function, as <c>AutoCompleteMessages = false</c> says), invoking the method with the received message, a
/// <see cref="ServiceBusMessageActions"/> over the processor's settlement, the Durable client where it binds one, and
/// the cancellation token. A function that throws gets what the Functions host does: the message is abandoned.
/// </summary>
public sealed class FunctionTriggerHost : IAsyncDisposable
{
    private readonly List<ServiceBusProcessor> _processors = [];
    private readonly ConcurrentQueue<(string Function, ServiceBusReceivedMessage Message, DateTimeOffset At)> _invocations = new();
    private readonly ConcurrentQueue<(string Function, Exception Error)> _errors = new();

    private FunctionTriggerHost() { }

    /// <summary>Every invocation, in arrival order.</summary>
    public IReadOnlyList<(string Function, ServiceBusReceivedMessage Message, DateTimeOffset At)> Invocations => [.. _invocations];

    /// <summary>Exceptions that escaped a function (the dispatcher settles every outcome itself, so none should).</summary>
    public IReadOnlyList<(string Function, Exception Error)> Errors => [.. _errors];

    public static IReadOnlyList<(string Name, MethodInfo Method, ServiceBusTriggerAttribute Trigger)> Triggers { get; } =
        [.. typeof(Consumers.ServiceBusConsumer).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Name: m.GetCustomAttribute<FunctionAttribute>()?.Name,
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<ServiceBusTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Name is not null && f.Trigger is not null)
            .Select(f => (f.Name!, f.Method, f.Trigger!))];

    public static async Task<FunctionTriggerHost> StartAsync(IServiceProvider services, ServiceBusClient client, Func<string, bool>? only = null)
    {
        var host = new FunctionTriggerHost();
        foreach (var (name, method, trigger) in Triggers.Where(t => only?.Invoke(t.Name) ?? true))
        {
            var options = new ServiceBusProcessorOptions { AutoCompleteMessages = trigger.AutoCompleteMessages, MaxConcurrentCalls = 8, PrefetchCount = 0 };
            var processor = trigger.QueueName is { } queue
                ? client.CreateProcessor(queue, options)
                : client.CreateProcessor(trigger.TopicName, trigger.SubscriptionName, options);
            var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
            processor.ProcessMessageAsync += args => host.InvokeAsync(name, method, target, services, args);
            processor.ProcessErrorAsync += _ => Task.CompletedTask;
            host._processors.Add(processor);
            await processor.StartProcessingAsync();
        }
        return host;
    }

    private async Task InvokeAsync(string name, MethodInfo method, object? target, IServiceProvider services, ProcessMessageEventArgs args)
    {
        _invocations.Enqueue((name, args.Message, DateTimeOffset.UtcNow));
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(ServiceBusReceivedMessage) => args.Message,
            var t when t == typeof(ServiceBusMessageActions) => new ProcessorMessageActions(args),
            var t when t == typeof(DurableTaskClient) => services.GetRequiredService<DurableTaskClient>(),
            var t when t == typeof(CancellationToken) => (object)args.CancellationToken,
            var t => throw new InvalidOperationException($"{name}: no binding for parameter {p.Name} of type {t.Name}"),
        }).ToArray();
        try
        {
            await (Task)method.Invoke(target, arguments)!;
        }
        catch (Exception e)
        {
            _errors.Enqueue((name, e));
            await args.AbandonMessageAsync(args.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _processors)
        {
            await processor.StopProcessingAsync();
            await processor.DisposeAsync();
        }
    }

    /// <summary>The binding's settlement API over the processor's, which is what the real extension does over its receiver.</summary>
    private sealed class ProcessorMessageActions(ProcessMessageEventArgs args) : ServiceBusMessageActions
    {
        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
            args.CompleteMessageAsync(message, cancellationToken);

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = default, CancellationToken cancellationToken = default) =>
            args.AbandonMessageAsync(message, propertiesToModify, cancellationToken);

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, Dictionary<string, object>? propertiesToModify = default,
            string? deadLetterReason = default, string? deadLetterErrorDescription = default, CancellationToken cancellationToken = default) =>
            args.DeadLetterMessageAsync(message, propertiesToModify, deadLetterReason, deadLetterErrorDescription, cancellationToken);

        public override Task DeferMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = default, CancellationToken cancellationToken = default) =>
            args.DeferMessageAsync(message, propertiesToModify, cancellationToken);
    }
}
