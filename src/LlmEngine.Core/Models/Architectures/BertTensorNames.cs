using System.Globalization;

namespace LlmEngine.Models.Architectures;

/// <summary>
/// Maps Transformers <c>BertModel</c> tensor names (<c>encoder.layer.3.attention.self.query.weight</c>) to llama.cpp's
/// GGUF <c>bert</c> names (<c>blk.3.attn_q.weight</c>) and back. Checkpoints of the task classes carry a <c>bert.</c>
/// prefix, which is accepted; the pooler and task heads have no GGUF counterpart.
/// </summary>
internal static class BertTensorNames
{
    private const string TaskModelPrefix = "bert.";
    private const string HfLayerPrefix = "encoder.layer.";
    private const string GgufLayerPrefix = "blk.";

    private static readonly (string HuggingFace, string Gguf)[] s_global =
    [
        ("embeddings.word_embeddings.weight", "token_embd.weight"),
        ("embeddings.position_embeddings.weight", "position_embd.weight"),
        ("embeddings.token_type_embeddings.weight", "token_types.weight"),
        ("embeddings.LayerNorm.weight", "token_embd_norm.weight"),
        ("embeddings.LayerNorm.bias", "token_embd_norm.bias"),
    ];

    private static readonly (string HuggingFace, string Gguf)[] s_layer =
    [
        ("attention.self.query.weight", "attn_q.weight"),
        ("attention.self.query.bias", "attn_q.bias"),
        ("attention.self.key.weight", "attn_k.weight"),
        ("attention.self.key.bias", "attn_k.bias"),
        ("attention.self.value.weight", "attn_v.weight"),
        ("attention.self.value.bias", "attn_v.bias"),
        ("attention.output.dense.weight", "attn_output.weight"),
        ("attention.output.dense.bias", "attn_output.bias"),
        ("attention.output.LayerNorm.weight", "attn_output_norm.weight"),
        ("attention.output.LayerNorm.bias", "attn_output_norm.bias"),
        ("intermediate.dense.weight", "ffn_up.weight"),
        ("intermediate.dense.bias", "ffn_up.bias"),
        ("output.dense.weight", "ffn_down.weight"),
        ("output.dense.bias", "ffn_down.bias"),
        ("output.LayerNorm.weight", "layer_output_norm.weight"),
        ("output.LayerNorm.bias", "layer_output_norm.bias"),
    ];

    /// <summary>The GGUF name of a <c>BertModel</c> tensor, or null for one the encoder does not use (pooler, <c>position_ids</c>, heads).</summary>
    public static string? ToGguf(string huggingFaceName)
    {
        ArgumentNullException.ThrowIfNull(huggingFaceName);
        var name = huggingFaceName.StartsWith(TaskModelPrefix, StringComparison.Ordinal) ? huggingFaceName[TaskModelPrefix.Length..] : huggingFaceName;
        foreach (var (hf, gguf) in s_global)
        {
            if (hf == name)
            {
                return gguf;
            }
        }
        if (!TrySplitLayer(name, HfLayerPrefix, out var layer, out var suffix))
        {
            return null;
        }
        foreach (var (hf, gguf) in s_layer)
        {
            if (hf == suffix)
            {
                return GgufLayerPrefix + layer.ToString(CultureInfo.InvariantCulture) + "." + gguf;
            }
        }
        return null;
    }

    /// <summary>The <c>BertModel</c> name of a GGUF <c>bert</c> tensor, or null when it has none.</summary>
    public static string? ToHuggingFace(string ggufName)
    {
        ArgumentNullException.ThrowIfNull(ggufName);
        foreach (var (hf, gguf) in s_global)
        {
            if (gguf == ggufName)
            {
                return hf;
            }
        }
        if (!TrySplitLayer(ggufName, GgufLayerPrefix, out var layer, out var suffix))
        {
            return null;
        }
        foreach (var (hf, gguf) in s_layer)
        {
            if (gguf == suffix)
            {
                return HfLayerPrefix + layer.ToString(CultureInfo.InvariantCulture) + "." + hf;
            }
        }
        return null;
    }

    private static bool TrySplitLayer(string name, string prefix, out int layer, out string suffix)
    {
        layer = -1;
        suffix = "";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var dot = name.IndexOf('.', prefix.Length);
        if (dot < 0)
        {
            return false;
        }
        var digits = name.AsSpan(prefix.Length, dot - prefix.Length);
        // Only canonical numbers ("7", not "07"), so two names never map onto one.
        if (digits.Length is 0 or > 9 || (digits.Length > 1 && digits[0] == '0')
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out layer))
        {
            layer = -1;
            return false;
        }
        suffix = name[(dot + 1)..];
        return true;
    }
}
