using BenchmarkDotNet.Attributes;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Benchmarks.Constraints;

/// <summary>
/// Allowed-token masks on a 151,936-token vocabulary for a typical nested schema: per step once warm (cached masks),
/// per first visit of a state (trie walk; automaton transitions already built), fully cold (new compile, so the
/// automaton is built during the walks too), plus schema compile time and applying a mask to a logits row.
/// Run: <c>dotnet run -c Release --project benchmarks/LlmEngine.Benchmarks -- --filter '*ConstraintBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ConstraintBenchmarks
{
    /// <summary>An order with a nested customer, an array of line items and enum/format/nullable fields.</summary>
    public const string OrderSchema = """
        {"type":"object","properties":{
          "id":{"type":"string","format":"uuid"},
          "customer":{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":60},"email":{"type":"string","format":"email"},
            "vip":{"type":"boolean"}},"required":["name","email"],"additionalProperties":false},
          "items":{"type":"array","minItems":1,"maxItems":20,"items":{"type":"object","properties":{
            "sku":{"type":"string","pattern":"^[A-Z]{3}-\\d{4}$"},"quantity":{"type":"integer","minimum":1,"maximum":100},
            "price":{"type":"number","minimum":0}},"required":["sku","quantity","price"],"additionalProperties":false}},
          "status":{"enum":["pending","paid","shipped","cancelled"]},
          "notes":{"type":["string","null"]},
          "created":{"type":"string","format":"date-time"}},
         "required":["id","customer","items","status","created"],"additionalProperties":false}
        """;

    /// <summary>A schema-valid output whose token path gives the visited states.</summary>
    public const string OrderOutput = """
        {"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada Lovelace","email":"ada@example.com","vip":true},"items":[{"sku":"ABC-1234","quantity":2,"price":19.99},{"sku":"XYZ-0042","quantity":1,"price":5}],"status":"paid","notes":null,"created":"2024-05-17T10:30:00Z"}
        """;

    private SyntheticVocabularyTokenizer _tokenizer = null!;
    private TokenVocabulary _vocabulary = null!;
    private CompiledConstraint _constraint = null!;
    private ConstraintState[] _states = null!;
    private TokenBitmask _mask = null!;
    private float[] _logits = null!;

    /// <summary>Number of states on the output's token path.</summary>
    public int StateCount => _states.Length;

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = new SyntheticVocabularyTokenizer();
        _vocabulary = TokenVocabulary.For(_tokenizer);
        _constraint = ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(OrderSchema));
        _states = StatesAlongOutput(_constraint);
        _mask = new TokenBitmask(_vocabulary.Size);
        _logits = new float[_vocabulary.Size];
        foreach (var state in _states)
        {
            state.ComputeMask(_mask);
        }
        Console.WriteLine($"// {_states.Length} states on the output's token path, trie of {_vocabulary.TrieNodeCount} nodes");
    }

    private ConstraintState[] StatesAlongOutput(CompiledConstraint constraint)
    {
        var states = new List<ConstraintState>();
        var state = constraint.CreateState(_vocabulary);
        foreach (var id in _tokenizer.Encode(OrderOutput.Trim()))
        {
            states.Add(state.Clone());
            if (!state.Accept(id))
            {
                throw new InvalidOperationException($"token '{_tokenizer.GetTokenText(id)}' refused");
            }
        }
        return [.. states];
    }

    /// <summary>One step's mask once warm (the cached mask copied into the request's bitmask).</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public void WarmMaskPerStep()
    {
        for (var i = 0; i < 64; i++)
        {
            _states[i % _states.Length].ComputeMask(_mask);
        }
    }

    /// <summary>
    /// First visit of every state on the path (a trie walk each, automaton transitions already known); divide by
    /// <see cref="StateCount"/> (printed at setup) for the mean per state.
    /// </summary>
    [Benchmark]
    public void FirstVisitMasksAlongPath()
    {
        _constraint.GetMatcher(_vocabulary).ClearCache();
        foreach (var state in _states)
        {
            state.ComputeMask(_mask);
        }
    }

    /// <summary>Compile plus every mask along the path with nothing cached: the cost of a brand-new schema.</summary>
    [Benchmark]
    public void ColdCompileAndMasksAlongPath()
    {
        var constraint = ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(OrderSchema));
        var state = constraint.CreateState(_vocabulary);
        foreach (var id in _tokenizer.Encode(OrderOutput.Trim()))
        {
            state.ComputeMask(_mask);
            state.Accept(id);
        }
    }

    /// <summary>Schema to compiled automaton (no masks).</summary>
    [Benchmark]
    public CompiledConstraint CompileSchema() => ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(OrderSchema));

    /// <summary>Applying a mask to a 151,936-logit row.</summary>
    [Benchmark]
    public void ApplyMask() => _mask.Apply(_logits);
}
