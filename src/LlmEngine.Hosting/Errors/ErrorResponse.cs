namespace LlmEngine.Hosting.Errors;

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal sealed class ErrorResponse
{
    public required ErrorBody Error { get; init; }
}

/// <summary>The inner object of <see cref="ErrorResponse"/>; <c>param</c> and <c>code</c> are written as null when absent, as OpenAI does.</summary>
internal sealed class ErrorBody
{
    public required string Message { get; init; }

    public required string Type { get; init; }

    public string? Param { get; init; }

    public string? Code { get; init; }
}
