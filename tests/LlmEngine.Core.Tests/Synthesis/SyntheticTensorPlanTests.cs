using LlmEngine.Models;
using LlmEngine.Models.Synthesis;
using NUnit.Framework;

namespace LlmEngine.Tests.Synthesis;

public class SyntheticTensorPlanTests
{
    [Test]
    public void UseMoreBits_MatchesLlamaCppFor16Layers()
    {
        var picked = Enumerable.Range(0, 16).Where(i => SyntheticTensorPlan.UseMoreBits(i, 16));
        Assert.That(picked, Is.EqualTo(new[] { 0, 1, 4, 7, 10, 13, 14, 15 }));
    }

    [Test]
    public void Llama3_2_1B_Q4KM_HasLlamaQuantizesMix()
    {
        var plan = SyntheticTensorPlan.Create(SyntheticModelSpec.Llama3_2_1B, GgmlType.Q4_K, 102400);
        var q6 = plan.Where(t => t.Type == GgmlType.Q6_K).Select(t => t.Name).ToList();
        // The tied embedding plus attn_v and ffn_down on the 8 use_more_bits layers.
        Assert.That(q6, Has.Count.EqualTo(17));
        Assert.That(q6, Does.Contain("token_embd.weight").And.Contain("blk.15.ffn_down.weight").And.Contain("blk.4.attn_v.weight"));
        Assert.That(plan.Count(t => t.Type == GgmlType.Q4_K), Is.EqualTo(16 * 7 - 16));
        Assert.That(plan.Where(t => t.Shape.Length == 1).Select(t => t.Type), Is.All.EqualTo(GgmlType.F32));
        Assert.That(plan[0].Name, Is.EqualTo("rope_freqs.weight"));
        Assert.That(plan.Sum(t => t.ElementCount), Is.EqualTo(1_235_814_432L + 102400L * 2048 - 128256L * 2048),
            "Llama-3.2-1B's parameter count with the 102,400-token vocabulary instead of 128,256");
    }

    [Test]
    public void SmolLM2_Q4_0_PutsTheTiedEmbeddingInQ6KsFallbackQ8_0()
    {
        // 576-element rows cannot hold a 256-element k-quant block, so llama-quantize's Q6_K becomes Q8_0.
        var plan = SyntheticModelSpec.SmolLM2_135M;
        var tensors = SyntheticTensorPlan.Create(plan, GgmlType.Q4_0, 50257);
        Assert.That(tensors.Single(t => t.Name == "token_embd.weight").Type, Is.EqualTo(GgmlType.Q8_0));
        Assert.That(tensors.Where(t => t.Shape.Length == 2 && t.Name != "token_embd.weight").Select(t => t.Type), Is.All.EqualTo(GgmlType.Q4_0));
        Assert.That(tensors.Count, Is.EqualTo(1 + 30 * 9 + 1));
    }
}
