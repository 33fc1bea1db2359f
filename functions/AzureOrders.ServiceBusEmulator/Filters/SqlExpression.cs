using System.Text;
using System.Text.RegularExpressions;

namespace AzureOrders.ServiceBusEmulator.Filters;

/// <summary>A node of a parsed SQL filter or action expression. Evaluation uses SQL's three-valued logic: null is unknown.</summary>
internal abstract record SqlExpression
{
    public abstract object? Evaluate(IFilterMessage message);
}

internal sealed record LiteralExpression(object? Value) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message) => Value;
}

/// <summary>A property reference: <c>sys.Name</c> (system) or <c>user.Name</c> / bare name (application).</summary>
internal sealed record PropertyExpression(string Name, bool IsSystem) : SqlExpression
{
    public static PropertyExpression FromIdentifier(string identifier)
    {
        if (identifier.StartsWith("sys.", StringComparison.OrdinalIgnoreCase))
        {
            // The service treats a non-existent system property as an error (unlike a missing user property).
            var name = identifier[4..];
            return SystemPropertyNames.IsKnown(name)
                ? new PropertyExpression(SystemPropertyNames.Normalize(name), true)
                : throw new FilterSyntaxException($"'{identifier}' is not a system property.");
        }

        if (identifier.StartsWith("user.", StringComparison.OrdinalIgnoreCase))
        {
            return new PropertyExpression(identifier[5..], false);
        }

        return new PropertyExpression(identifier, false);
    }

    public bool Exists(IFilterMessage message) => IsSystem
        ? message.TryGetSystemProperty(Name, out var v) && v is not null
        : message.TryGetApplicationProperty(Name, out _);

    public override object? Evaluate(IFilterMessage message)
    {
        var found = IsSystem ? message.TryGetSystemProperty(Name, out var value) : message.TryGetApplicationProperty(Name, out value);
        return found ? SqlValues.Normalize(value) : null;
    }
}

internal sealed record NotExpression(SqlExpression Operand) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message) => SqlValues.AsBool(Operand.Evaluate(message)) is { } b ? !b : null;
}

internal sealed record NegateExpression(SqlExpression Operand) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message) => SqlValues.Arithmetic("-", 0L, Operand.Evaluate(message));
}

internal sealed record LogicalExpression(bool IsAnd, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message)
    {
        var left = SqlValues.AsBool(Left.Evaluate(message));
        if (IsAnd && left == false)
        {
            return false;
        }

        if (!IsAnd && left == true)
        {
            return true;
        }

        var right = SqlValues.AsBool(Right.Evaluate(message));
        if (IsAnd)
        {
            return right == false ? false : left == true && right == true ? true : null;
        }

        return right == true ? true : left == false && right == false ? false : null;
    }
}

internal sealed record ComparisonExpression(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message)
    {
        var left = Left.Evaluate(message);
        var right = Right.Evaluate(message);
        if (left is null || right is null)
        {
            return null;
        }

        if (Operator is "=" or "<>")
        {
            var equal = SqlValues.AreEqual(left, right);
            return Operator == "=" ? equal : !equal;
        }

        var order = SqlValues.Compare(left, right);
        return Operator switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new FilterEvaluationException($"Unknown operator {Operator}."),
        };
    }
}

internal sealed record ArithmeticExpression(string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message) => SqlValues.Arithmetic(Operator, Left.Evaluate(message), Right.Evaluate(message));
}

internal sealed record InExpression(SqlExpression Operand, IReadOnlyList<SqlExpression> Values, bool Negated) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message)
    {
        var value = Operand.Evaluate(message);
        if (value is null)
        {
            return null;
        }

        var found = Values.Any(v => v.Evaluate(message) is { } candidate && SqlValues.AreEqual(value, candidate));
        return Negated ? !found : found;
    }
}

internal sealed record LikeExpression(SqlExpression Operand, string Pattern, char? Escape, bool Negated) : SqlExpression
{
    readonly Regex regex = BuildRegex(Pattern, Escape);

    public override object? Evaluate(IFilterMessage message)
    {
        var value = Operand.Evaluate(message);
        if (value is null)
        {
            return null;
        }

        if (value is not string s)
        {
            throw new FilterEvaluationException($"LIKE needs a string, got {SqlValues.TypeName(value)}.");
        }

        var match = regex.IsMatch(s);
        return Negated ? !match : match;
    }

    static Regex BuildRegex(string pattern, char? escape)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escape is { } e && c == e)
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new FilterSyntaxException("LIKE pattern ends with the escape character.");
                }

                sb.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '%')
            {
                sb.Append(".*");
            }
            else if (c == '_')
            {
                sb.Append('.');
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}

internal sealed record IsNullExpression(SqlExpression Operand, bool Negated) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message)
    {
        var isNull = Operand.Evaluate(message) is null;
        return Negated ? !isNull : isNull;
    }
}

internal sealed record ExistsExpression(PropertyExpression Property) : SqlExpression
{
    public override object? Evaluate(IFilterMessage message) => Property.Exists(message);
}

/// <summary>Value semantics shared by comparisons and arithmetic.</summary>
internal static class SqlValues
{
    /// <summary>Folds the integer family into long and float into double so comparisons need few cases.</summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        sbyte v => (long)v,
        byte v => (long)v,
        short v => (long)v,
        ushort v => (long)v,
        int v => (long)v,
        uint v => (long)v,
        ulong v => (decimal)v,
        float v => (double)v,
        char v => v.ToString(),
        DateTimeOffset v => v.UtcDateTime,
        _ => value,
    };

    public static bool? AsBool(object? value) => value switch
    {
        null => null,
        bool b => b,
        _ => throw new FilterEvaluationException($"Expected a boolean, got {TypeName(value)}."),
    };

    public static bool IsNumber(object value) => value is long or double or decimal;

    public static bool AreEqual(object left, object right)
    {
        left = Normalize(left)!;
        right = Normalize(right)!;
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left, right) == 0;
        }

        if (left.GetType() != right.GetType())
        {
            // The service evaluates comparisons of different kinds (e.g. a string with a number) as an error.
            throw new FilterEvaluationException($"Cannot compare {TypeName(left)} with {TypeName(right)}.");
        }

        return left is string ls ? string.Equals(ls, (string)right, StringComparison.Ordinal) : left.Equals(right);
    }

    public static int Compare(object left, object right)
    {
        left = Normalize(left)!;
        right = Normalize(right)!;
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left, right);
        }

        if (left.GetType() == right.GetType() && left is IComparable comparable and not bool)
        {
            return left is string ls ? string.CompareOrdinal(ls, (string)right) : comparable.CompareTo(right);
        }

        throw new FilterEvaluationException($"Cannot order {TypeName(left)} and {TypeName(right)}.");
    }

    static int CompareNumbers(object left, object right)
    {
        if (left is double || right is double)
        {
            return Convert.ToDouble(left).CompareTo(Convert.ToDouble(right));
        }

        if (left is decimal || right is decimal)
        {
            return Convert.ToDecimal(left).CompareTo(Convert.ToDecimal(right));
        }

        return ((long)left).CompareTo((long)right);
    }

    public static object? Arithmetic(string op, object? left, object? right)
    {
        left = Normalize(left);
        right = Normalize(right);
        if (left is null || right is null)
        {
            return null;
        }

        if (op == "+" && left is string ls && right is string rs)
        {
            return ls + rs;
        }

        if (!IsNumber(left) || !IsNumber(right))
        {
            throw new FilterEvaluationException($"Cannot apply '{op}' to {TypeName(left)} and {TypeName(right)}.");
        }

        try
        {
            if (left is double || right is double)
            {
                var (a, b) = (Convert.ToDouble(left), Convert.ToDouble(right));
                return op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => b == 0 ? throw DivideByZero() : a / b, "%" => b == 0 ? throw DivideByZero() : a % b, _ => throw Unknown(op) };
            }

            if (left is decimal || right is decimal)
            {
                var (a, b) = (Convert.ToDecimal(left), Convert.ToDecimal(right));
                return op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => b == 0 ? throw DivideByZero() : a / b, "%" => b == 0 ? throw DivideByZero() : a % b, _ => throw Unknown(op) };
            }

            var (x, y) = ((long)left, (long)right);
            return op switch
            {
                "+" => checked(x + y),
                "-" => checked(x - y),
                "*" => checked(x * y),
                "/" => y == 0 ? throw DivideByZero() : x / y,
                "%" => y == 0 ? throw DivideByZero() : x % y,
                _ => throw Unknown(op),
            };
        }
        catch (OverflowException)
        {
            throw new FilterEvaluationException($"Arithmetic overflow in '{op}'.");
        }
    }

    static FilterEvaluationException DivideByZero() => new("Division by zero.");

    static FilterEvaluationException Unknown(string op) => new($"Unknown operator '{op}'.");

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        long or double or decimal => "number",
        bool => "boolean",
        _ => value.GetType().Name,
    };
}
