using System.Text.Json;
using LlmEngine.Hosting.Errors;
using LlmEngine.Tokenization;

namespace LlmEngine.Hosting.Completions;

/// <summary>One prompt of a completions request: its token ids, and its text for <c>echo</c>.</summary>
/// <param name="TokenIds">The prompt's token ids.</param>
/// <param name="Text">The prompt as text (decoded when it was given as token ids).</param>
internal sealed record Prompt(int[] TokenIds, string Text);

/// <summary>
/// Reads <c>prompt</c> / <c>input</c> in the four shapes OpenAI accepts: a string, an array of strings, an array of
/// token ids, or an array of arrays of token ids. Strings are tokenized as vLLM does (BOS added when the tokenizer
/// adds it, special-token texts parsed).
/// </summary>
internal static class PromptReader
{
    /// <summary>The most prompts one request may batch.</summary>
    public const int MaxPrompts = 256;

    public static List<Prompt> Read(JsonElement prompt, ITokenizer tokenizer, bool addSpecialTokens, string field)
    {
        var result = new List<Prompt>();
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                result.Add(FromText(prompt.GetString()!, tokenizer, addSpecialTokens));
                break;
            case JsonValueKind.Array:
                var length = prompt.GetArrayLength();
                if (length == 0)
                {
                    throw OpenAiException.BadRequest($"'{field}' is an empty array; send a string, strings, or token ids.", field);
                }
                var first = prompt[0];
                if (first.ValueKind == JsonValueKind.Number)
                {
                    result.Add(FromIds(prompt, tokenizer, field));
                    break;
                }
                if (length > MaxPrompts)
                {
                    throw OpenAiException.BadRequest($"'{field}' has {length} prompts; at most {MaxPrompts} may be sent at once.", field);
                }
                var i = 0;
                foreach (var item in prompt.EnumerateArray())
                {
                    var itemField = $"{field}[{i++}]";
                    if (item.ValueKind != first.ValueKind)
                    {
                        throw Shape(field);
                    }
                    result.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => FromText(item.GetString()!, tokenizer, addSpecialTokens),
                        JsonValueKind.Array when item.GetArrayLength() > 0 => FromIds(item, tokenizer, itemField),
                        JsonValueKind.Array => throw OpenAiException.BadRequest($"'{itemField}' is an empty array of token ids.", itemField),
                        _ => throw Shape(field),
                    });
                }
                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw OpenAiException.BadRequest($"'{field}' is required.", field);
            default:
                throw Shape(field);
        }
        return result;
    }

    private static Prompt FromText(string text, ITokenizer tokenizer, bool addSpecialTokens) =>
        new(tokenizer.Encode(text, addSpecialTokens, parseSpecialTokens: true), text);

    private static Prompt FromIds(JsonElement ids, ITokenizer tokenizer, string field)
    {
        var result = new int[ids.GetArrayLength()];
        var i = 0;
        foreach (var id in ids.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out var value))
            {
                throw OpenAiException.BadRequest($"'{field}[{i}]' must be a token id (an integer).", $"{field}[{i}]");
            }
            if (value < 0 || value >= tokenizer.VocabularySize)
            {
                throw OpenAiException.BadRequest($"'{field}[{i}]' is token id {value}, outside the vocabulary [0, {tokenizer.VocabularySize}).", $"{field}[{i}]");
            }
            result[i++] = value;
        }
        return new Prompt(result, tokenizer.Decode(result));
    }

    private static OpenAiException Shape(string field) =>
        OpenAiException.BadRequest($"'{field}' must be a string, an array of strings, an array of token ids, or an array of arrays of token ids.", field);
}
