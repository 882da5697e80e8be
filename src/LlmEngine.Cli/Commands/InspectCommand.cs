using System.CommandLine;
using System.Globalization;
using LlmEngine.Cli.DemoModel;
using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Models.HuggingFace;

namespace LlmEngine.Cli.Commands;

/// <summary><c>llmengine inspect MODEL</c>: architecture, parameters, context, tensor types, tokenizer, chat template.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "GGUF file, Hugging Face folder, or Hugging Face repo id (org/name[:QUANT]) (default: the built-in demo model)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("inspect", "Describe a model: architecture, parameters, context length, tensor types, tokenizer, chat template.") { model };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = await ModelArgument.ResolvePathAsync(parse.GetValue(model), Console.Error, cancellationToken).ConfigureAwait(false) ?? BuiltInModel.GetPath();
            return Run(path, Console.Out);
        });
        return command;
    }

    public static int Run(string path, TextWriter output)
    {
        if (Directory.Exists(path))
        {
            return RunFolder(path, output);
        }
        using var file = GgufFile.Open(path);
        var md = file.Metadata;
        var inv = CultureInfo.InvariantCulture;
        long parameters = 0;
        var byType = new SortedDictionary<string, (int Count, long Bytes, long Elements)>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            parameters += t.ElementCount;
            var key = t.Type.ToString();
            var (c, b, e) = byType.GetValueOrDefault(key);
            byType[key] = (c + 1, b + t.ByteLength, e + t.ElementCount);
        }
        output.WriteLine($"model:          {file.SourcePath}");
        output.WriteLine($"format:         GGUF v{file.Version} ({file.FileLength.ToString("N0", inv)} bytes, alignment {md.Alignment})");
        output.WriteLine($"name:           {md.Name ?? "(none)"}");
        output.WriteLine($"architecture:   {md.Architecture ?? "(missing)"}");
        output.WriteLine($"parameters:     {FormatCount(parameters)} ({parameters.ToString("N0", inv)})");
        output.WriteLine($"context length: {md.ContextLength?.ToString(inv) ?? "?"}");
        output.WriteLine($"layers:         {md.BlockCount?.ToString(inv) ?? "?"}, hidden {md.EmbeddingLength?.ToString(inv) ?? "?"}, heads {md.HeadCount?.ToString(inv) ?? "?"} (KV {md.HeadCountKv?.ToString(inv) ?? "?"}), FFN {md.FeedForwardLength?.ToString(inv) ?? "?"}");
        output.WriteLine($"rope:           base {md.RopeFreqBase?.ToString(inv) ?? "10000"}, scaling {md.RopeScalingType ?? "none"}");
        output.WriteLine($"tokenizer:      {md.TokenizerModel ?? "(none)"}{(md.TokenizerPre is { } pre ? " / " + pre : "")}, {md.Tokens?.Length ?? 0} tokens, bos {md.BosTokenId?.ToString(inv) ?? "-"}, eos {md.EosTokenId?.ToString(inv) ?? "-"}");
        output.WriteLine($"chat template:  {(md.ChatTemplate is null ? "no" : $"yes ({md.ChatTemplate.Length} chars)")}");
        output.WriteLine($"tensors:        {file.Tensors.Count}");
        foreach (var (type, (count, bytes, elements)) in byType)
        {
            var bpw = elements == 0 ? 0 : bytes * 8.0 / elements;
            output.WriteLine($"  {type,-8} {count,5} tensors {FormatBytes(bytes),12} {bpw,6:F2} bits/weight");
        }
        return 0;
    }

    private static int RunFolder(string path, TextWriter output)
    {
        using var model = HuggingFaceModel.Open(path);
        var config = model.Config;
        var inv = CultureInfo.InvariantCulture;
        long parameters = 0;
        var byType = new SortedDictionary<string, (int Count, long Bytes)>(StringComparer.Ordinal);
        foreach (var name in model.TensorNames)
        {
            model.TryGetTensor(name, out var tensor);
            parameters += tensor.ElementCount;
            var (c, b) = byType.GetValueOrDefault(tensor.Type.ToString());
            byType[tensor.Type.ToString()] = (c + 1, b + tensor.ByteLength);
        }
        output.WriteLine($"model:          {model.SourcePath}");
        output.WriteLine($"format:         Hugging Face folder ({model.ArchitectureClassName}, {model.Shards.Count} safetensors shard(s))");
        output.WriteLine($"architecture:   {config.Architecture}");
        output.WriteLine($"parameters:     {FormatCount(parameters)} ({parameters.ToString("N0", inv)})");
        output.WriteLine($"context length: {config.ContextLength.ToString(inv)}");
        output.WriteLine($"layers:         {config.NumLayers}, hidden {config.HiddenSize}, heads {config.NumHeads} (KV {config.NumKvHeads}), head size {config.HeadDim}, FFN {config.IntermediateSize}");
        output.WriteLine($"rope:           base {config.RopeTheta.ToString(inv)}, scaling {config.RopeScaling?.Type ?? "none"}");
        output.WriteLine($"tokenizer:      {(model.TokenizerPath is null ? "(no tokenizer.json)" : "tokenizer.json")}, vocabulary {config.VocabularySize}");
        var template = model.ChatTemplatePath is not null
            || (model.TokenizerConfigPath is { } tc && File.ReadAllText(tc).Contains("\"chat_template\"", StringComparison.Ordinal));
        output.WriteLine($"chat template:  {(template ? "yes" : "no")}");
        output.WriteLine($"tensors:        {model.TensorNames.Count}");
        foreach (var (type, (count, bytes)) in byType)
        {
            output.WriteLine($"  {type,-8} {count,5} tensors {FormatBytes(bytes),12}");
        }
        return 0;
    }

    internal static string FormatCount(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("F2", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (n / 1e6).ToString("F1", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (n / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "K",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    internal static string FormatBytes(long n) => n switch
    {
        >= 1L << 30 => (n / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (n / (double)(1L << 20)).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (n / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => n.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
