namespace LlmEngine.Templates.Jinja;

/// <summary>
/// The arguments of a call, filter or test: positional values then keyword values, bound to Python-style parameters
/// by position or by name.
/// </summary>
internal sealed class Arguments
{
    /// <summary>No arguments.</summary>
    public static readonly Arguments Empty = new([], null);

    /// <summary>Creates the arguments.</summary>
    public Arguments(List<JinjaValue> positional, List<KeyValuePair<string, JinjaValue>>? keywords)
    {
        Positional = positional;
        Keywords = keywords;
    }

    /// <summary>The positional arguments.</summary>
    public List<JinjaValue> Positional { get; }

    /// <summary>The keyword arguments, or null when there are none.</summary>
    public List<KeyValuePair<string, JinjaValue>>? Keywords { get; }

    /// <summary>The number of positional arguments.</summary>
    public int Count => Positional.Count;

    /// <summary>Arguments with the given positional values.</summary>
    public static Arguments Of(params JinjaValue[] values) => new([.. values], null);

    /// <summary>The parameter at <paramref name="position"/> or named <paramref name="name"/>, or null when not given.</summary>
    public JinjaValue? Get(int position, string name)
    {
        if (position >= 0 && position < Positional.Count)
        {
            return Positional[position];
        }
        if (Keywords is not null)
        {
            foreach (var (key, value) in Keywords)
            {
                if (key == name)
                {
                    return value;
                }
            }
        }
        return null;
    }

    /// <summary>The parameter, or <paramref name="fallback"/> when not given.</summary>
    public JinjaValue Get(int position, string name, JinjaValue fallback) => Get(position, name) ?? fallback;

    /// <summary>The parameter; fails with Python's message when it is missing.</summary>
    public JinjaValue Require(int position, string name, string function) =>
        Get(position, name) ?? throw new TemplateError($"{function}() missing required argument: '{name}'");

    /// <summary>Fails when more positional arguments are given than <paramref name="max"/>.</summary>
    public void CheckPositional(int max, string function)
    {
        if (Positional.Count > max)
        {
            throw new TemplateError($"{function}() takes at most {max} positional argument(s) ({Positional.Count} given)");
        }
    }
}
