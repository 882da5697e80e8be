using LlmEngine.Chat;
using LlmEngine.Sampling.Constraints;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// On real vocabularies (byte-fallback SentencePiece, byte-level BPE), the trie-walk mask of sampled states agrees
/// with a brute-force check of every token: its bytes continue the output inside the language (a special token's
/// are a 0xFF byte and its text), and the end token is allowed only where the output may end.
/// </summary>
[TestFixture]
public sealed class RealVocabularyMaskTests
{
    private static readonly ConstraintSpec[] s_specs =
    [
        new JsonSchemaConstraint("""
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120},
             "email":{"type":"string","format":"email"},"tags":{"type":"array","items":{"type":"string","enum":["a b","ü","日本"]},"maxItems":3}},
             "required":["name","age"],"additionalProperties":false}
            """) { Options = new ConstraintOptions { MaxWhitespace = 1 } },
        new JsonObjectConstraint(),
        new JsonSchemaConstraint("""
            {"type":"object","properties":{"text":{"type":"string"},"code":{"type":"string","minLength":3,"maxLength":40}},
             "required":["text","code"],"additionalProperties":false}
            """),
        new RegexConstraint("(\\+\\d{1,3} )?\\(\\d{3}\\) [A-Za-zé]{2,8}\\.?"),
        new GbnfGrammarConstraint("root ::= \"SELECT \" col (\", \" col)* \" FROM \" [a-z]+ \";\"\ncol ::= [a-z_]+ | \"*\"\n"),
        // Free text until a Hermes tool call starts, then the call.
        new ToolCallConstraint(ToolCallFormat.Hermes, [new ToolCallSchema("f", """{"type":"object","properties":{"q":{"type":"string"}}}""")]) { Required = false },
    ];

    [TestCase("vocab/ggml-vocab-llama-spm.gguf")]
    [TestCase("vocab/ggml-vocab-gpt-2.gguf")]
    [TestCase("vocab/ggml-vocab-deepseek-llm.gguf")]
    public void Masks_agree_with_a_brute_force_check_of_every_token(string vocabularyFile)
    {
        var tokenizer = GgufVocabulary.Load(TestData.File(vocabularyFile));
        var vocabulary = TokenVocabulary.For(tokenizer);
        var random = new Random(vocabularyFile.Length);
        var mask = new TokenBitmask(vocabulary.Size);
        var checkedStates = 0;
        foreach (var spec in s_specs)
        {
            var constraint = ConstraintCompiler.Shared.Compile(spec);
            for (var run = 0; run < 2; run++)
            {
                var state = constraint.CreateState(vocabulary);
                for (var step = 0; step < 16 && !state.IsComplete; step++)
                {
                    state.ComputeMask(mask);
                    var allowed = BruteForce(state, tokenizer, mask);
                    checkedStates++;
                    Assert.That(allowed, Is.Not.Empty, $"{spec}: no token allowed at step {step}");
                    // Prefer multi-byte tokens so the walk gets somewhere in a few steps.
                    var pick = allowed[random.Next(allowed.Count)];
                    for (var tries = 0; tries < 4 && tokenizer.GetTokenBytes(pick).Length < 3; tries++)
                    {
                        pick = allowed[random.Next(allowed.Count)];
                    }
                    Assert.That(state.Accept(pick), Is.True);
                }
            }
        }
        Assert.That(checkedStates, Is.GreaterThan(40));
    }

    private static List<int> BruteForce(ConstraintState state, TestVocabularyTokenizer tokenizer, TokenBitmask mask)
    {
        var automaton = state.Constraint.Automaton;
        var allowed = new List<int>();
        for (var id = 0; id < tokenizer.VocabularySize; id++)
        {
            bool expected;
            if (tokenizer.EndOfGenerationTokenIds.Contains(id))
            {
                expected = state.CanEnd;
            }
            else if (tokenizer.GetTokenBytes(id).IsEmpty || (!tokenizer.IsSpecialToken(id) && tokenizer.GetTokenBytes(id).Contains((byte)0xFF)))
            {
                // Bytes that can never be part of UTF-8 text.
                expected = false;
            }
            else if (tokenizer.IsSpecialToken(id))
            {
                // A special token is its text after a 0xFF byte: allowed only where a grammar names it.
                expected = automaton.Advance(state.AutomatonState, [0xFF, .. tokenizer.GetTokenBytes(id)]) >= 0;
            }
            else
            {
                expected = automaton.Advance(state.AutomatonState, tokenizer.GetTokenBytes(id)) >= 0;
            }
            if (expected != mask.IsAllowed(id))
            {
                Assert.Fail($"token {id} '{tokenizer.GetTokenText(id)}': brute force says {expected}, the mask says {mask.IsAllowed(id)}");
            }
            if (expected)
            {
                allowed.Add(id);
            }
        }
        return allowed;
    }
}
