using System.Text.Json;
using System.Text.RegularExpressions;
using LlmEngine.Composition;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>Constrained decoding through the whole engine on the real stories260K model.</summary>
[NonParallelizable]
public class EngineConstraintTests
{
    private LocalModel _model = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        _model = LocalModel.Load(new LocalModelOptions
        {
            Model = TestData.File("stories260K.gguf"),
            Engine = new LlmEngineOptions { NumThreads = 1, NumKVCacheBlocks = 256, MaxModelLength = 512 },
        });
    }

    [OneTimeTearDown]
    public void Unload() => _model?.Dispose();

    private async Task<(string Text, FinishReason? Reason)> GenerateAsync(ConstraintSpec constraint, long seed, int maxTokens = 64)
    {
        var parameters = new SamplingParameters { Temperature = 1f, Seed = seed, MaxTokens = maxTokens, Constraint = constraint, OutputKind = RequestOutputKind.FinalOnly };
        RequestOutput? last = null;
        await foreach (var output in _model.Engine.GenerateAsync("Once upon a time", parameters))
        {
            last = output;
        }
        return (last!.Outputs[0].Text, last.Outputs[0].FinishReason);
    }

    [Test]
    public async Task Choice_OutputIsOneOfTheChoices([Values(1, 2, 3, 4, 5)] long seed)
    {
        string[] choices = ["happy", "sad", "a little girl named Lily"];
        var (text, reason) = await GenerateAsync(new ChoiceConstraint(choices), seed);
        Assert.That(choices, Does.Contain(text));
        Assert.That(reason, Is.EqualTo(FinishReason.Stop));
    }

    [Test]
    public async Task IgnoreEos_keeps_generating_end_tokens_after_the_constraint_completes()
    {
        var parameters = new SamplingParameters
        {
            Temperature = 1f,
            Seed = 4,
            MaxTokens = 12,
            IgnoreEos = true,
            Constraint = new ChoiceConstraint(["happy", "sad"]),
            OutputKind = RequestOutputKind.FinalOnly,
            SkipSpecialTokens = true,
        };
        RequestOutput? last = null;
        await foreach (var output in _model.Engine.GenerateAsync("Once upon a time", parameters))
        {
            last = output;
        }
        var completion = last!.Outputs[0];
        Assert.That(completion.NumGeneratedTokens, Is.EqualTo(12), "ignore_eos generates exactly max_tokens, as benchmarks need");
        Assert.That(completion.FinishReason, Is.EqualTo(FinishReason.Length));
        Assert.That(new[] { "happy", "sad" }, Does.Contain(completion.Text), "after the choice only end tokens may follow");
    }

    [Test]
    public async Task Regex_OutputMatchesFully([Values(1, 2, 3)] long seed)
    {
        const string pattern = "[a-z]+ (cat|dog)s?, [0-9]{2}";
        var (text, _) = await GenerateAsync(new RegexConstraint(pattern), seed);
        Assert.That(Regex.IsMatch(text, "^(?:" + pattern + ")$"), Is.True, text);
    }

    [Test]
    public async Task JsonSchema_OutputParsesAndHasTheRequiredProperties([Values(1, 2, 3)] long seed)
    {
        const string schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":99}},"required":["name","age"]}""";
        var (text, reason) = await GenerateAsync(new JsonSchemaConstraint(schema), seed, maxTokens: 200);
        Assert.That(reason, Is.EqualTo(FinishReason.Stop), text);
        using var doc = JsonDocument.Parse(text);
        Assert.That(doc.RootElement.GetProperty("name").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(doc.RootElement.GetProperty("age").GetInt32(), Is.InRange(0, 99));
    }

    [Test]
    public async Task InvalidConstraint_IsRejectedBeforeAnyToken()
    {
        var parameters = new SamplingParameters { Constraint = new GbnfGrammarConstraint("root ::= undefined-rule") };
        var error = await Assert.ThrowsAsync<ConstraintException>(async () =>
        {
            await foreach (var _ in _model.Engine.GenerateAsync("Once upon a time", parameters))
            {
            }
        });
        Assert.That(error!.Message, Does.Contain("undefined-rule"));
    }
}
