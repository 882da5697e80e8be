using LlmEngine.Models;
using LlmEngine.Models.HuggingFace;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.HuggingFace;

public class HuggingFaceModelErrorTests
{
    [Test]
    public void MissingFolder_NamesTheFolder()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("absent");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(folder));
        Assert.That(e!.Message, Does.Contain(folder));
    }

    [Test]
    public void MissingConfig_NamesTheFolderAndFile()
    {
        using var dir = CopyOf("tiny-llama");
        File.Delete(dir.File("config.json"));
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.Path).And.Contain("config.json"));
    }

    [Test]
    public void MissingWeights_NamesTheFolderAndFiles()
    {
        using var dir = CopyOf("tiny-llama");
        File.Delete(dir.File("model.safetensors"));
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.Path).And.Contain("model.safetensors"));
    }

    [Test]
    public void MalformedConfig_NamesTheFileAndPosition()
    {
        using var dir = CopyOf("tiny-llama");
        File.WriteAllText(dir.File("config.json"), "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 12x\n}");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.File("config.json")).And.Contain("line 3"));
    }

    [Test]
    public void MalformedGenerationConfig_NamesThatFile()
    {
        using var dir = CopyOf("tiny-llama");
        File.WriteAllText(dir.File("generation_config.json"), "{\"eos_token_id\": [2, \"x\"]}");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.File("generation_config.json")).And.Contain("eos_token_id"));
    }

    [Test]
    public void UnknownArchitecture_NamesTheValue()
    {
        using var dir = CopyOf("tiny-llama");
        EditConfig(dir, "LlamaForCausalLM", "GPTNeoXForCausalLM");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.Path).And.Contain("GPTNeoXForCausalLM"));
    }

    [Test]
    public void NoArchitectures_FallsBackOnModelType()
    {
        using var dir = CopyOf("tiny-qwen3");
        EditConfig(dir, "\"Qwen3ForCausalLM\"", "");
        using var model = HuggingFaceModel.Open(dir.Path);
        Assert.That(model.Config.Architecture, Is.EqualTo("qwen3"));
        Assert.That(model.Config.HeadDim, Is.EqualTo(48));
    }

    [TestCase("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", "num_key_value_heads")]
    [TestCase("\"hidden_size\": 128", "\"hidden_size\": \"big\"", "hidden_size")]
    [TestCase("\"vocab_size\": 512", "\"vocab_size\": 0", "vocab_size")]
    [TestCase("\"vocab_size\": 512,", "", "vocab_size")]
    [TestCase("\"rms_norm_eps\": 9.999999974752427e-07", "\"rms_norm_eps\": 1e999", "rms_norm_eps")]
    [TestCase("\"rope_type\": \"llama3\"", "\"rope_type\": \"dynamic\"", "dynamic")]
    [TestCase("\"factor\": 8.0,", "", "factor")]
    public void InvalidConfigValue_NamesTheKey(string from, string to, string expected)
    {
        using var dir = CopyOf("tiny-llama3-rope");
        EditConfig(dir, from, to);
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.File("config.json")).And.Contain(expected));
    }

    [Test]
    public void UntiedModelWithoutLmHead_IsRejected()
    {
        using var dir = CopyOf("tiny-qwen2");
        EditConfig(dir, "\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain("lm_head.weight"));
    }

    [Test]
    public void MissingShard_NamesTheShard()
    {
        using var dir = CopyOf("tiny-qwen2");
        File.Delete(dir.File("model-00002-of-00002.safetensors"));
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(dir.File("model-00002-of-00002.safetensors")));
    }

    [Test]
    public void WeightMapNamingAnAbsentTensor_IsRejected()
    {
        using var dir = CopyOf("tiny-qwen2");
        var index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace(
            "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"",
            "\"model.norm.weight\": \"model-00001-of-00002.safetensors\"", StringComparison.Ordinal));
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(index).And.Contain("model.norm.weight"));
    }

    [Test]
    public void WeightMapPointingOutsideTheFolder_IsRejected()
    {
        using var dir = CopyOf("tiny-qwen2");
        var index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace(
            "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"",
            "\"model.norm.weight\": \"../model-00002-of-00002.safetensors\"", StringComparison.Ordinal));
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain(index).And.Contain("not a file name"));
    }

    [Test]
    public void GenerationConfig_ListsAndSamplingDefaultsAreRead()
    {
        using var dir = CopyOf("tiny-llama");
        File.WriteAllText(dir.File("generation_config.json"),
            "{\"bos_token_id\": 1, \"eos_token_id\": [2, 7, 9], \"do_sample\": true, \"temperature\": 0.6, \"top_p\": 0.9, \"top_k\": 20, \"min_p\": 0.05, \"repetition_penalty\": 1.1, \"max_new_tokens\": 64}");
        using var model = HuggingFaceModel.Open(dir.Path);
        var g = model.GenerationConfig!;
        Assert.That(g.EosTokenIds, Is.EqualTo(new[] { 2, 7, 9 }));
        Assert.That(g.DoSample, Is.True);
        Assert.That(g.Temperature, Is.EqualTo(0.6f));
        Assert.That(g.TopP, Is.EqualTo(0.9f));
        Assert.That(g.TopK, Is.EqualTo(20));
        Assert.That(g.MinP, Is.EqualTo(0.05f));
        Assert.That(g.RepetitionPenalty, Is.EqualTo(1.1f));
        Assert.That(g.MaxNewTokens, Is.EqualTo(64));
        Assert.That(model.Config.EosTokenIds, Is.EqualTo(new[] { 2, 7, 9 }), "config's eos first, then generation_config's");
    }

    [Test]
    public void LongRopeConfig_IsRead()
    {
        using var dir = CopyOf("tiny-phi3");
        var shortFactors = string.Join(", ", Enumerable.Range(0, 16).Select(i => (1 + i * 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var longFactors = string.Join(", ", Enumerable.Range(0, 16).Select(i => (2 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        EditConfig(dir, "\"max_position_embeddings\": 512", "\"max_position_embeddings\": 2048");
        EditConfig(dir, "\"rope_scaling\": null",
            $"\"rope_scaling\": {{\"type\": \"longrope\", \"short_factor\": [{shortFactors}], \"long_factor\": [{longFactors}]}}");
        using var model = HuggingFaceModel.Open(dir.Path);
        var r = model.Config.RopeScaling!;
        Assert.That(r.Type, Is.EqualTo("longrope"));
        Assert.That(r.OriginalContextLength, Is.EqualTo(512));
        Assert.That(r.Factor, Is.EqualTo(4.0));
        Assert.That(r.ShortFactors, Has.Length.EqualTo(16));
        Assert.That(r.ShortFactors![1], Is.EqualTo(1.1f));
        Assert.That(r.LongFactors![15], Is.EqualTo(17f));

        EditConfig(dir, "\"long_factor\": [2, ", "\"long_factor\": [");
        var e = Assert.Throws<ModelLoadException>(() => HuggingFaceModel.Open(dir.Path));
        Assert.That(e!.Message, Does.Contain("long_factor").And.Contain("15 entries"));
    }

    [Test]
    public void PartialRotaryFactor_SetsRopeDimensions()
    {
        using var dir = CopyOf("tiny-phi3");
        EditConfig(dir, "\"partial_rotary_factor\": 1.0", "\"partial_rotary_factor\": 0.75");
        using var model = HuggingFaceModel.Open(dir.Path);
        Assert.That(model.Config.RopeDimensions, Is.EqualTo(24));
        Assert.That(model.Config.HeadDim, Is.EqualTo(32));
    }

    internal static TempDirectory CopyOf(string model)
    {
        var source = TestData.Directory("archs/hf/" + model);
        var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(source))
        {
            var target = dir.File(Path.GetFileName(file));
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return dir;
    }

    private static void EditConfig(TempDirectory dir, string from, string to)
    {
        var path = dir.File("config.json");
        var text = File.ReadAllText(path);
        Assert.That(text, Does.Contain(from), "test setup: config.json should contain the text to replace");
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }
}
