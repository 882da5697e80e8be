using System.Text.RegularExpressions;
using CsCheck;
using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

/// <summary>
/// For generated regexes, text sampled under the constraint is a full match under .NET's regex engine, in both its
/// default and its ECMAScript mode.
/// </summary>
[TestFixture]
public sealed class RegexPropertyTests
{
    private static readonly TestVocabularyTokenizer s_tokenizer = TestVocabularyTokenizer.JsonFriendly();

    private static readonly string[] s_atoms =
    [
        "a", "b", "é", "日", "\\.", "\\-", "\"", "\\\\", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", ".", "[a-c]", "[^a-z]",
        "[0-9_]", "[\\d.]", "[^\\d\\s]", "[é-ü]", "\\x41", "\\u00e9", "\\n", "[\\]\\-]",
    ];

    private static readonly string[] s_quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?"];

    private static Gen<string> Regex { get; } = Gen.Recursive<string>((depth, self) =>
    {
        var atom = Gen.Int[0, s_atoms.Length - 1].Select(i => s_atoms[i]);
        var quantified = Gen.Select(depth >= 2 ? atom : Gen.Frequency((4, atom), (1, self.Select(r => $"(?:{r})")), (1, self.Select(r => $"({r})"))),
            Gen.Int[0, s_quantifiers.Length - 1], (a, q) => a + s_quantifiers[q]);
        var sequence = quantified.Array[1, 4].Select(parts => string.Concat(parts));
        return depth >= 2 ? sequence : Gen.Frequency((3, sequence), (1, Gen.Select(sequence, sequence, (x, y) => $"{x}|{y}")));
    });

    [Test]
    public void Sampled_outputs_fully_match_generated_regexes()
    {
        var vocabulary = TokenVocabulary.For(s_tokenizer);
        Gen.Select(Regex, Gen.Int).Sample((pattern, seed) =>
        {
            var constraint = ConstraintCompiler.CompileUncached(new RegexConstraint(pattern));
            var (text, completed) = ConstrainedSampling.Generate(constraint.CreateState(vocabulary), s_tokenizer, new Random(seed));
            Assert.That(completed, Is.True, $"/{pattern}/ did not finish: {text}");
            var anchored = $"\\A(?:{pattern})\\z";
            // The oracle must not backtrack: generated patterns such as (\s{0,2})* make .NET's backtracking engine
            // overflow its stack, which says nothing about our output.
            Assert.That(System.Text.RegularExpressions.Regex.IsMatch(text, anchored, RegexOptions.NonBacktracking), Is.True, $"'{text}' does not match /{pattern}/");
            // .NET's backtracking engines (ECMAScript mode has no other) reject some matches that involve lazy loops
            // over groups matching the empty string: /(?:([a-c]*?)+?"){2}/ against "" says false where
            // NonBacktracking and V8 say true. Such a verdict is the backtracker's, not ECMAScript semantics', so the
            // ECMAScript check runs only where .NET's default backtracker agrees the text matches.
            if (TryBacktrackingMatch(text, anchored, RegexOptions.None) is true && TryBacktrackingMatch(text, anchored, RegexOptions.ECMAScript) is { } ecmaScript)
            {
                Assert.That(ecmaScript, Is.True, $"'{text}' does not match /{pattern}/ in ECMAScript mode");
            }
        }, iter: 200, threads: 1);
    }

    // A pattern that blows up the backtracker (time-out or stack overflow) is skipped in the backtracking modes.
    private static bool? TryBacktrackingMatch(string text, string anchored, RegexOptions options)
    {
        try
        {
            return new System.Text.RegularExpressions.Regex(anchored, options, TimeSpan.FromSeconds(2)).IsMatch(text);
        }
        catch (Exception e) when (e is RegexMatchTimeoutException or OverflowException)
        {
            return null;
        }
    }
}
