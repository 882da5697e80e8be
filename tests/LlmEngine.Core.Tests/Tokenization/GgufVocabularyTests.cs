using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Tokenization;

/// <summary>Every llama.cpp tokenizer test case of each shared vocabulary tokenizes to exactly the listed ids.</summary>
[TestFixture]
public class GgufVocabularyTests
{
    /// <summary>The vocabularies under test.</summary>
    public static IEnumerable<string> Vocabularies => VocabTestCases.Vocabularies;

    [TestCaseSource(nameof(Vocabularies))]
    public void EncodesEveryReferenceCase(string vocabulary)
    {
        var tokenizer = VocabTestCases.Tokenizer(vocabulary);
        var cases = VocabTestCases.Read(vocabulary);
        var (passed, total, report) = VocabTestCases.Run(tokenizer, cases);
        Assert.That(passed, Is.EqualTo(total), $"{vocabulary}: {passed}/{total} cases pass\n{report}");
    }
}
