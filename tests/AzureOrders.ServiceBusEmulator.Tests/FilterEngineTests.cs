using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Filters;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>The filter engine on its own: SQL filters, correlation filters and actions over an in-memory message.</summary>
public class FilterEngineTests
{
    static DictionaryFilterMessage Message()
    {
        var message = new DictionaryFilterMessage();
        message.SetSystemProperty("Label", "order.placed.v1");
        message.SetSystemProperty("MessageId", "evt-1");
        message.SetSystemProperty("CorrelationId", "corr-1");
        message.SetSystemProperty("ContentType", "application/json");
        message.SetSystemProperty("To", "inventory");
        message.Application["priority"] = 5;
        message.Application["amount"] = 19.99;
        message.Application["region"] = "eu-west";
        message.Application["vip"] = true;
        message.Application["count"] = 3L;
        message.Application["path"] = "50%_off";
        return message;
    }

    static bool Eval(string sql) => CompiledRule.CompileSql(sql)(Message());

    [Theory]
    [InlineData("priority = 5", true)]
    [InlineData("priority <> 5", false)]
    [InlineData("priority != 4", true)]
    [InlineData("priority < 6 AND priority <= 5 AND priority > 4 AND priority >= 5", true)]
    [InlineData("priority > 5", false)]
    [InlineData("amount > 19.5", true)]
    [InlineData("priority = 5.0", true)]
    [InlineData("region = 'eu-west'", true)]
    [InlineData("region = 'EU-WEST'", false)]
    [InlineData("vip = TRUE", true)]
    [InlineData("vip", true)]
    [InlineData("NOT vip", false)]
    public void Comparisons_follow_sql_semantics(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("region IN ('us-east', 'eu-west')", true)]
    [InlineData("region NOT IN ('us-east', 'eu-west')", false)]
    [InlineData("priority IN (1, 2, 5)", true)]
    [InlineData("priority NOT IN (1, 2)", true)]
    [InlineData("missing IN (1, 2)", false)]
    [InlineData("missing NOT IN (1, 2)", false)]
    public void In_and_not_in(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("region LIKE 'eu%'", true)]
    [InlineData("region LIKE 'e_-west'", true)]
    [InlineData("region LIKE 'us%'", false)]
    [InlineData("region NOT LIKE 'us%'", true)]
    [InlineData("path LIKE '50!%!_off' ESCAPE '!'", true)]
    [InlineData("path LIKE '50!%x' ESCAPE '!'", false)]
    [InlineData("sys.Label LIKE 'order.%.v1'", true)]
    public void Like_with_wildcards_and_escape(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("missing IS NULL", true)]
    [InlineData("priority IS NULL", false)]
    [InlineData("priority IS NOT NULL", true)]
    [InlineData("EXISTS(priority)", true)]
    [InlineData("EXISTS(missing)", false)]
    [InlineData("NOT EXISTS(missing)", true)]
    [InlineData("missing = 1", false)]
    [InlineData("NOT (missing = 1)", false)]
    [InlineData("missing = 1 OR priority = 5", true)]
    [InlineData("missing = 1 AND priority = 5", false)]
    public void Null_and_exists_use_three_valued_logic(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("(priority = 1 OR priority = 5) AND region = 'eu-west'", true)]
    [InlineData("priority = 1 OR priority = 5 AND region = 'us'", false)]
    [InlineData("NOT (priority = 1) AND NOT region = 'us'", true)]
    [InlineData("priority + 1 = 6", true)]
    [InlineData("priority * 2 - 3 = 7", true)]
    [InlineData("count / 2 = 1", true)]
    [InlineData("count % 2 = 1", true)]
    [InlineData("-priority = -5", true)]
    [InlineData("amount * 100 > 1998", true)]
    [InlineData("(priority + count) * 2 = 16", true)]
    public void Logic_parentheses_and_arithmetic(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("sys.Label = 'order.placed.v1'", true)]
    [InlineData("sys.Subject = 'order.placed.v1'", true)]
    [InlineData("sys.MessageId = 'evt-1' AND sys.CorrelationId = 'corr-1'", true)]
    [InlineData("sys.ContentType = 'application/json' AND sys.To = 'inventory'", true)]
    [InlineData("user.priority = 5", true)]
    [InlineData("[priority] = 5", true)]
    [InlineData("sys.ReplyTo IS NULL", true)]
    [InlineData("sys.Size IS NULL", true)]
    [InlineData("1 = 1", true)]
    [InlineData("1 = 0", false)]
    public void System_and_user_properties(string sql, bool expected) => Assert.Equal(expected, Eval(sql));

    [Theory]
    [InlineData("region + 1 = 2")]
    [InlineData("priority / 0 = 1")]
    [InlineData("region > 5")]
    [InlineData("priority LIKE 'x%'")]
    public void Type_errors_raise_evaluation_exceptions(string sql) =>
        Assert.Throws<FilterEvaluationException>(() => Eval(sql));

    [Theory]
    [InlineData("priority = ")]
    [InlineData("priority = 'unterminated")]
    [InlineData("(priority = 5")]
    [InlineData("priority IN 1, 2")]
    [InlineData("region LIKE 'a' ESCAPE 'ab'")]
    [InlineData("priority == 5")]
    [InlineData("sys.NoSuchProperty = 1")]
    public void Syntax_errors_are_reported_at_compile_time(string sql) =>
        Assert.Throws<FilterSyntaxException>(() => CompiledRule.CompileSql(sql));

    [Fact]
    public void Correlation_filter_matches_system_and_application_properties()
    {
        var rule = CompiledRule.Compile(new RuleDefinition("r", new CorrelationRuleFilter
        {
            Subject = "order.placed.v1",
            CorrelationId = "corr-1",
            Properties = new Dictionary<string, object?> { ["region"] = "eu-west", ["priority"] = 5L },
        }));
        Assert.True(rule.Matches(Message()));

        var other = Message();
        other.Application["region"] = "us";
        Assert.False(rule.Matches(other));

        var missing = Message();
        missing.Application.Remove("priority");
        Assert.False(rule.Matches(missing));
    }

    [Fact]
    public void Correlation_filter_on_properties_alone_supports_targeted_redelivery()
    {
        var rule = CompiledRule.Compile(new RuleDefinition("redelivery", new CorrelationRuleFilter
        {
            Properties = new Dictionary<string, object?> { ["redeliverTo"] = "orders/saga" },
        }));
        var message = Message();
        Assert.False(rule.Matches(message));
        message.Application["redeliverTo"] = "orders/saga";
        Assert.True(rule.Matches(message));
        message.Application["redeliverTo"] = "orders/notifications";
        Assert.False(rule.Matches(message));
    }

    [Fact]
    public void Correlation_filter_type_mismatch_does_not_match_and_does_not_throw()
    {
        var rule = CompiledRule.Compile(new RuleDefinition("r", new CorrelationRuleFilter
        {
            Properties = new Dictionary<string, object?> { ["priority"] = "5" },
        }));
        Assert.False(rule.Matches(Message()));
    }

    [Fact]
    public void Actions_set_and_remove_properties()
    {
        var rule = CompiledRule.Compile(new RuleDefinition("r", new TrueRuleFilter())
        {
            SqlAction = "SET priority = priority * 10; SET sys.Label = 'routed'; SET user.tag = 'x' + 'y'; REMOVE region",
        });
        var message = Message();
        rule.ApplyAction(message);

        Assert.Equal(50L, message.Application["priority"]);
        Assert.Equal("xy", message.Application["tag"]);
        Assert.False(message.Application.ContainsKey("region"));
        Assert.True(message.TryGetSystemProperty("Label", out var label));
        Assert.Equal("routed", label);
    }

    [Fact]
    public void Action_syntax_errors_are_reported()
    {
        Assert.Throws<FilterSyntaxException>(() => CompiledRule.Compile(new RuleDefinition("r", new TrueRuleFilter()) { SqlAction = "UPDATE x" }));
        Assert.Throws<FilterSyntaxException>(() => CompiledRule.Compile(new RuleDefinition("r", new TrueRuleFilter()) { SqlAction = "SET = 1" }));
    }
}
