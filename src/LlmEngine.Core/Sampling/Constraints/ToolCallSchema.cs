namespace LlmEngine.Sampling.Constraints;

/// <summary>A tool a <see cref="ToolCallConstraint"/> lets the model call.</summary>
/// <param name="Name">The function name the call must carry.</param>
/// <param name="ParametersSchema">The JSON schema of its arguments object, as JSON text; null for any JSON object.</param>
public sealed record ToolCallSchema(string Name, string? ParametersSchema);
