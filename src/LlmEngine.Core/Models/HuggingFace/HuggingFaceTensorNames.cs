using System.Globalization;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Maps Transformers tensor names (<c>model.layers.3.self_attn.q_proj.weight</c>) to GGUF names
/// (<c>blk.3.attn_q.weight</c>) and back, so the engine reads either format through one set of names.
/// </summary>
public static class HuggingFaceTensorNames
{
    private const string HfLayerPrefix = "model.layers.";
    private const string GgufLayerPrefix = "blk.";

    private static readonly (string HuggingFace, string Gguf)[] s_global =
    [
        ("model.embed_tokens.weight", "token_embd.weight"),
        ("model.norm.weight", "output_norm.weight"),
        ("lm_head.weight", "output.weight"),
    ];

    private static readonly (string HuggingFace, string Gguf)[] s_layer =
    [
        ("input_layernorm.weight", "attn_norm.weight"),
        ("self_attn.q_proj.weight", "attn_q.weight"),
        ("self_attn.q_proj.bias", "attn_q.bias"),
        ("self_attn.k_proj.weight", "attn_k.weight"),
        ("self_attn.k_proj.bias", "attn_k.bias"),
        ("self_attn.v_proj.weight", "attn_v.weight"),
        ("self_attn.v_proj.bias", "attn_v.bias"),
        ("self_attn.o_proj.weight", "attn_output.weight"),
        ("self_attn.o_proj.bias", "attn_output.bias"),
        ("self_attn.q_norm.weight", "attn_q_norm.weight"),
        ("self_attn.k_norm.weight", "attn_k_norm.weight"),
        ("self_attn.qkv_proj.weight", "attn_qkv.weight"),
        ("self_attn.qkv_proj.bias", "attn_qkv.bias"),
        ("post_attention_layernorm.weight", "ffn_norm.weight"),
        ("mlp.gate_proj.weight", "ffn_gate.weight"),
        ("mlp.up_proj.weight", "ffn_up.weight"),
        ("mlp.down_proj.weight", "ffn_down.weight"),
        // Phi-3 fuses gate and up (gate rows first), which is also what GGUF's phi3 ffn_up holds.
        ("mlp.gate_up_proj.weight", "ffn_up.weight"),
    ];

    /// <summary>The GGUF name of a Transformers tensor, or null for a tensor the engine does not use.</summary>
    public static string? ToGguf(string huggingFaceName)
    {
        ArgumentNullException.ThrowIfNull(huggingFaceName);
        foreach (var (hf, gguf) in s_global)
        {
            if (hf == huggingFaceName)
            {
                return gguf;
            }
        }
        if (!TrySplitLayer(huggingFaceName, HfLayerPrefix, out var layer, out var suffix))
        {
            return null;
        }
        foreach (var (hf, gguf) in s_layer)
        {
            if (hf == suffix)
            {
                return GgufLayerPrefix + layer + "." + gguf;
            }
        }
        return null;
    }

    /// <summary>
    /// The Transformers name of a GGUF tensor for <paramref name="architecture"/> (which decides whether
    /// <c>ffn_up</c> is phi3's fused gate-up), or null for a GGUF-only tensor such as <c>rope_freqs.weight</c>.
    /// </summary>
    public static string? ToHuggingFace(string ggufName, string architecture)
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
        if (suffix == "ffn_up.weight" && architecture == "phi3")
        {
            return HfLayerPrefix + layer + ".mlp.gate_up_proj.weight";
        }
        foreach (var (hf, gguf) in s_layer)
        {
            if (gguf == suffix)
            {
                return HfLayerPrefix + layer + "." + hf;
            }
        }
        return null;
    }

    /// <summary>The layer index of a GGUF block tensor (<c>blk.N.*</c>), or -1.</summary>
    public static int GgufLayerIndex(string ggufName) =>
        TrySplitLayer(ggufName, GgufLayerPrefix, out var layer, out _) ? layer : -1;

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
        // Only canonical numbers ("7", not "07" or "+7"), so two names can never map onto one.
        if (digits.Length is 0 or > 9 || (digits.Length > 1 && digits[0] == '0') || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out layer))
        {
            layer = -1;
            return false;
        }
        suffix = name[(dot + 1)..];
        return true;
    }
}
