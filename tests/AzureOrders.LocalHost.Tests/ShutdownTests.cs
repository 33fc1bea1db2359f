using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AzureOrders.LocalHost.Tests;

/// <summary>SIGINT to the process group, as a terminal's Ctrl+C sends it, with orders in flight.</summary>
public sealed class SigintShutdownTests
{
    [Fact]
    public async Task When_the_process_group_gets_SIGINT_with_orders_in_flight_the_runner_stops_within_10_s_with_exit_code_0_and_nothing_left_running()
    {
        await using var runner = RunnerProcess.Start("--port", "0", "--servicebus-port", "0");
        var api = await runner.RunningAsync(TimeSpan.FromSeconds(90));
        using var http = new HttpClient { BaseAddress = api };
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "orders")
            {
                Content = new StringContent($$"""{"orderId":"ord_sigint_{{i}}","customerId":"cust_{{i}}","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""", Encoding.UTF8, "application/json"),
            };
            Assert.True((await http.SendAsync(request)).IsSuccessStatusCode);
        }

        await runner.SignalAsync("INT", group: true);

        Assert.True(await runner.ExitsWithinAsync(TimeSpan.FromSeconds(10)), $"still running 10 s after SIGINT\nstdout:\n{runner.StandardOutput}\nstderr:\n{runner.StandardError}");
        Assert.Equal(0, runner.ExitCode);
        Assert.Empty(await runner.GroupMembersAsync());
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("health"));
        Assert.DoesNotContain("Connection refused", runner.StandardOutput + runner.StandardError);
    }
}

/// <summary>SIGTERM to the runner alone, as a service manager sends it: the runner stops its children itself.</summary>
public sealed class SigtermShutdownTests
{
    [Fact]
    public async Task When_the_runner_gets_SIGTERM_it_stops_its_children_and_exits_within_10_s_with_exit_code_0()
    {
        await using var runner = RunnerProcess.Start("--port", "0", "--servicebus-port", "0");
        await runner.RunningAsync(TimeSpan.FromSeconds(90));
        Assert.NotEmpty(await runner.GroupMembersAsync());

        await runner.SignalAsync("TERM", group: false);

        Assert.True(await runner.ExitsWithinAsync(TimeSpan.FromSeconds(10)), $"still running 10 s after SIGTERM\nstderr:\n{runner.StandardError}");
        Assert.Equal(0, runner.ExitCode);
        Assert.Empty(await runner.GroupMembersAsync());
    }
}

/// <summary>A port already taken: one line that names it and the option to pick another, no stack trace.</summary>
public sealed class PortInUseTests
{
    [Fact]
    public async Task When_the_HTTP_port_is_taken_the_runner_says_which_port_and_how_to_pick_another_and_exits_1()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var runner = RunnerProcess.Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--servicebus-port", "0");

        Assert.True(await runner.ExitsWithinAsync(TimeSpan.FromSeconds(90)), "the runner kept running on a taken port");
        Assert.Equal(1, runner.ExitCode);
        Assert.Contains($"Port {port} (the HTTP API) is already in use", runner.StandardError);
        Assert.Contains("--port", runner.StandardError);
        Assert.DoesNotContain("   at ", runner.StandardError);
        Assert.Empty(await runner.GroupMembersAsync());
    }
}

/// <summary>The demo command ends by itself: its exit code is the invariants' verdict, and stopping its children is no alarm.</summary>
public sealed class DemoProcessTests
{
    [Fact]
    public async Task When_a_small_demo_finishes_the_runner_exits_0_without_reporting_its_own_children_as_crashed()
    {
        await using var runner = RunnerProcess.Start("demo", "--orders", "5", "--port", "0", "--servicebus-port", "0");

        Assert.True(await runner.ExitsWithinAsync(TimeSpan.FromSeconds(120)), $"the demo did not end\nstdout:\n{runner.StandardOutput}");
        Assert.Equal(0, runner.ExitCode);
        Assert.Contains("All invariants hold.", runner.StandardOutput);
        Assert.DoesNotContain("unexpectedly", runner.StandardError);
        Assert.Empty(await runner.GroupMembersAsync());
    }
}

/// <summary>A child that dies on its own takes the runner down with one line naming it, instead of a loop of connection errors.</summary>
public sealed class ChildDeathTests
{
    [Fact]
    public async Task When_the_Cosmos_server_is_killed_the_runner_names_it_and_exits_1_within_10_s()
    {
        await using var runner = RunnerProcess.Start("--port", "0", "--servicebus-port", "0");
        await runner.RunningAsync(TimeSpan.FromSeconds(90));
        var cosmos = (await runner.GroupMembersAsync()).Single(p => p.Contains("cosmos", StringComparison.Ordinal) && p.Contains("server.js", StringComparison.Ordinal));
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", cosmos.Split(' ')[0]])!) await kill.WaitForExitAsync();

        Assert.True(await runner.ExitsWithinAsync(TimeSpan.FromSeconds(10)), $"still running 10 s after its Cosmos server died\nstderr:\n{runner.StandardError}");
        Assert.Equal(1, runner.ExitCode);
        Assert.Contains("the Cosmos server (node, pid", runner.StandardError);
        Assert.Contains("exited unexpectedly", runner.StandardError);
        Assert.Empty(await runner.GroupMembersAsync());
    }
}
