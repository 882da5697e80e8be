namespace LlmEngine.Tokenization;

/// <summary>
/// llama.cpp's end-of-generation rules: the well-known end-of-turn token texts, and the resulting id set (EOS, EOT,
/// EOM, FIM pad/repo/separator and every token with one of those texts), with its two model-family exceptions.
/// </summary>
internal static class EndOfGeneration
{
    /// <summary>Texts llama.cpp treats as end-of-turn (EOT) when the file names none.</summary>
    public static readonly string[] EndOfTurnTexts =
    [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]",
        "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ];

    /// <summary>Every text llama.cpp treats as ending generation.</summary>
    public static readonly string[] Texts =
    [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>",
        "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
        "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ];

    /// <summary>
    /// Collects the end-of-generation ids of <paramref name="vocabulary"/> and marks them as control tokens, as llama.cpp
    /// does for tokens whose text says so.
    /// </summary>
    public static int[] Collect(Vocabulary vocabulary, IEnumerable<int?> declared)
    {
        var ids = new SortedSet<int>();
        foreach (int? id in declared)
        {
            if (id is int value && vocabulary.Contains(value))
            {
                ids.Add(value);
            }
        }
        foreach (string text in Texts)
        {
            if (vocabulary.FindOrNull(text) is int id)
            {
                ids.Add(id);
                vocabulary.Attributes[id] |= TokenAttributes.Control;
            }
        }
        // gpt-oss and solar-open end a message with <|end|> but keep generating: there it is not end-of-generation.
        if (Has(vocabulary, ids, "<|end|>", out int end)
            && ((Has(vocabulary, ids, "<|return|>", out _) || Has(vocabulary, ids, "<|flush|>", out _))
                && (Has(vocabulary, ids, "<|call|>", out _) || Has(vocabulary, ids, "<|calls|>", out _))))
        {
            ids.Remove(end);
            vocabulary.Attributes[end] = TokenAttributes.UserDefined;
        }
        // Gemma 4 uses </s> as ordinary text.
        if (Has(vocabulary, ids, "<|tool_response>", out _) && Has(vocabulary, ids, "</s>", out int s))
        {
            ids.Remove(s);
            vocabulary.Attributes[s] = TokenAttributes.Normal;
        }
        return [.. ids];
    }

    private static bool Has(Vocabulary vocabulary, SortedSet<int> ids, string text, out int id)
    {
        id = vocabulary.FindOrNull(text) ?? -1;
        return id >= 0 && ids.Contains(id);
    }
}
