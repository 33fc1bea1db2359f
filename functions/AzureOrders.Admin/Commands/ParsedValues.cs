using System.CommandLine;
using System.CommandLine.Parsing;

namespace AzureOrders.Admin.Commands;

internal static class ParsedValues
{
    /// <summary>
    /// An option's value inside a command validator. An option whose own value failed to parse throws from GetValue;
    /// its error is reported already, so the validator goes on as if it were not given.
    /// </summary>
    public static T? ValueOrDefault<T>(this CommandResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
