using LlmEngine.Execution;

namespace LlmEngine.Tests.Chat.Fakes;

/// <summary>
/// An executor that plays a scripted assistant: for each logits row it reads the sequence back from its paged
/// "KV cache" (token per slot, through the block table), splits it at the last generation marker into prompt and
/// answer so far, asks <see cref="Respond"/> for the full answer to that prompt, and puts all probability on the
/// answer's next token (then on the end-of-turn token). Purely a function of the context, so concurrent requests
/// batch and prefix caching works as with a real model.
/// </summary>
internal sealed class ScriptedChatExecutor : IModelExecutor
{
    private readonly ChatTestTokenizer _tokenizer;
    private readonly int[][] _markers;
    private readonly int _endOfTurn;
    private readonly int[] _slots;

    /// <param name="tokenizer">The tokenizer the engine uses.</param>
    /// <param name="respond">The whole answer (markers included) for a prompt's text.</param>
    /// <param name="endOfTurn">The token that ends each answer.</param>
    /// <param name="generationMarkers">Texts that end a prompt (the template's generation prompt); the last one found splits the sequence.</param>
    public ScriptedChatExecutor(ChatTestTokenizer tokenizer, Func<string, string> respond, string endOfTurn, params string[] generationMarkers)
    {
        _tokenizer = tokenizer;
        Respond = respond;
        _endOfTurn = tokenizer.Id(endOfTurn);
        _markers = [.. generationMarkers.Select(m => tokenizer.Encode(m, addSpecialTokens: false))];
        _slots = new int[NumBlocks * BlockSize];
        Array.Fill(_slots, -1);
    }

    public Func<string, string> Respond { get; }

    public int VocabularySize => _tokenizer.VocabularySize;

    public int BlockSize => 16;

    public int NumBlocks => 512;

    /// <summary>Every prompt text the executor saw (one per answer started), in order.</summary>
    public List<string> Prompts { get; } = [];

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
        var promptLength = PromptLength(context);
        var prompt = _tokenizer.Decode(context.AsSpan(0, promptLength));
        if (promptLength == context.Length)
        {
            lock (Prompts)
            {
                Prompts.Add(prompt);
            }
        }
        var answer = _tokenizer.Encode(Respond(prompt), addSpecialTokens: false);
        var generated = context.AsSpan(promptLength);
        if (!answer.AsSpan().StartsWith(generated))
        {
            throw new InvalidOperationException($"The sequence left the script: generated {_tokenizer.Decode(generated)} for {prompt}");
        }
        return generated.Length < answer.Length ? answer[generated.Length] : _endOfTurn;
    }

    private int PromptLength(int[] context)
    {
        var best = -1;
        foreach (var marker in _markers)
        {
            var at = context.AsSpan().LastIndexOf(marker);
            if (at >= 0)
            {
                best = Math.Max(best, at + marker.Length);
            }
        }
        if (best < 0)
        {
            throw new InvalidOperationException($"No generation marker in the context: {_tokenizer.Decode(context)}");
        }
        return best;
    }
}
