using System.Text;
using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

[TestFixture]
public sealed class ConstraintStateTests
{
    private const string PersonSchema = """
        {"type":"object","properties":{"name":{"type":"string","maxLength":8},"age":{"type":"integer","minimum":0,"maximum":150},
         "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":3}},"required":["name","age"],"additionalProperties":false}
        """;

    private static readonly TestVocabularyTokenizer s_tokenizer = TestVocabularyTokenizer.JsonFriendly();

    private static ConstraintState NewState(string schema = PersonSchema) =>
        ConstraintCompiler.Shared.Compile(new JsonSchemaConstraint(schema)).CreateState(s_tokenizer);

    private static int Id(string token) => s_tokenizer.GetTokenId(token) ?? s_tokenizer.Encode(token).Single();

    [Test]
    public void Mask_agrees_with_token_by_token_checks_along_random_outputs()
    {
        var random = new Random(11);
        var mask = new TokenBitmask(s_tokenizer.VocabularySize);
        for (var run = 0; run < 20; run++)
        {
            var state = NewState();
            for (var step = 0; step < 60 && !state.IsTerminated; step++)
            {
                state.ComputeMask(mask);
                var allowed = new List<int>();
                for (var id = 0; id < s_tokenizer.VocabularySize; id++)
                {
                    if (mask.IsAllowed(id) != state.IsTokenAllowed(id))
                    {
                        Assert.Fail($"mask and token check disagree on token {id} at step {step}");
                    }
                    if (mask.IsAllowed(id))
                    {
                        allowed.Add(id);
                    }
                }
                Assert.That(allowed, Is.Not.Empty);
                Assert.That(state.Accept(allowed[random.Next(allowed.Count)]), Is.True);
            }
        }
    }

    [Test]
    public void End_token_is_allowed_only_where_the_output_is_complete_and_other_specials_never()
    {
        var state = NewState();
        var mask = new TokenBitmask(s_tokenizer.VocabularySize);
        var eos = s_tokenizer.EosTokenId!.Value;
        var pad = s_tokenizer.GetTokenId("<pad>")!.Value;
        foreach (var id in s_tokenizer.Encode("{\"name\":\"Al\",\"age\":42"))
        {
            state.ComputeMask(mask);
            Assert.Multiple(() =>
            {
                Assert.That(mask.IsAllowed(eos), Is.False);
                Assert.That(mask.IsAllowed(pad), Is.False);
                Assert.That(state.CanEnd, Is.False);
            });
            Assert.That(state.Accept(id), Is.True);
        }
        Assert.That(state.Accept(eos), Is.False, "the object is not closed yet");
        Assert.That(state.Accept(Id("}")), Is.True);
        state.ComputeMask(mask);
        Assert.Multiple(() =>
        {
            Assert.That(state.CanEnd, Is.True);
            Assert.That(state.IsComplete, Is.True);
            Assert.That(mask.CountAllowed(), Is.EqualTo(1));
            Assert.That(mask.IsAllowed(eos), Is.True);
        });
        Assert.That(state.Accept(eos), Is.True);
        Assert.That(state.IsTerminated, Is.True);
        Assert.That(state.Accept(Id("a")), Is.False);
    }

    [Test]
    public void MinBytesToComplete_counts_the_shortest_completion()
    {
        var state = ConstraintCompiler.Shared.Compile(new JsonSchemaConstraint(PersonSchema)).CreateState(s_tokenizer);
        Assert.That(state.MinBytesToComplete, Is.EqualTo("{\"name\":\"\",\"age\":0}".Length));
        foreach (var id in s_tokenizer.Encode("{\"name\":\"x\",\"age\":1"))
        {
            Assert.That(state.Accept(id), Is.True);
        }
        Assert.That(state.MinBytesToComplete, Is.EqualTo(1));
        Assert.That(state.Accept(Id("}")), Is.True);
        Assert.That(state.MinBytesToComplete, Is.Zero);
    }

    [Test]
    public void Refused_token_leaves_the_state_unchanged()
    {
        var state = NewState();
        Assert.That(state.Accept(Id("{\"")), Is.True);
        Assert.That(state.Accept(Id("id")), Is.False, "'id' is not a declared property");
        Assert.That(state.AcceptedTokenCount, Is.EqualTo(1));
        Assert.That(state.Accept(Id("name")), Is.True);
    }

    [Test]
    public void Clone_rollback_and_replay_reproduce_the_same_states()
    {
        var ids = s_tokenizer.Encode("{\"name\":\"Bo\",\"age\":7,\"tags\":[\"a\"]}");
        var state = NewState();
        var masks = new List<ulong[]>();
        var mask = new TokenBitmask(s_tokenizer.VocabularySize);
        foreach (var id in ids)
        {
            state.ComputeMask(mask);
            masks.Add((ulong[])mask.Words.Clone());
            Assert.That(state.Accept(id), Is.True, $"token '{s_tokenizer.GetTokenText(id)}'");
        }
        Assert.That(state.CanEnd, Is.True);

        var clone = state.Clone();
        clone.Rollback(3);
        clone.ComputeMask(mask);
        Assert.That(mask.Words, Is.EqualTo(masks[^3]));
        Assert.That(state.CanEnd, Is.True, "the original is untouched by the clone");

        var replayed = NewState();
        Assert.That(replayed.Replay(ids.AsSpan(0, 5)), Is.True);
        replayed.ComputeMask(mask);
        Assert.That(mask.Words, Is.EqualTo(masks[5]));

        state.Reset();
        state.ComputeMask(mask);
        Assert.That(mask.Words, Is.EqualTo(masks[0]));
        Assert.That(state.Replay([.. ids, Id("x")]), Is.False);
        Assert.That(state.AcceptedTokenCount, Is.EqualTo(ids.Length));
    }

    [Test]
    public void Tokens_that_split_utf8_characters_are_handled_byte_by_byte()
    {
        var state = ConstraintCompiler.Shared.Compile(new RegexConstraint("é+")).CreateState(s_tokenizer);
        var e = Encoding.UTF8.GetBytes("é");
        Assert.That(state.Accept(e[0]), Is.True);
        Assert.That(state.CanEnd, Is.False);
        Assert.That(state.Accept(e[1]), Is.True);
        Assert.That(state.CanEnd, Is.True);
        Assert.That(state.Accept(Id("é")), Is.True);
        Assert.That(state.Accept(Id("ü")), Is.False);
    }

    [Test]
    public void Mask_smaller_or_larger_than_the_vocabulary_is_filled_safely()
    {
        var state = ConstraintCompiler.Shared.Compile(new ChoiceConstraint(["a", "b"])).CreateState(s_tokenizer);
        var padded = new TokenBitmask(s_tokenizer.VocabularySize + 100);
        state.ComputeMask(padded);
        Assert.That(padded.CountAllowed(), Is.EqualTo(2));
        var logits = new float[padded.Size];
        padded.Apply(logits);
        Assert.That(logits.Count(float.IsFinite), Is.EqualTo(2));
    }
}
