using System.Reflection;
using NetArchTest.Rules;

namespace AzureOrders.Core.Tests.Architecture;

/// <summary>
/// The service boundaries, checked on the compiled Core assembly: a service talks to another only through contracts
/// and messages, and the shared plumbing knows no service. Setup and Hosting are the composition root and may know all.
/// </summary>
public sealed class ServiceBoundaryTests
{
    private const string Root = "AzureOrders";

    public static readonly string[] ServiceNamespaces = ["Orders", "Inventory", "Payments", "Notifications"];

    /// <summary>Shared by every service; none of it may depend on a service (the saga is part of Orders).</summary>
    public static readonly string[] PlumbingNamespaces = ["Contracts", "Messaging", "Persistence", "ServiceBus", "Diagnostics", "Api", "DeadLetters"];

    private static readonly Assembly Core = typeof(Hosting.AzureOrdersRegistration).Assembly;

    public static TheoryData<string> Services => [.. ServiceNamespaces];

    public static TheoryData<string> Plumbing => [.. PlumbingNamespaces];

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_depends_on_no_other_service_nor_on_the_composition_root(string service) =>
        AssertHolds(ServiceRule(Types.InAssembly(Core), service));

    [Theory]
    [MemberData(nameof(Plumbing))]
    public void Shared_plumbing_depends_on_no_service_nor_on_the_composition_root(string plumbing) =>
        AssertHolds(PlumbingRule(Types.InAssembly(Core), plumbing));

    [Fact]
    public void Every_namespace_of_Core_is_a_service_plumbing_or_composition()
    {
        var known = ServiceNamespaces.Concat(PlumbingNamespaces).Concat(["Hosting", "Setup"]).Select(n => $"{Root}.{n}").ToList();
        var unknown = Core.GetTypes().Select(t => t.Namespace).Where(n => n is not null && n.StartsWith(Root + ".", StringComparison.Ordinal))
            .Distinct().Where(n => !known.Any(k => n == k || n!.StartsWith(k + ".", StringComparison.Ordinal))).ToList();
        Assert.True(unknown.Count == 0, $"Namespaces outside the boundary rules: {string.Join(", ", unknown)}. Add them to a list above.");
    }

    [Fact]
    public void The_rules_catch_a_violation()
    {
        // This test assembly holds a type in AzureOrders.Inventory that uses Orders, and one in Messaging that uses Payments.
        var violations = Types.InAssembly(typeof(ServiceBoundaryTests).Assembly);
        var service = ServiceRule(violations, "Inventory").GetResult();
        var plumbing = PlumbingRule(Types.InAssembly(typeof(ServiceBoundaryTests).Assembly), "Messaging").GetResult();

        Assert.False(service.IsSuccessful);
        Assert.Contains(service.FailingTypeNames, n => n.EndsWith(nameof(AzureOrders.Inventory.StockPeekingAtOrders), StringComparison.Ordinal));
        Assert.False(plumbing.IsSuccessful);
        Assert.Contains(plumbing.FailingTypeNames, n => n.EndsWith(nameof(AzureOrders.Messaging.PipelineKnowingPayments), StringComparison.Ordinal));
    }

    private static ConditionList ServiceRule(Types types, string service) =>
        types.That().ResideInNamespace($"{Root}.{service}")
            .ShouldNot().HaveDependencyOnAny([.. ServiceNamespaces.Where(s => s != service).Concat(["Hosting", "Setup"]).Select(n => $"{Root}.{n}")]);

    private static ConditionList PlumbingRule(Types types, string plumbing) =>
        types.That().ResideInNamespace($"{Root}.{plumbing}")
            .ShouldNot().HaveDependencyOnAny([.. ServiceNamespaces.Concat(["Hosting", "Setup"]).Select(n => $"{Root}.{n}")]);

    private static void AssertHolds(ConditionList rule)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, "Boundary crossed by: " + string.Join(", ", result.FailingTypeNames ?? []));
    }
}
