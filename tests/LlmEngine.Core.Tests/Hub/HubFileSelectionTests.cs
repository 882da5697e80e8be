using LlmEngine.Models.Hub;
using NUnit.Framework;

namespace LlmEngine.Tests.Hub;

/// <summary>Which files of a hub repository a model needs: the GGUF quantisation by tag, or a transformers model's files.</summary>
[TestFixture]
public sealed class HubFileSelectionTests
{
    private static readonly string[] s_ggufRepo =
    [
        ".gitattributes", "README.md", "model-Q4_K_M.gguf", "model-Q4_K_S.gguf", "model-Q8_0.gguf", "model-q6_k.gguf", "mmproj-model-f16.gguf",
    ];

    [TestCase("Q8_0", "model-Q8_0.gguf")]
    [TestCase("q4_k_m", "model-Q4_K_M.gguf")]
    [TestCase("Q6_K", "model-q6_k.gguf")]
    public void PicksTheGgufNamedByTheTagIgnoringCase(string tag, string expected)
    {
        var selection = HubFileSelection.Select("org/m-GGUF", tag, s_ggufRepo);

        Assert.That(selection.Files, Is.EqualTo(new[] { expected }));
        Assert.That(selection.ModelFile, Is.EqualTo(expected));
        Assert.That(selection.Note, Is.Null);
    }

    [Test]
    public void WithoutATagPicksQ4KMAndSaysSo()
    {
        var selection = HubFileSelection.Select("org/m-GGUF", null, s_ggufRepo);

        Assert.That(selection.ModelFile, Is.EqualTo("model-Q4_K_M.gguf"));
        Assert.That(selection.Note, Does.Contain("model-Q4_K_M.gguf").And.Contain("Q4_K_M").And.Contain("model-Q8_0.gguf"));
    }

    [Test]
    public void WithoutATagOrQ4KMPicksTheOnlyOrFirstGgufAndSaysWhich()
    {
        var only = HubFileSelection.Select("org/m", null, ["README.md", "tiny.F32.gguf"]);
        Assert.That(only.ModelFile, Is.EqualTo("tiny.F32.gguf"));
        Assert.That(only.Note, Does.Contain("the only .gguf"));

        var first = HubFileSelection.Select("org/m", null, ["b.Q8_0.gguf", "a.F16.gguf"]);
        Assert.That(first.ModelFile, Is.EqualTo("a.F16.gguf"));
        Assert.That(first.Note, Does.Contain("first").And.Contain("b.Q8_0.gguf"));
    }

    [Test]
    public void AWholeWordTagDoesNotAlsoPickLongerTags()
    {
        var selection = HubFileSelection.Select("org/m", "Q4_K", ["m-Q4_K.gguf", "m-Q4_K_M.gguf"]);

        Assert.That(selection.ModelFile, Is.EqualTo("m-Q4_K.gguf"));
    }

    [Test]
    public void AnAmbiguousTagListsTheMatches()
    {
        var error = Assert.Throws<HubException>(() => HubFileSelection.Select("org/m-GGUF", "Q4_K", s_ggufRepo));

        Assert.That(error!.Message, Does.Contain("model-Q4_K_M.gguf").And.Contain("model-Q4_K_S.gguf").And.Contain("several"));
        Assert.That(error.RepoId, Is.EqualTo("org/m-GGUF"));
    }

    [Test]
    public void AMissingTagListsWhatIsAvailableWithoutProjectors()
    {
        var error = Assert.Throws<HubException>(() => HubFileSelection.Select("org/m-GGUF", "IQ2_XXS", s_ggufRepo));

        Assert.That(error!.Message, Does.Contain("IQ2_XXS").And.Contain("model-Q8_0.gguf").And.Not.Contain("mmproj"));
    }

    [Test]
    public void ATransformersRepositoryGetsConfigsTokenizerTemplateAndSafetensorsOnly()
    {
        string[] files =
        [
            ".gitattributes", "README.md", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "chat_template.jinja", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
            "model.safetensors.index.json", "consolidated.safetensors", "pytorch_model.bin", "onnx/model.onnx", "original/params.json",
        ];

        var selection = HubFileSelection.Select("org/m", null, files);

        Assert.That(selection.ModelFile, Is.Null, "the snapshot folder is the model");
        Assert.That(selection.Files, Is.EquivalentTo(new[]
        {
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "chat_template.jinja", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
        }));
    }

    [Test]
    public void ARepositoryWithNoModelIsAnError()
    {
        var error = Assert.Throws<HubException>(() => HubFileSelection.Select("org/data", null, ["README.md", "train.csv"]));

        Assert.That(error!.Message, Does.Contain("org/data").And.Contain("train.csv"));
    }
}
