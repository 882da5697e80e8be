using System.Text.Json;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Patterns;

namespace LlmEngine.Sampling.Constraints.Json;

/// <summary>The per-type parts of the schema compiler: objects, arrays, strings, integers and numbers.</summary>
internal sealed partial class JsonSchemaCompiler
{
    private GrammarExpr ObjectSchema(JsonElement schema, string path)
    {
        var properties = new List<(string Name, GrammarExpr Value)>();
        if (schema.TryGetProperty("properties", out var declared))
        {
            if (declared.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "'properties' must be an object");
            }
            foreach (var property in declared.EnumerateObject())
            {
                properties.Add((property.Name, Schema(property.Value, $"{path}/properties/{property.Name}")));
            }
        }
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path, "'required' must be an array of strings");
            }
            foreach (var name in requiredList.EnumerateArray())
            {
                if (name.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(path, "'required' must be an array of strings");
                }
                required.Add(name.GetString()!);
            }
        }
        GrammarExpr? additional = null;
        if (schema.TryGetProperty("additionalProperties", out var additionalSchema))
        {
            if (additionalSchema.ValueKind != JsonValueKind.False)
            {
                additional = Schema(additionalSchema, path + "/additionalProperties");
            }
        }
        else if (_options.AllowUndeclaredProperties)
        {
            additional = GrammarExpr.Ref(JsonText.ValueRule);
        }
        foreach (var name in required)
        {
            if (!properties.Exists(p => p.Name == name))
            {
                if (additional is null)
                {
                    throw new ConstraintException(
                        $"No value satisfies the schema at '{path}': required property '{name}' is not declared and additional properties are not allowed.");
                }
                properties.Add((name, additional));
            }
        }

        var rule = UniqueRuleName(path);
        GrammarExpr? additionalMember = null;
        if (additional is not null)
        {
            var key = AdditionalKey(properties.ConvertAll(p => p.Name), rule + "/key");
            _builder.Define(rule + "/additional", GrammarExpr.Seq(key, _colon, additional));
            additionalMember = GrammarExpr.Ref(rule + "/additional");
        }

        // First(i): members from property i on with nothing written yet; After(i): the same after a member.
        var n = properties.Count;
        var afterEnd = additionalMember is null ? GrammarExpr.Empty : GrammarExpr.Star(GrammarExpr.Seq(_comma, additionalMember));
        var firstEnd = additionalMember is null ? GrammarExpr.Empty : GrammarExpr.Optional(GrammarExpr.Seq(additionalMember, afterEnd));
        _builder.Define($"{rule}/after{n}", afterEnd);
        _builder.Define($"{rule}/first{n}", firstEnd);
        for (var i = n - 1; i >= 0; i--)
        {
            var (name, value) = properties[i];
            var member = GrammarExpr.Seq(JsonText.StringLiteral(name), _colon, value);
            var after = GrammarExpr.Ref($"{rule}/after{i + 1}");
            var first = GrammarExpr.Ref($"{rule}/first{i + 1}");
            if (required.Contains(name))
            {
                _builder.Define($"{rule}/after{i}", GrammarExpr.Seq(_comma, member, after));
                _builder.Define($"{rule}/first{i}", GrammarExpr.Seq(member, after));
            }
            else
            {
                _builder.Define($"{rule}/after{i}", GrammarExpr.Alt(GrammarExpr.Seq(_comma, member, after), after));
                _builder.Define($"{rule}/first{i}", GrammarExpr.Alt(GrammarExpr.Seq(member, after), first));
            }
        }
        _builder.Define(rule, GrammarExpr.Seq(GrammarExpr.Lit("{"), _ws, GrammarExpr.Ref($"{rule}/first0"), _ws, GrammarExpr.Lit("}")), nesting: true);
        return GrammarExpr.Ref(rule);
    }

    // A key that is none of the declared names: a trie over the names, where leaving the trie at any character
    // (or stopping at a node that is not a whole name) gives a new key. Keys are written without escapes.
    private GrammarExpr AdditionalKey(List<string> declared, string rulePrefix)
    {
        var root = new KeyTrieNode();
        foreach (var name in declared)
        {
            var node = root;
            var representable = true;
            var codePoints = new List<int>();
            foreach (var rune in name.EnumerateRunes())
            {
                representable &= JsonText.Unescaped.Contains(rune.Value);
                codePoints.Add(rune.Value);
            }
            if (!representable)
            {
                continue;
            }
            foreach (var cp in codePoints)
            {
                node = node.Children.TryGetValue(cp, out var child) ? child : node.Children[cp] = new KeyTrieNode();
            }
            node.IsName = true;
        }
        var counter = 0;
        var anyChars = GrammarExpr.Star(GrammarExpr.Chars(JsonText.Unescaped));
        string Define(KeyTrieNode node)
        {
            var name = $"{rulePrefix}{counter++}";
            var options = new List<GrammarExpr>();
            if (!node.IsName)
            {
                options.Add(GrammarExpr.Empty);
            }
            foreach (var (cp, child) in node.Children)
            {
                options.Add(GrammarExpr.Seq(GrammarExpr.Lit(char.ConvertFromUtf32(cp)), GrammarExpr.Ref(Define(child))));
            }
            var others = JsonText.Unescaped.Subtract(CodePointSet.FromRanges(node.Children.Keys.Select(cp => (cp, cp))));
            options.Add(GrammarExpr.Seq(GrammarExpr.Chars(others), anyChars));
            _builder.Define(name, GrammarExpr.Alt(options));
            return name;
        }
        return GrammarExpr.Seq(GrammarExpr.Lit("\""), GrammarExpr.Ref(Define(root)), GrammarExpr.Lit("\""));
    }

    private GrammarExpr ArraySchema(JsonElement schema, string path)
    {
        var minItems = ReadCount(schema, "minItems", path) ?? 0;
        var maxItems = ReadCount(schema, "maxItems", path) ?? GrammarExpr.Unbounded;
        if (minItems > maxItems)
        {
            throw new ConstraintException($"No value satisfies the schema at '{path}': minItems {minItems} > maxItems {maxItems}.");
        }
        var rule = UniqueRuleName(path);
        GrammarExpr? item = GrammarExpr.Ref(JsonText.ValueRule);
        if (schema.TryGetProperty("items", out var items))
        {
            item = items.ValueKind == JsonValueKind.False ? null : Schema(items, path + "/items");
        }
        GrammarExpr body;
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            if (schema.TryGetProperty("minItems", out _) || schema.TryGetProperty("maxItems", out _))
            {
                throw new ConstraintException($"Combining 'prefixItems' with 'minItems'/'maxItems' is not supported (at '{path}').");
            }
            if (prefixItems.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(path, "'prefixItems' must be an array");
            }
            // Every prefix item is written; further items only where 'items' gives their schema.
            var parts = new List<GrammarExpr>();
            var i = 0;
            foreach (var prefix in prefixItems.EnumerateArray())
            {
                if (i > 0)
                {
                    parts.Add(_comma);
                }
                parts.Add(Schema(prefix, $"{path}/prefixItems/{i++}"));
            }
            if (schema.TryGetProperty("items", out _) && item is not null)
            {
                _builder.Define(rule + "/item", item);
                var more = GrammarExpr.Seq(_comma, GrammarExpr.Ref(rule + "/item"));
                parts.Add(i == 0
                    ? GrammarExpr.Optional(GrammarExpr.Seq(GrammarExpr.Ref(rule + "/item"), GrammarExpr.Star(more)))
                    : GrammarExpr.Star(more));
            }
            body = GrammarExpr.Seq([.. parts]);
        }
        else if (item is null || maxItems == 0)
        {
            if (minItems > 0)
            {
                throw new ConstraintException($"No value satisfies the schema at '{path}': minItems {minItems} but no items are allowed.");
            }
            body = GrammarExpr.Empty;
        }
        else
        {
            _builder.Define(rule + "/item", item);
            var itemRef = GrammarExpr.Ref(rule + "/item");
            var rest = GrammarExpr.Repeat(GrammarExpr.Seq(_comma, itemRef), Math.Max(minItems - 1, 0),
                maxItems == GrammarExpr.Unbounded ? GrammarExpr.Unbounded : maxItems - 1);
            var list = GrammarExpr.Seq(itemRef, rest);
            body = minItems == 0 ? GrammarExpr.Optional(list) : list;
        }
        _builder.Define(rule, GrammarExpr.Seq(GrammarExpr.Lit("["), _ws, body, _ws, GrammarExpr.Lit("]")), nesting: true);
        return GrammarExpr.Ref(rule);
    }

    private GrammarExpr StringSchema(JsonElement schema, string path)
    {
        var minLength = ReadCount(schema, "minLength", path);
        var maxLength = ReadCount(schema, "maxLength", path);
        var hasPattern = schema.TryGetProperty("pattern", out var pattern);
        var hasFormat = schema.TryGetProperty("format", out var format);
        if ((hasPattern || hasFormat) && (minLength is not null || maxLength is not null || (hasPattern && hasFormat)))
        {
            throw new ConstraintException(
                $"Combining 'pattern' or 'format' with 'minLength'/'maxLength' or with each other is not supported (at '{path}').");
        }
        GrammarExpr content;
        if (hasFormat)
        {
            var name = format.ValueKind == JsonValueKind.String ? format.GetString()! : "";
            content = JsonFormats.Get(name) ?? throw new ConstraintException(
                $"Unsupported string format '{name}' at '{path}' (supported: {string.Join(", ", JsonFormats.Supported)}).");
        }
        else if (hasPattern)
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, "'pattern' must be a string");
            }
            var parsed = RegexParser.Parse(pattern.GetString()!, RegexTarget.JsonString);
            // JSON Schema patterns search rather than match: an unanchored side may carry any other text.
            var anyChars = GrammarExpr.Star(GrammarExpr.Ref(JsonText.CharRule));
            content = GrammarExpr.Seq(parsed.AnchoredStart ? GrammarExpr.Empty : anyChars, parsed.Body, parsed.AnchoredEnd ? GrammarExpr.Empty : anyChars);
        }
        else
        {
            var min = minLength ?? 0;
            var max = maxLength ?? GrammarExpr.Unbounded;
            if (min > max)
            {
                throw new ConstraintException($"No value satisfies the schema at '{path}': minLength {min} > maxLength {max}.");
            }
            var rest = GrammarExpr.Repeat(GrammarExpr.Ref(JsonText.CharRule), 0, max == GrammarExpr.Unbounded ? max : max - min);
            content = min == 0 ? rest : GrammarExpr.Seq(GrammarExpr.Repeat(GrammarExpr.Ref(JsonText.CountedCharRule), min, min), rest);
        }
        return GrammarExpr.Seq(GrammarExpr.Lit("\""), content, GrammarExpr.Lit("\""));
    }

    private static GrammarExpr IntegerSchema(JsonElement schema, string path)
    {
        var (lo, loExclusive, hi, hiExclusive) = ReadBounds(schema, path);
        long? low = lo is { } l ? (long)Math.Max(loExclusive ? Math.Floor(l) + 1 : Math.Ceiling(l), -JsonNumbers.Cap) : null;
        long? high = hi is { } h ? (long)Math.Min(hiExclusive ? Math.Ceiling(h) - 1 : Math.Floor(h), JsonNumbers.Cap) : null;
        return JsonNumbers.Integer(low, high)
            ?? throw new ConstraintException($"No integer satisfies the bounds at '{path}'.");
    }

    private static GrammarExpr NumberSchema(JsonElement schema, string path)
    {
        var (lo, loExclusive, hi, hiExclusive) = ReadBounds(schema, path);
        if (lo is null && hi is null)
        {
            return GrammarExpr.Ref(JsonText.NumberRule);
        }
        return JsonNumbers.Bounded(lo, loExclusive, hi, hiExclusive)
            ?? throw new ConstraintException(
                $"The bounds at '{path}' leave no number this engine writes (it writes whole numbers and fractions whose whole unit interval is in range).");
    }

    private static (double? Lo, bool LoExclusive, double? Hi, bool HiExclusive) ReadBounds(JsonElement schema, string path)
    {
        double? lo = null, hi = null;
        bool loExclusive = false, hiExclusive = false;
        if (ReadNumber(schema, "minimum", path) is { } min)
        {
            lo = min;
        }
        if (ReadNumber(schema, "exclusiveMinimum", path) is { } xmin && (lo is null || xmin >= lo))
        {
            lo = xmin;
            loExclusive = true;
        }
        if (ReadNumber(schema, "maximum", path) is { } max)
        {
            hi = max;
        }
        if (ReadNumber(schema, "exclusiveMaximum", path) is { } xmax && (hi is null || xmax <= hi))
        {
            hi = xmax;
            hiExclusive = true;
        }
        return (lo, loExclusive, hi, hiExclusive);
    }

    private static double? ReadNumber(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(path, $"'{keyword}' must be a number (the draft-04 boolean form is not supported)");
        }
        return value.GetDouble();
    }

    private static int? ReadCount(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var d) || d < 0 || d != Math.Floor(d))
        {
            throw Invalid(path, $"'{keyword}' must be a non-negative integer");
        }
        return d >= 1_000_000 ? throw Invalid(path, $"'{keyword}' {d} is too large") : (int)d;
    }

    private sealed class KeyTrieNode
    {
        public SortedDictionary<int, KeyTrieNode> Children { get; } = [];

        public bool IsName { get; set; }
    }
}
