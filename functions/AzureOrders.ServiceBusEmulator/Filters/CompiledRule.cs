using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Filters;

/// <summary>A rule ready to evaluate: the parsed filter plus the parsed action.</summary>
public sealed class CompiledRule
{
    readonly Func<IFilterMessage, bool> match;
    readonly IReadOnlyList<SqlActionStatement> action;

    CompiledRule(string name, Func<IFilterMessage, bool> match, IReadOnlyList<SqlActionStatement> action)
    {
        Name = name;
        this.match = match;
        this.action = action;
    }

    public string Name { get; }

    public bool HasAction => action.Count > 0;

    public static CompiledRule Compile(RuleDefinition rule)
    {
        Func<IFilterMessage, bool> match = rule.Filter switch
        {
            TrueRuleFilter => static _ => true,
            FalseRuleFilter => static _ => false,
            SqlRuleFilter sql => CompileSql(sql.Expression),
            CorrelationRuleFilter correlation => m => CorrelationMatcher.Matches(correlation, m),
            _ => throw new NotSupportedException($"Rule '{rule.Name}': unsupported filter {rule.Filter.GetType().Name}."),
        };
        var action = string.IsNullOrWhiteSpace(rule.SqlAction) ? [] : SqlParser.ParseAction(rule.SqlAction);
        return new CompiledRule(rule.Name, match, action);
    }

    /// <summary>Compiles a SQL filter on its own (used by tests and tools).</summary>
    public static Func<IFilterMessage, bool> CompileSql(string expression)
    {
        var parsed = SqlParser.ParseFilter(expression);
        // A filter matches only when it evaluates to TRUE: FALSE and unknown (null) do not match.
        return m => SqlValues.AsBool(parsed.Evaluate(m)) == true;
    }

    /// <summary>Evaluates the filter; throws <see cref="FilterEvaluationException"/> when the message cannot be evaluated.</summary>
    public bool Matches(IFilterMessage message) => match(message);

    /// <summary>Applies the SQL action (SET/REMOVE) to the subscription's copy of the message.</summary>
    public void ApplyAction(IMutableFilterMessage message)
    {
        foreach (var statement in action)
        {
            switch (statement)
            {
                case SetStatement set:
                    var value = set.Value.Evaluate(message);
                    if (set.Target.IsSystem)
                    {
                        message.SetSystemProperty(set.Target.Name, value);
                    }
                    else
                    {
                        message.SetApplicationProperty(set.Target.Name, value);
                    }

                    break;
                case RemoveStatement remove when !remove.Target.IsSystem:
                    message.RemoveApplicationProperty(remove.Target.Name);
                    break;
                case RemoveStatement remove:
                    message.SetSystemProperty(remove.Target.Name, null);
                    break;
            }
        }
    }
}

/// <summary>Correlation filters: every set system property equals, every listed application property equals.</summary>
internal static class CorrelationMatcher
{
    public static bool Matches(CorrelationRuleFilter filter, IFilterMessage message) =>
        SystemEquals(message, SystemPropertyNames.CorrelationId, filter.CorrelationId)
        && SystemEquals(message, SystemPropertyNames.MessageId, filter.MessageId)
        && SystemEquals(message, SystemPropertyNames.To, filter.To)
        && SystemEquals(message, SystemPropertyNames.ReplyTo, filter.ReplyTo)
        && SystemEquals(message, SystemPropertyNames.Label, filter.Subject)
        && SystemEquals(message, SystemPropertyNames.SessionId, filter.SessionId)
        && SystemEquals(message, SystemPropertyNames.ReplyToSessionId, filter.ReplyToSessionId)
        && SystemEquals(message, SystemPropertyNames.ContentType, filter.ContentType)
        && filter.Properties.All(p => PropertyEquals(message, p.Key, p.Value));

    static bool SystemEquals(IFilterMessage message, string name, string? expected) =>
        expected is null || (message.TryGetSystemProperty(name, out var actual) && actual is string s && string.Equals(s, expected, StringComparison.Ordinal));

    static bool PropertyEquals(IFilterMessage message, string name, object? expected)
    {
        if (!message.TryGetApplicationProperty(name, out var actual))
        {
            return false;
        }

        actual = SqlValues.Normalize(actual);
        expected = SqlValues.Normalize(expected);
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        // Unlike SQL, a correlation filter never fails on a type mismatch: it simply does not match.
        if (SqlValues.IsNumber(actual) && SqlValues.IsNumber(expected))
        {
            return SqlValues.Compare(actual, expected) == 0;
        }

        return actual.GetType() == expected.GetType() && (actual is string a ? string.Equals(a, (string)expected, StringComparison.Ordinal) : actual.Equals(expected));
    }
}
