namespace AzureOrders.ServiceBusEmulator.Filters;

/// <summary>A statement of a SQL rule action.</summary>
internal abstract record SqlActionStatement;

internal sealed record SetStatement(PropertyExpression Target, SqlExpression Value) : SqlActionStatement;

internal sealed record RemoveStatement(PropertyExpression Target) : SqlActionStatement;

/// <summary>Recursive-descent parser for the Service Bus SQL filter and action grammar (the subset this project needs).</summary>
internal sealed class SqlParser
{
    readonly List<Token> tokens;
    int position;

    SqlParser(string text) => tokens = SqlLexer.Tokenize(text);

    Token Current => tokens[position];

    public static SqlExpression ParseFilter(string text)
    {
        var parser = new SqlParser(text);
        var expression = parser.ParseOr();
        parser.ExpectEnd();
        return expression;
    }

    public static IReadOnlyList<SqlActionStatement> ParseAction(string text)
    {
        var parser = new SqlParser(text);
        var statements = new List<SqlActionStatement>();
        while (parser.Current.Kind != TokenKind.End)
        {
            if (parser.Accept(TokenKind.Keyword, "SET"))
            {
                var target = parser.ParseProperty();
                parser.Expect(TokenKind.Symbol, "=");
                statements.Add(new SetStatement(target, parser.ParseOr()));
            }
            else if (parser.Accept(TokenKind.Keyword, "REMOVE"))
            {
                statements.Add(new RemoveStatement(parser.ParseProperty()));
            }
            else
            {
                throw parser.Error("SET or REMOVE");
            }

            // Statements may be separated by ';' or ','.
            while (parser.Accept(TokenKind.Symbol, ";") || parser.Accept(TokenKind.Symbol, ","))
            {
            }
        }

        if (statements.Count == 0)
        {
            throw new FilterSyntaxException("An action needs at least one SET or REMOVE statement.");
        }

        return statements;
    }

    SqlExpression ParseOr()
    {
        var left = ParseAnd();
        while (Accept(TokenKind.Keyword, "OR"))
        {
            left = new LogicalExpression(false, left, ParseAnd());
        }

        return left;
    }

    SqlExpression ParseAnd()
    {
        var left = ParseNot();
        while (Accept(TokenKind.Keyword, "AND"))
        {
            left = new LogicalExpression(true, left, ParseNot());
        }

        return left;
    }

    SqlExpression ParseNot() => Accept(TokenKind.Keyword, "NOT") ? new NotExpression(ParseNot()) : ParsePredicate();

    SqlExpression ParsePredicate()
    {
        var left = ParseAdditive();
        var token = Current;
        if (token.Kind == TokenKind.Symbol && token.Text is "=" or "<>" or "<" or "<=" or ">" or ">=")
        {
            position++;
            return new ComparisonExpression(token.Text, left, ParseAdditive());
        }

        if (Accept(TokenKind.Keyword, "IS"))
        {
            var negated = Accept(TokenKind.Keyword, "NOT");
            Expect(TokenKind.Keyword, "NULL");
            return new IsNullExpression(left, negated);
        }

        var not = Current.Is(TokenKind.Keyword, "NOT") && (tokens[position + 1].Is(TokenKind.Keyword, "IN") || tokens[position + 1].Is(TokenKind.Keyword, "LIKE"));
        if (not)
        {
            position++;
        }

        if (Accept(TokenKind.Keyword, "IN"))
        {
            Expect(TokenKind.Symbol, "(");
            var values = new List<SqlExpression> { ParseAdditive() };
            while (Accept(TokenKind.Symbol, ","))
            {
                values.Add(ParseAdditive());
            }

            Expect(TokenKind.Symbol, ")");
            return new InExpression(left, values, not);
        }

        if (Accept(TokenKind.Keyword, "LIKE"))
        {
            var pattern = ExpectString();
            char? escape = null;
            if (Accept(TokenKind.Keyword, "ESCAPE"))
            {
                var e = ExpectString();
                if (e.Length != 1)
                {
                    throw new FilterSyntaxException("ESCAPE takes a single character.");
                }

                escape = e[0];
            }

            return new LikeExpression(left, pattern, escape, not);
        }

        return left;
    }

    SqlExpression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind == TokenKind.Symbol && Current.Text is "+" or "-")
        {
            var op = Current.Text;
            position++;
            left = new ArithmeticExpression(op, left, ParseMultiplicative());
        }

        return left;
    }

    SqlExpression ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Symbol && Current.Text is "*" or "/" or "%")
        {
            var op = Current.Text;
            position++;
            left = new ArithmeticExpression(op, left, ParseUnary());
        }

        return left;
    }

    SqlExpression ParseUnary()
    {
        if (Accept(TokenKind.Symbol, "-"))
        {
            var operand = ParseUnary();
            return operand is LiteralExpression { Value: long l } ? new LiteralExpression(-l)
                : operand is LiteralExpression { Value: double d } ? new LiteralExpression(-d)
                : new NegateExpression(operand);
        }

        if (Accept(TokenKind.Symbol, "+"))
        {
            return ParseUnary();
        }

        return ParsePrimary();
    }

    SqlExpression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
            case TokenKind.String:
                position++;
                return new LiteralExpression(token.Value);
            case TokenKind.Identifier:
                position++;
                return PropertyExpression.FromIdentifier(token.Text);
            case TokenKind.Keyword when token.Text == "TRUE":
                position++;
                return new LiteralExpression(true);
            case TokenKind.Keyword when token.Text == "FALSE":
                position++;
                return new LiteralExpression(false);
            case TokenKind.Keyword when token.Text == "NULL":
                position++;
                return new LiteralExpression(null);
            case TokenKind.Keyword when token.Text == "EXISTS":
                position++;
                Expect(TokenKind.Symbol, "(");
                var property = ParseProperty();
                Expect(TokenKind.Symbol, ")");
                return new ExistsExpression(property);
            case TokenKind.Symbol when token.Text == "(":
                position++;
                var inner = ParseOr();
                Expect(TokenKind.Symbol, ")");
                return inner;
            default:
                throw Error("a value, a property or '('");
        }
    }

    PropertyExpression ParseProperty()
    {
        if (Current.Kind != TokenKind.Identifier)
        {
            throw Error("a property name");
        }

        return PropertyExpression.FromIdentifier(tokens[position++].Text);
    }

    string ExpectString()
    {
        if (Current.Kind != TokenKind.String)
        {
            throw Error("a string literal");
        }

        return (string)tokens[position++].Value!;
    }

    bool Accept(TokenKind kind, string text)
    {
        if (Current.Is(kind, text))
        {
            position++;
            return true;
        }

        return false;
    }

    void Expect(TokenKind kind, string text)
    {
        if (!Accept(kind, text))
        {
            throw Error($"'{text}'");
        }
    }

    void ExpectEnd()
    {
        if (Current.Kind != TokenKind.End)
        {
            throw Error("end of expression");
        }
    }

    FilterSyntaxException Error(string expected) =>
        new($"Expected {expected} but found {Current} at position {Current.Position}.");
}
