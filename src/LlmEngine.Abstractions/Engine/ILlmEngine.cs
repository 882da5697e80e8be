using System.Threading.Channels;
using LlmEngine.Tokenization;

namespace LlmEngine;

/// <summary>
/// A continuous-batching inference engine: requests from any thread join the running batch at the next step and
/// stream their outputs back. Bad requests are rejected here, before they reach the engine loop, with an
/// <see cref="ArgumentException"/> naming the parameter.
/// </summary>
public interface ILlmEngine : IAsyncDisposable, IDisposable
{
    /// <summary>The model's tokenizer.</summary>
    ITokenizer Tokenizer { get; }

    /// <summary>The longest sequence (prompt plus output) a request may reach.</summary>
    int MaxModelLength { get; }

    /// <summary>
    /// Adds a request and returns the reader of its outputs; the stream completes after the output with
    /// <see cref="RequestOutput.Finished"/>, or with an <see cref="LlmEngineRequestException"/> if the request fails.
    /// Lower <paramref name="priority"/> values go first under <see cref="SchedulingPolicy.Priority"/>.
    /// </summary>
    /// <exception cref="PromptTooLongException">The prompt has at least <see cref="MaxModelLength"/> tokens.</exception>
    /// <exception cref="ArgumentException">A parameter is out of range, the prompt is empty, or the id is already in use.</exception>
    ChannelReader<RequestOutput> AddRequest(string requestId, IReadOnlyList<int> promptTokenIds, SamplingParameters? parameters = null, int priority = 0);

    /// <summary>Tokenizes <paramref name="prompt"/> (adding BOS as the tokenizer says) and adds it as <see cref="AddRequest(string, IReadOnlyList{int}, SamplingParameters?, int)"/> does.</summary>
    ChannelReader<RequestOutput> AddRequest(string requestId, string prompt, SamplingParameters? parameters = null, int priority = 0);

    /// <summary>
    /// Generates from token ids and streams the outputs. Cancelling <paramref name="cancellationToken"/>, or leaving the
    /// enumeration early, aborts the request and frees its KV blocks.
    /// </summary>
    IAsyncEnumerable<RequestOutput> GenerateAsync(IReadOnlyList<int> promptTokenIds, SamplingParameters? parameters = null, string? requestId = null, CancellationToken cancellationToken = default);

    /// <summary>Generates from text (tokenized with BOS as the tokenizer says); otherwise as the token-id overload.</summary>
    IAsyncEnumerable<RequestOutput> GenerateAsync(string prompt, SamplingParameters? parameters = null, string? requestId = null, CancellationToken cancellationToken = default);

    /// <summary>Aborts a request: its stream ends with <see cref="FinishReason.Abort"/> and its blocks are freed. Unknown ids are ignored.</summary>
    void Abort(string requestId);

    /// <summary>The latest statistics snapshot.</summary>
    EngineStatistics GetStatistics();
}
