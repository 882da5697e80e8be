using BenchmarkDotNet.Attributes;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Benchmarks.Constraints;

/// <summary>
/// The first visit of one state (its mask cache cleared; automaton transitions already built) on the
/// 151,936-token vocabulary, for the kinds of state a nested schema passes through: inside a string with a
/// maxLength and inside an unbounded one (the worst cases: most of the vocabulary stays allowed), after a key's colon, inside a number, at an object key, and inside an email address (local part, domain).
/// Run: <c>dotnet run -c Release --project benchmarks/LlmEngine.Benchmarks -- --filter '*ConstraintFirstVisitBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ConstraintFirstVisitBenchmarks
{
    private static readonly Dictionary<string, string> s_prefixes = new(StringComparer.Ordinal)
    {
        ["string"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada Lo""",
        ["notes"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"a@b.co"},"items":[{"sku":"ABC-1234","quantity":2,"price":1}],"status":"paid","notes":"Leave it at the do""",
        ["value"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"a@b.co"},"items":[{"sku":"ABC-1234","quantity":2,"price":1}],"status":"paid","notes":""",
        ["number"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"a@b.co"},"items":[{"sku":"ABC-1234","quantity":2,"price":19""",
        ["key"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"a@b.co"},""",
        ["email"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"ada.lo""",
        ["domain"] = """{"id":"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c","customer":{"name":"Ada","email":"ada@exam""",
    };

    private CompiledConstraint _constraint = null!;
    private TokenVocabulary _vocabulary = null!;
    private ConstraintState _state = null!;
    private TokenBitmask _mask = null!;

    /// <summary>Which state to measure.</summary>
    [Params("string", "notes", "value", "number", "key", "email", "domain")]
    public string State { get; set; } = "string";

    [GlobalSetup]
    public void Setup()
    {
        var tokenizer = new SyntheticVocabularyTokenizer();
        _vocabulary = TokenVocabulary.For(tokenizer);
        _constraint = ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(ConstraintBenchmarks.OrderSchema));
        _state = _constraint.CreateState(_vocabulary);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(s_prefixes[State]))
        {
            if (!_state.Accept(b))
            {
                throw new InvalidOperationException($"byte '{(char)b}' refused in the '{State}' prefix");
            }
        }
        _mask = new TokenBitmask(_vocabulary.Size);
        _state.ComputeMask(_mask);
        Console.WriteLine($"// state '{State}': {_mask.CountAllowed()} of {_vocabulary.Size} tokens allowed");
    }

    /// <summary>Clears the state's cached mask and computes it again (a trie walk).</summary>
    [Benchmark]
    public void FirstVisitMask()
    {
        _constraint.GetMatcher(_vocabulary).ClearCache();
        _state.ComputeMask(_mask);
    }
}
