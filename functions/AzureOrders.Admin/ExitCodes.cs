namespace AzureOrders.Admin;

/// <summary>The exit codes of every command, as the help and docs/admin.md list them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The operation failed: a connection, sign-in or permission, a message that could not be resubmitted or purged, setup's checks.</summary>
    public const int Failed = 1;
    /// <summary>Wrong arguments: unknown command or option, a value that does not parse, no connection given or configured.</summary>
    public const int Usage = 2;
    /// <summary>A confirmation was refused or could not be asked (no answer on stdin): nothing was changed.</summary>
    public const int NotConfirmed = 3;
    /// <summary>Interrupted with Ctrl+C: what was done up to then stays done (see each command's audit lines).</summary>
    public const int Interrupted = 130;

    public const string Help = """
        Exit codes:
          0    ok
          1    the operation failed (connection, sign-in, permission, a message not resubmitted/purged, setup checks)
          2    wrong arguments (unknown command or option, a value that does not parse, no connection configured)
          3    a confirmation was refused or could not be asked (stdin closed): nothing changed; pass --yes in scripts
          130  interrupted (Ctrl+C)
        """;
}
