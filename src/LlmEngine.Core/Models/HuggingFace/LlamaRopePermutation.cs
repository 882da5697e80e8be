namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// The row permutation llama.cpp's <c>convert_hf_to_gguf.py</c> applies to the Q and K projections of <c>llama</c>
/// models: within each head, Hugging Face's rotate-half order (first half, then second half of the rotary pairs)
/// becomes interleaved order (pair members adjacent), which ggml's "normal" rope expects. Row <c>2i + p</c> of a head
/// in GGUF is row <c>p * headDim / 2 + i</c> of that head in Hugging Face.
/// </summary>
public static class LlamaRopePermutation
{
    /// <summary>
    /// Hugging Face order to GGUF order: reorders the rows (<paramref name="rowLength"/> elements each) of a Q or K
    /// weight or bias split into <paramref name="headCount"/> heads (query heads for Q, key/value heads for K).
    /// </summary>
    public static void Permute<T>(ReadOnlySpan<T> source, Span<T> destination, int rowLength, int headCount)
        where T : unmanaged => Reorder(source, destination, rowLength, headCount, toGguf: true);

    /// <summary>GGUF order back to Hugging Face order: the inverse of <see cref="Permute"/>.</summary>
    public static void Unpermute<T>(ReadOnlySpan<T> source, Span<T> destination, int rowLength, int headCount)
        where T : unmanaged => Reorder(source, destination, rowLength, headCount, toGguf: false);

    private static void Reorder<T>(ReadOnlySpan<T> source, Span<T> destination, int rowLength, int headCount, bool toGguf)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headCount, 1);
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"Source has {source.Length} elements but destination {destination.Length}.", nameof(destination));
        }
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("Source and destination must not overlap.", nameof(destination));
        }
        if (source.Length % rowLength != 0)
        {
            throw new ArgumentException($"{source.Length} elements are not whole rows of {rowLength}.", nameof(source));
        }
        var rows = source.Length / rowLength;
        if (rows % headCount != 0 || rows / headCount % 2 != 0)
        {
            throw new ArgumentException($"{rows} rows do not split into {headCount} heads of an even size.", nameof(headCount));
        }
        var headDim = rows / headCount;
        var half = headDim / 2;
        for (var h = 0; h < headCount; h++)
        {
            var head = h * headDim;
            for (var i = 0; i < half; i++)
            {
                for (var p = 0; p < 2; p++)
                {
                    var gguf = head + 2 * i + p;
                    var hf = head + p * half + i;
                    var (from, to) = toGguf ? (hf, gguf) : (gguf, hf);
                    source.Slice(from * rowLength, rowLength).CopyTo(destination.Slice(to * rowLength, rowLength));
                }
            }
        }
    }
}
