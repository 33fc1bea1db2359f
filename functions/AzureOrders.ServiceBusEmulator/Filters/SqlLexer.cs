using System.Globalization;
using System.Text;

namespace AzureOrders.ServiceBusEmulator.Filters;

internal enum TokenKind { Identifier, Number, String, Keyword, Symbol, End }

internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Position)
{
    public bool Is(TokenKind kind, string text) => Kind == kind && string.Equals(Text, text, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Kind == TokenKind.End ? "end of expression" : $"'{Text}'";
}

/// <summary>Splits the Service Bus SQL subset into tokens.</summary>
internal static class SqlLexer
{
    static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IN", "LIKE", "ESCAPE", "IS", "NULL", "TRUE", "FALSE", "EXISTS", "SET", "REMOVE",
    };

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsLetter(c) || c == '_' || c == '@')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '@'))
                {
                    i++;
                }

                var word = text[start..i];
                // "user.[my prop]" style qualified bracket names
                if (i < text.Length && text[i] == '[' && word.EndsWith('.'))
                {
                    var close = text.IndexOf(']', i);
                    if (close < 0)
                    {
                        throw new FilterSyntaxException($"Unterminated '[' at position {i}.");
                    }

                    word += text[(i + 1)..close];
                    i = close + 1;
                }

                tokens.Add(Keywords.Contains(word)
                    ? new Token(TokenKind.Keyword, word.ToUpperInvariant(), null, start)
                    : new Token(TokenKind.Identifier, word, null, start));
                continue;
            }

            if (c == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FilterSyntaxException($"Unterminated '[' at position {i}.");
                }

                tokens.Add(new Token(TokenKind.Identifier, text[(i + 1)..close], null, start));
                i = close + 1;
                continue;
            }

            if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    i++;
                    if (i < text.Length && text[i] is '+' or '-')
                    {
                        i++;
                    }

                    while (i < text.Length && char.IsDigit(text[i]))
                    {
                        i++;
                    }
                }

                var number = text[start..i];
                // Integers stay long (integer arithmetic), anything with a point or exponent is double.
                object value;
                if (!number.Contains('.') && !number.Contains('e') && !number.Contains('E') && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                {
                    value = integer;
                }
                else
                {
                    value = double.Parse(number, CultureInfo.InvariantCulture);
                }

                tokens.Add(new Token(TokenKind.Number, number, value, start));
                continue;
            }

            if (c == '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FilterSyntaxException($"Unterminated string literal at position {start}.");
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            sb.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(text[i++]);
                }

                tokens.Add(new Token(TokenKind.String, sb.ToString(), sb.ToString(), start));
                continue;
            }

            var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
            if (two is "<>" or "!=" or "<=" or ">=")
            {
                tokens.Add(new Token(TokenKind.Symbol, two == "!=" ? "<>" : two, null, start));
                i += 2;
                continue;
            }

            if ("=<>+-*/%(),;".Contains(c))
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), null, start));
                i++;
                continue;
            }

            throw new FilterSyntaxException($"Unexpected character '{c}' at position {i}.");
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, null, text.Length));
        return tokens;
    }
}
