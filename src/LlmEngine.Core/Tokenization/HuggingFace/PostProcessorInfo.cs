using System.Text.Json;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>The special tokens a <c>tokenizer.json</c> post-processor puts around a single sequence.</summary>
/// <param name="Bos">The token added before the text, if any.</param>
/// <param name="Eos">The token added after the text, if any.</param>
/// <param name="Separator">The separator BERT/RoBERTa processors append, if any.</param>
internal readonly record struct PostProcessorInfo(int? Bos, int? Eos, int? Separator)
{
    /// <summary>Reads <c>post_processor</c>: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel or a Sequence of them.</summary>
    public static PostProcessorInfo Read(JsonElement root, Vocabulary vocabulary)
    {
        var info = default(PostProcessorInfo);
        if (root.TryGetObject("post_processor", out var post))
        {
            Visit(post, vocabulary, ref info);
        }
        return info;
    }

    private static void Visit(JsonElement p, Vocabulary vocabulary, ref PostProcessorInfo info)
    {
        switch (p.GetStringOrNull("type"))
        {
            case "Sequence":
                foreach (var child in p.GetArrayOrEmpty("processors"))
                {
                    Visit(child, vocabulary, ref info);
                }
                break;
            case "TemplateProcessing":
                bool seenSequence = false;
                foreach (var item in p.GetArrayOrEmpty("single"))
                {
                    if (item.TryGetObject("Sequence", out _))
                    {
                        seenSequence = true;
                    }
                    else if (item.TryGetObject("SpecialToken", out var special) && special.GetStringOrNull("id") is { } name)
                    {
                        int? id = ResolveSpecial(p, name, vocabulary);
                        info = seenSequence ? info with { Eos = id } : info with { Bos = id };
                    }
                }
                break;
            case "BertProcessing" or "RobertaProcessing":
                info = info with { Bos = ReadPair(p, "cls", vocabulary), Separator = ReadPair(p, "sep", vocabulary) };
                break;
        }
    }

    private static int? ResolveSpecial(JsonElement processor, string name, Vocabulary vocabulary)
    {
        if (processor.TryGetObject("special_tokens", out var specials) && specials.TryGetObject(name, out var entry)
            && entry.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() > 0)
        {
            int id = ids[0].GetInt32();
            return vocabulary.Contains(id) ? id : null;
        }
        return vocabulary.FindOrNull(name);
    }

    private static int? ReadPair(JsonElement p, string name, Vocabulary vocabulary) =>
        p.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[1].ValueKind == JsonValueKind.Number && vocabulary.Contains(pair[1].GetInt32())
            ? pair[1].GetInt32()
            : null;
}
