using System.Collections.Concurrent;
using System.Text;
using LlmEngine.Sampling.Constraints.Gbnf;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Json;
using LlmEngine.Sampling.Constraints.Patterns;
using LlmEngine.Sampling.Constraints.Tools;

namespace LlmEngine.Sampling.Constraints;

/// <summary>
/// Compiles <see cref="ConstraintSpec"/>s to <see cref="CompiledConstraint"/>s, caching them by spec so repeated
/// schemas (the common case for structured output and tool calls) compile once. Thread-safe.
/// </summary>
public sealed class ConstraintCompiler
{
    private readonly ConcurrentDictionary<ConstraintSpec, Lazy<CompiledConstraint>> _cache = new();
    private readonly int _capacity;

    /// <summary>Creates a compiler whose cache holds up to <paramref name="capacity"/> constraints.</summary>
    public ConstraintCompiler(int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>A process-wide compiler.</summary>
    public static ConstraintCompiler Shared { get; } = new();

    /// <summary>Number of cached constraints.</summary>
    public int CachedCount => _cache.Count;

    /// <summary>The compiled constraint for <paramref name="spec"/>, from the cache when it was compiled before.</summary>
    /// <exception cref="ConstraintException">The spec is invalid, unsupported or unsatisfiable; the message says why.</exception>
    public CompiledConstraint Compile(ConstraintSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_cache.TryGetValue(spec, out var cached))
        {
            return cached.Value;
        }
        if (_cache.Count >= _capacity)
        {
            _cache.Clear();
        }
        var lazy = _cache.GetOrAdd(spec, s => new Lazy<CompiledConstraint>(() => CompileUncached(s)));
        try
        {
            return lazy.Value;
        }
        catch (ConstraintException)
        {
            _cache.TryRemove(new KeyValuePair<ConstraintSpec, Lazy<CompiledConstraint>>(spec, lazy));
            throw;
        }
    }

    /// <summary>Compiles without touching the cache.</summary>
    /// <exception cref="ConstraintException">The spec is invalid, unsupported or unsatisfiable.</exception>
    public static CompiledConstraint CompileUncached(ConstraintSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Options.Validate();
        return new CompiledConstraint(spec, BuildGrammar(spec));
    }

    private static Grammar BuildGrammar(ConstraintSpec spec)
    {
        switch (spec)
        {
            case JsonSchemaConstraint json:
                return JsonSchemaCompiler.Compile(json.Schema, spec.Options);
            case JsonObjectConstraint:
                return JsonSchemaCompiler.CompileAnyObject(spec.Options);
            case RegexConstraint regex:
                {
                    var builder = new GrammarBuilder();
                    builder.Define("root", RegexParser.Parse(regex.Pattern, RegexTarget.Text).Body);
                    return builder.Build("root");
                }
            case ChoiceConstraint choice:
                return BuildChoice(choice.Choices);
            case GbnfGrammarConstraint gbnf:
                return GbnfParser.Parse(gbnf.Grammar);
            case ToolCallConstraint toolCalls:
                return ToolCallGrammar.Build(toolCalls);
            default:
                throw new ConstraintException($"Unknown constraint type {spec.GetType().Name}.");
        }
    }

    private static Grammar BuildChoice(IReadOnlyList<string> choices)
    {
        if (choices is null || choices.Count == 0)
        {
            throw new ConstraintException("A choice constraint needs at least one choice; the list is empty.");
        }
        var options = new List<GrammarExpr>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var choice in choices)
        {
            if (choice is null)
            {
                throw new ConstraintException("A choice constraint's choices must not be null.");
            }
            if (seen.Add(choice))
            {
                options.Add(new LiteralExpr(Encoding.UTF8.GetBytes(choice)));
            }
        }
        var builder = new GrammarBuilder();
        builder.Define("root", GrammarExpr.Alt(options));
        return builder.Build("root");
    }
}
