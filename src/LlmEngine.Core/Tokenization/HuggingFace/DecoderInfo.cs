using System.Text.Json;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>What a <c>tokenizer.json</c> decoder implies for token bytes and decoded text.</summary>
/// <param name="ByteLevel">Pieces are GPT-2 byte characters.</param>
/// <param name="ByteFallback"><c>&lt;0xNN&gt;</c> pieces decode to their byte.</param>
/// <param name="StripsLeadingSpace">One leading space is removed from the decoded text (Metaspace, or Strip of one space at the start).</param>
internal readonly record struct DecoderInfo(bool ByteLevel, bool ByteFallback, bool StripsLeadingSpace)
{
    /// <summary>Reads the <c>decoder</c> entry (recursing into <c>Sequence</c>).</summary>
    public static DecoderInfo Read(JsonElement root)
    {
        var info = default(DecoderInfo);
        if (root.TryGetObject("decoder", out var decoder))
        {
            Visit(decoder, ref info);
        }
        return info;
    }

    private static void Visit(JsonElement d, ref DecoderInfo info)
    {
        switch (d.GetStringOrNull("type"))
        {
            case "Sequence":
                foreach (var child in d.GetArrayOrEmpty("decoders"))
                {
                    Visit(child, ref info);
                }
                break;
            case "ByteLevel":
                info = info with { ByteLevel = true };
                break;
            case "ByteFallback":
                info = info with { ByteFallback = true };
                break;
            case "Metaspace":
                string scheme = d.GetStringOrNull("prepend_scheme") ?? (d.GetBool("add_prefix_space", true) ? "always" : "never");
                info = info with { StripsLeadingSpace = scheme != "never" };
                break;
            case "Strip":
                bool space = d.GetStringOrNull("content") == " ";
                bool start = d.TryGetProperty("start", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() > 0;
                info = info with { StripsLeadingSpace = info.StripsLeadingSpace || (space && start) };
                break;
        }
    }
}
