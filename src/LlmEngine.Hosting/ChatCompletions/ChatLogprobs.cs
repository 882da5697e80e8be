namespace LlmEngine.Hosting.ChatCompletions;

/// <summary>A chat choice's <c>logprobs</c>: <c>{"content": [{"token", "logprob", "bytes", "top_logprobs"}]}</c>.</summary>
internal sealed class ChatLogprobs
{
    public required List<ChatTokenLogprob> Content { get; init; }
}

/// <summary>One generated token's log-probability and the most likely alternatives.</summary>
internal sealed class ChatTokenLogprob
{
    public required string Token { get; init; }

    public required float Logprob { get; init; }

    public required int[] Bytes { get; init; }

    public required List<ChatTopLogprob> TopLogprobs { get; init; }
}

/// <summary>One of <see cref="ChatTokenLogprob.TopLogprobs"/>.</summary>
internal sealed class ChatTopLogprob
{
    public required string Token { get; init; }

    public required float Logprob { get; init; }

    public required int[] Bytes { get; init; }
}
