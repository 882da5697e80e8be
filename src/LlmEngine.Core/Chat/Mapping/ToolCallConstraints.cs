using System.Text.Json.Nodes;
using LlmEngine.Sampling.Constraints;

namespace LlmEngine.Chat.Mapping;

/// <summary>
/// The <see cref="ToolCallConstraint"/> for a chat call's tools and tool mode: with a required or named tool the whole
/// output is calls in the template's syntax with schema-valid arguments; with <c>auto</c> the model may answer in
/// text and, once it writes the call marker, the rest is calls.
/// </summary>
internal static class ToolCallConstraints
{
    /// <summary>
    /// JSON whitespace in calls: one character at each place JSON allows it, which admits the
    /// <c>{"name": "f", "arguments": {"x": 1}}</c> spacing and the new lines templates put around calls.
    /// </summary>
    private static readonly ConstraintOptions s_options = new() { MaxWhitespace = 1 };

    /// <summary>
    /// The constraint, compiled once here so a schema it cannot handle is found before the engine sees the request;
    /// null for <c>auto</c> when a tool's schema cannot be compiled (auto calls were never promised to be constrained).
    /// </summary>
    /// <exception cref="ArgumentException">A required call whose tool schemas cannot be compiled; the message names the tool.</exception>
    public static ToolCallConstraint? Create(JsonArray templateTools, ToolCallFormat format, bool required, string? requiredName, bool allowParallelCalls)
    {
        var tools = new List<ToolCallSchema>();
        foreach (var node in templateTools)
        {
            var function = node!["function"]!;
            var name = (string)function["name"]!;
            if (requiredName is null || name == requiredName)
            {
                tools.Add(new ToolCallSchema(name, function["parameters"]?.ToJsonString()));
            }
        }
        var spec = new ToolCallConstraint(format, tools)
        {
            Required = required,
            AllowParallelCalls = allowParallelCalls,
            Options = s_options,
        };
        try
        {
            ConstraintCompiler.Shared.Compile(spec);
            return spec;
        }
        catch (ConstraintException) when (!required)
        {
            return null;
        }
        catch (ConstraintException error)
        {
            throw new ArgumentException($"ChatOptions.ToolMode requires a tool call, but the calls cannot be constrained: {error.Message}", "options", error);
        }
    }
}
