using LlmEngine.Models.HuggingFace;
using NUnit.Framework;

namespace LlmEngine.Tests.HuggingFace;

public class LlamaRopePermutationTests
{
    [Test]
    public void Permute_InterleavesTheHalvesOfEachHead()
    {
        // Two heads of four rows, one element per row: rotate-half pairs (0,2),(1,3) become adjacent.
        int[] hf = [10, 11, 12, 13, 20, 21, 22, 23];
        var gguf = new int[8];
        LlamaRopePermutation.Permute<int>(hf, gguf, rowLength: 1, headCount: 2);
        Assert.That(gguf, Is.EqualTo(new[] { 10, 12, 11, 13, 20, 22, 21, 23 }));

        var back = new int[8];
        LlamaRopePermutation.Unpermute<int>(gguf, back, rowLength: 1, headCount: 2);
        Assert.That(back, Is.EqualTo(hf));
    }

    [Test]
    public void Permute_MovesWholeRows()
    {
        // One head of four rows of two: rows 0,1,2,3 -> 0,2,1,3.
        float[] hf = [0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f];
        var gguf = new float[8];
        LlamaRopePermutation.Permute<float>(hf, gguf, rowLength: 2, headCount: 1);
        Assert.That(gguf, Is.EqualTo(new[] { 0, 0.5f, 2, 2.5f, 1, 1.5f, 3, 3.5f }));
    }

    [Test]
    public void UnpermuteInvertsPermute_ForManyShapes()
    {
        var random = new Random(7);
        foreach (var (rowLength, heads, headDim) in new[] { (3, 1, 2), (5, 4, 8), (1, 3, 6), (16, 2, 64) })
        {
            var source = new float[rowLength * heads * headDim];
            for (var i = 0; i < source.Length; i++)
            {
                source[i] = random.NextSingle();
            }
            var permuted = new float[source.Length];
            var restored = new float[source.Length];
            LlamaRopePermutation.Permute<float>(source, permuted, rowLength, heads);
            LlamaRopePermutation.Unpermute<float>(permuted, restored, rowLength, heads);
            Assert.That(restored, Is.EqualTo(source), $"rows of {rowLength}, {heads} heads of {headDim}");
            if (headDim > 2)
            {
                Assert.That(permuted, Is.Not.EqualTo(source));
            }
        }
    }

    [Test]
    public void InvalidArguments_Throw()
    {
        var six = new float[6];
        Assert.Throws<ArgumentException>(() => LlamaRopePermutation.Permute<float>(six, new float[6], 1, 2), "heads of 3 rows are odd");
        Assert.Throws<ArgumentException>(() => LlamaRopePermutation.Permute<float>(six, new float[4], 1, 1), "length mismatch");
        Assert.Throws<ArgumentException>(() => LlamaRopePermutation.Permute<float>(six, new float[6], 4, 1), "not whole rows");
        Assert.Throws<ArgumentException>(() => LlamaRopePermutation.Permute<float>(six, six, 1, 3), "in place");
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaRopePermutation.Permute<float>(six, new float[6], 1, 0));
    }
}
