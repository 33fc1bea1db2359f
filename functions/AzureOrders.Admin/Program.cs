using AzureOrders.Admin;

// Ctrl+C cancels the operation in flight; a resubmit never completes a message whose send did not finish.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
return await AdminCli.RunAsync(args, CliConsole.System, cancellation.Token);
