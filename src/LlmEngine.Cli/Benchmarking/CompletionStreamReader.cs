using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace LlmEngine.Cli.Benchmarking;

/// <summary>
/// Reads an OpenAI <c>/v1/completions</c> event stream (<c>data: {json}</c> events ending with <c>data: [DONE]</c>),
/// stamping each chunk that carries text with its arrival time.
/// </summary>
internal static class CompletionStreamReader
{
    /// <summary>The sentinel event that ends an OpenAI stream.</summary>
    public const string DoneSentinel = "[DONE]";

    /// <summary>Reads <paramref name="stream"/> to its end; times are read from <paramref name="clock"/>, started when the request was sent.</summary>
    public static async Task<StreamedCompletion> ReadAsync(Stream stream, Stopwatch clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(clock);
        var chunkTimes = new List<double>();
        int? usagePrompt = null;
        int? usageCompletion = null;
        string? error = null;
        var done = false;
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var arrival = clock.Elapsed.TotalSeconds;
            if (item.Data == DoneSentinel)
            {
                done = true;
                break;
            }
            using var document = JsonDocument.Parse(item.Data);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var errorElement))
            {
                error = errorElement.ValueKind == JsonValueKind.Object && errorElement.TryGetProperty("message", out var message)
                    ? message.GetString()
                    : errorElement.ToString();
                error ??= "the server reported an error";
                continue;
            }
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
                    {
                        chunkTimes.Add(arrival);
                        break;
                    }
                }
            }
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var promptTokens))
                {
                    usagePrompt = promptTokens;
                }
                if (usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var completionTokens))
                {
                    usageCompletion = completionTokens;
                }
            }
        }
        if (error is null && !done)
        {
            error = "the stream ended without [DONE]";
        }
        return new StreamedCompletion(chunkTimes, clock.Elapsed.TotalSeconds, usagePrompt ?? 0, usageCompletion ?? chunkTimes.Count, error);
    }
}
