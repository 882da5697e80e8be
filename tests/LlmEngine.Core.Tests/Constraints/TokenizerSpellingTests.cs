using LlmEngine.Sampling.Constraints;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// A constraint must let a model write a valid output the way the tokenizer spells it: the real tokenizer's ids for
/// a JSON answer are accepted token by token. SentencePiece vocabularies spell the first word of a text with a
/// leading space (<c>▁{</c>), which the JSON grammars admit as JSON's own leading whitespace.
/// </summary>
[TestFixture]
public sealed class TokenizerSpellingTests
{
    [TestCase("vocab/ggml-vocab-llama-spm.gguf")]
    [TestCase("vocab/ggml-vocab-gpt-2.gguf")]
    [TestCase("vocab/ggml-vocab-deepseek-llm.gguf")]
    public void The_tokenizers_own_spelling_of_a_valid_answer_is_accepted(string vocabularyFile)
    {
        var tokenizer = TokenizerFactory.FromGguf(TestData.File(vocabularyFile));
        const string answer = """{"name":"Ada","age":36,"tags":["math","poetry"]}""";
        ConstraintSpec[] specs =
        [
            new JsonObjectConstraint(),
            new JsonSchemaConstraint("""
                {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},
                 "required":["name","age","tags"]}
                """),
        ];
        var ids = tokenizer.Encode(answer, addSpecialTokens: false);
        foreach (var spec in specs)
        {
            var state = ConstraintCompiler.Shared.Compile(spec).CreateState(tokenizer);
            if (!state.Replay(ids))
            {
                Assert.Fail($"{spec.GetType().Name} refused token {state.AcceptedTokenCount} '{tokenizer.GetTokenText(ids[state.AcceptedTokenCount])}' of [{string.Join(", ", ids.Select(tokenizer.GetTokenText))}]");
            }
            Assert.That(state.CanEnd, Is.True);
        }
    }
}
