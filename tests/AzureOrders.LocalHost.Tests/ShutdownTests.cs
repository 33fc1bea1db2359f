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
