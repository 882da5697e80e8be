using System.Text.Json;

namespace LlmEngine.Chat.Mapping;

/// <summary>What a request asks the output to conform to, for the constrained-decoding seam.</summary>
internal enum ResponseConstraintKind
{
    /// <summary>Any JSON value (<see cref="Microsoft.Extensions.AI.ChatResponseFormat.Json"/>).</summary>
    Json,

    /// <summary>JSON matching <see cref="ResponseConstraint.Schema"/>.</summary>
    JsonSchema,

    /// <summary>At least one tool call (<see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/>), or a call to <see cref="ResponseConstraint.Name"/>.</summary>
    ToolCall,
}

/// <summary>
/// A structured-output request taken from <see cref="Microsoft.Extensions.AI.ChatOptions.ResponseFormat"/> or a
/// required <see cref="Microsoft.Extensions.AI.ChatOptions.ToolMode"/>: the spec the sampler's constraints will
/// enforce. Kept as plain data so the constraint engine can be wired without changing the chat mapping.
/// </summary>
/// <param name="Kind">What kind of output is required.</param>
/// <param name="Schema">The JSON schema, for <see cref="ResponseConstraintKind.JsonSchema"/>.</param>
/// <param name="Name">The schema's name, or the required function's name for <see cref="ResponseConstraintKind.ToolCall"/>.</param>
internal sealed record ResponseConstraint(ResponseConstraintKind Kind, JsonElement? Schema, string? Name);
