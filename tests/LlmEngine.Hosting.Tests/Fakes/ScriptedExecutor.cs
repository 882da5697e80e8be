using System.Collections.Concurrent;
using LlmEngine.Execution;

namespace LlmEngine.Hosting.Tests.Fakes;

/// <summary>
/// An executor that plays a scripted assistant: each logits row's sequence is read back from the paged "KV cache"
/// (one token per slot, through the block table), split at the last <c>&lt;|im_start|&gt;assistant\n</c> into prompt
/// and answer so far, and all probability goes to the scripted answer's next token, then to <c>&lt;|im_end|&gt;</c>.
/// A pure function of the context, so batching, prefix caching and preemption behave as with a real model.
/// </summary>
internal sealed class ScriptedExecutor : IModelExecutor
{
    private readonly ByteTokenizer _tokenizer;
    private readonly Func<string, string> _respond;
    private readonly int[] _marker;
    private readonly int[] _slots;
    private readonly ConcurrentDictionary<string, int[]> _answers = new(StringComparer.Ordinal);

    public ScriptedExecutor(ByteTokenizer tokenizer, Func<string, string> respond, int numBlocks = 512)
    {
        _tokenizer = tokenizer;
        _respond = respond;
        NumBlocks = numBlocks;
        _marker = tokenizer.Encode("<|im_start|>assistant\n", addSpecialTokens: false);
        _slots = new int[numBlocks * BlockSize];
    }

    public int VocabularySize => _tokenizer.VocabularySize;

    public int BlockSize => 16;

    public int NumBlocks { get; }

    public void Execute(ForwardBatch batch, Span<float> logits)
    {
        for (var t = 0; t < batch.NumTokens; t++)
        {
            _slots[batch.SlotMapping[t]] = batch.TokenIds[t];
        }
        logits[..(batch.NumLogits * VocabularySize)].Fill(0f);
        for (var row = 0; row < batch.NumLogits; row++)
        {
            var t = batch.LogitsIndices[row];
            var s = 0;
            while (t >= batch.QueryStart[s + 1])
            {
                s++;
            }
            var length = batch.Positions[t] + 1;
            var table = batch.BlockTables[s].Span;
            var context = new int[length];
            for (var p = 0; p < length; p++)
            {
                context[p] = _slots[table[p / BlockSize] * BlockSize + p % BlockSize];
            }
            logits[row * VocabularySize + NextToken(context)] = 100f;
        }
    }

    public void Dispose()
    {
    }

    private int NextToken(int[] context)
    {
        var at = context.AsSpan().LastIndexOf(_marker);
        var promptLength = at < 0 ? context.Length : at + _marker.Length;
        var prompt = _tokenizer.Decode(context.AsSpan(0, promptLength));
        var answer = _answers.GetOrAdd(prompt, p => _tokenizer.Encode(_respond(p), addSpecialTokens: false));
        var generated = context.Length - promptLength;
        return at >= 0 && generated < answer.Length ? answer[generated] : ByteTokenizer.Id("<|im_end|>");
    }
}
