using System.Globalization;
using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's None: prints "None", is false.</summary>
internal sealed class JinjaNone : JinjaValue
{
    /// <summary>The one None.</summary>
    public static readonly JinjaNone Instance = new();

    private JinjaNone()
    {
    }

    /// <inheritdoc />
    public override string TypeName => "NoneType";

    /// <inheritdoc />
    public override bool IsTruthy => false;

    /// <inheritdoc />
    public override bool IsNone => true;

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append("None");

    /// <inheritdoc />
    public override string ToStr() => "None";
}

/// <summary>Python's True and False.</summary>
internal sealed class JinjaBool : JinjaValue
{
    /// <summary>True.</summary>
    public static readonly JinjaBool True = new(true);

    /// <summary>False.</summary>
    public static readonly JinjaBool False = new(false);

    private JinjaBool(bool value)
    {
        Value = value;
    }

    /// <summary>The .NET value.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override string TypeName => "bool";

    /// <inheritdoc />
    public override bool IsTruthy => Value;

    /// <summary>The singleton for <paramref name="value"/>.</summary>
    public static JinjaBool Of(bool value) => value ? True : False;

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append(Value ? "True" : "False");

    /// <inheritdoc />
    public override string ToStr() => Value ? "True" : "False";
}

/// <summary>A Python int, held as a 64-bit integer (overflow is an error rather than a silent wrap).</summary>
internal sealed class JinjaInt : JinjaValue
{
    private static readonly JinjaInt[] s_small = CreateSmall();

    private JinjaInt(long value)
    {
        Value = value;
    }

    /// <summary>The .NET value.</summary>
    public long Value { get; }

    /// <inheritdoc />
    public override string TypeName => "int";

    /// <inheritdoc />
    public override bool IsTruthy => Value != 0;

    /// <summary>The value for <paramref name="value"/>; small ones are shared so loops allocate nothing for them.</summary>
    public static JinjaInt Of(long value) =>
        value is >= -16 and < 1024 ? s_small[value + 16] : new JinjaInt(value);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append(Value.ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string ToStr() => Value.ToString(CultureInfo.InvariantCulture);

    private static JinjaInt[] CreateSmall()
    {
        var values = new JinjaInt[1024 + 16];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new JinjaInt(i - 16);
        }
        return values;
    }
}

/// <summary>A Python float; prints like Python's <c>repr</c> (1.0, 0.1, 1e-05, inf).</summary>
internal sealed class JinjaFloat(double value) : JinjaValue
{
    /// <summary>The .NET value.</summary>
    public double Value { get; } = value;

    /// <inheritdoc />
    public override string TypeName => "float";

    /// <inheritdoc />
    public override bool IsTruthy => Value != 0;

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => sb.Append(PythonFormatting.FloatRepr(Value));

    /// <inheritdoc />
    public override string ToStr() => PythonFormatting.FloatRepr(Value);
}

/// <summary>A Python str. Iteration, length and indexing work on Unicode code points, as in Python.</summary>
internal sealed class JinjaString : JinjaValue
{
    /// <summary>The empty string.</summary>
    public static readonly JinjaString Empty = new(string.Empty);

    /// <summary>Wraps <paramref name="value"/>.</summary>
    public JinjaString(string value)
    {
        Value = value;
    }

    /// <summary>The .NET value.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string TypeName => "str";

    /// <inheritdoc />
    public override bool IsTruthy => Value.Length != 0;

    /// <inheritdoc />
    public override int? Length => PythonStrings.CodePointCount(Value);

    /// <summary>Wraps <paramref name="value"/>, sharing the empty string.</summary>
    public static JinjaString Of(string value) => value.Length == 0 ? Empty : new JinjaString(value);

    /// <inheritdoc />
    public override void WriteRepr(StringBuilder sb) => PythonFormatting.WriteStringRepr(sb, Value);

    /// <inheritdoc />
    public override void WriteStr(StringBuilder sb) => sb.Append(Value);

    /// <inheritdoc />
    public override string ToStr() => Value;

    /// <inheritdoc />
    public override JinjaValue GetAttribute(string name) =>
        (JinjaValue?)StringMethods.TryBind(this, name) ?? JinjaUndefined.MissingAttribute(this, name);

    /// <inheritdoc />
    public override JinjaValue GetItem(JinjaValue key)
    {
        if (key is JinjaInt or JinjaBool)
        {
            var points = PythonStrings.CodePoints(Value);
            var index = Operators.ToIndex(key);
            if (index < 0)
            {
                index += points.Count;
            }
            return index >= 0 && index < points.Count ? points[(int)index] : JinjaUndefined.MissingItem(this, key);
        }
        return base.GetItem(key);
    }

    /// <inheritdoc />
    public override IReadOnlyList<JinjaValue> Iterate() => PythonStrings.CodePoints(Value);
}
