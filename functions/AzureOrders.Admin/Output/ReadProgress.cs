using System.Globalization;

namespace AzureOrders.Admin.Output;

/// <summary>
/// Progress of a long read on stderr (stdout stays the command's output, e.g. JSON): once a read has reached one
/// peek page (250 messages), the count read so far after every page. One line rewritten in place on a terminal, one line per page
/// when stderr is redirected (logs, CI).
/// </summary>
public sealed class ReadProgress(CliConsole console)
{
    /// <summary>A queue with fewer messages than a peek returns at once is read in one step: nothing to show.</summary>
    private const int QuietBelow = 250;

    private bool _shown;

    public void OnRead(DeadLetterReadProgress progress)
    {
        if (progress.ReadInAll < QuietBelow) return;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"reading dead-letter queues: {progress.ReadInAll:N0} message(s) read so far ({progress.Entity}: {progress.ReadFromEntity:N0})");
        if (console.ErrorIsTerminal) console.Error.Write("\r" + line.PadRight(100));
        else console.Error.WriteLine(line);
        console.Error.Flush();
        _shown = true;
    }

    /// <summary>Ends the progress line (terminal) so what follows starts on a fresh line.</summary>
    public void Done()
    {
        if (_shown && console.ErrorIsTerminal) console.Error.WriteLine();
        _shown = false;
    }
}
