using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Tests.Infrastructure;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Tokenization;

/// <summary>Special-token parsing, BOS/EOS/SEP defaults and end-of-generation ids follow llama.cpp.</summary>
[TestFixture]
public class SpecialTokenTests
{
    [Test]
    public void ChatMarkersAreParsedOnlyWhenAsked()
    {
        var tokenizer = VocabTestCases.Tokenizer("phi-3");
        int user = tokenizer.GetTokenId("<|user|>")!.Value;
        int end = tokenizer.GetTokenId("<|end|>")!.Value;
        const string prompt = "<|user|>\nHello<|end|>\n";

        int[] parsed = tokenizer.Encode(prompt, addSpecialTokens: false);
        Assert.That(parsed[0], Is.EqualTo(user));
        Assert.That(parsed, Does.Contain(end));
        // Phi-3's markers strip the whitespace after them, and text after a special token gets the SentencePiece prefix.
        Assert.That(parsed[1], Is.EqualTo(tokenizer.Encode("Hello", addSpecialTokens: false)[0]));
        Assert.That(tokenizer.Decode(parsed, skipSpecialTokens: true), Is.EqualTo("Hello"));

        int[] literal = tokenizer.Encode(prompt, addSpecialTokens: false, parseSpecialTokens: false);
        Assert.That(literal, Does.Not.Contain(user).And.Not.Contain(end));
        Assert.That(tokenizer.Decode(literal), Is.EqualTo(prompt));
    }

    [Test]
    public void LongInputWithManySpecialTokensTokenizesEveryOccurrence()
    {
        var tokenizer = VocabTestCases.Tokenizer("phi-3");
        int user = tokenizer.GetTokenId("<|user|>")!.Value;
        string text = string.Concat(Enumerable.Repeat("<|user|>\nHi there, how are you?<|end|>\n", 5000));
        int[] ids = tokenizer.Encode(text, addSpecialTokens: false);
        Assert.That(ids.Count(id => id == user), Is.EqualTo(5000));
        Assert.That(tokenizer.Decode(tokenizer.Encode(text, addSpecialTokens: false, parseSpecialTokens: false)), Is.EqualTo(text));
    }

    [Test]
    public void EndOfGenerationIncludesEosAndEndOfTurnMarkers()
    {
        var phi3 = VocabTestCases.Tokenizer("phi-3");
        Assert.That(phi3.EosTokenId, Is.EqualTo(phi3.GetTokenId("<|endoftext|>")));
        Assert.That(phi3.EndOfGenerationTokenIds, Is.SupersetOf(new[] { phi3.EosTokenId!.Value, phi3.GetTokenId("<|end|>")!.Value }));

        var gpt2 = VocabTestCases.Tokenizer("gpt-2");
        Assert.That(gpt2.EndOfGenerationTokenIds, Is.EqualTo(new[] { 50256 }));
        Assert.That(gpt2.AddBosToken, Is.False);
    }

    [Test]
    public void AddSpecialTokensFollowsModelDefaults()
    {
        var spm = VocabTestCases.Tokenizer("llama-spm");
        Assert.That(spm.Encode("Hello")[0], Is.EqualTo(1));
        Assert.That(spm.Encode("Hello", addSpecialTokens: false), Does.Not.Contain(1));

        var bert = VocabTestCases.Tokenizer("bert-bge");
        int[] ids = bert.Encode("Hello world");
        Assert.That(ids[0], Is.EqualTo(101));
        Assert.That(ids[^1], Is.EqualTo(102));

        var deepseek = VocabTestCases.Tokenizer("deepseek-llm");
        Assert.That(deepseek.Encode("Hello")[0], Is.EqualTo(100000));
        Assert.That(deepseek.BosToken, Is.EqualTo(deepseek.GetTokenText(100000)));
    }

    [Test]
    public void UnknownTokenizerModelNamesFileAndValue()
    {
        var metadata = new GgufMetadata(
        [
            new("tokenizer.ggml.model", (GgufValueType.String, "rwkv")),
            new("tokenizer.ggml.tokens", (GgufValueType.Array, new GgufArray(GgufValueType.String, new[] { "a", "b" }))),
        ]);
        var e = Assert.Throws<ModelLoadException>(() => TokenizerFactory.FromGguf(metadata, "/models/x.gguf"));
        Assert.That(e!.Message, Does.Contain("/models/x.gguf").And.Contain("rwkv"));
    }

    [Test]
    public void UnknownPreTokenizerNamesValue()
    {
        var metadata = new GgufMetadata(
        [
            new("tokenizer.ggml.model", (GgufValueType.String, "gpt2")),
            new("tokenizer.ggml.pre", (GgufValueType.String, "no-such-pre")),
            new("tokenizer.ggml.tokens", (GgufValueType.Array, new GgufArray(GgufValueType.String, new[] { "a", "b" }))),
            new("tokenizer.ggml.merges", (GgufValueType.Array, new GgufArray(GgufValueType.String, new[] { "a b" }))),
        ]);
        var e = Assert.Throws<ModelLoadException>(() => TokenizerFactory.FromGguf(metadata, "/models/y.gguf"));
        Assert.That(e!.Message, Does.Contain("no-such-pre"));
    }

    [Test]
    public void Stories260KHasNoSeparatorFromSentinelIds()
    {
        // The file stores 4294967295 for "no separator/padding": out of range, so ignored.
        var tokenizer = TokenizerFactory.FromGguf(TestData.File("stories260K.gguf"));
        Assert.That(tokenizer.EndOfGenerationTokenIds, Is.EqualTo(new[] { 2 }));
        Assert.That(tokenizer.Encode("a", addSpecialTokens: true)[^1], Is.Not.EqualTo(2));
    }
}
