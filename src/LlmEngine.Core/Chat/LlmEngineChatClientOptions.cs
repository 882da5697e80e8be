namespace LlmEngine.Chat;

/// <summary>Settings of an <see cref="LlmEngineChatClient"/> that hold for every request it sends.</summary>
public sealed class LlmEngineChatClientOptions
{
    /// <summary>
    /// The model id reported in responses and <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/> (vLLM's served
    /// model name); null uses the loaded model's name, or <c>local</c> for a bare engine.
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>How tool calls are parsed; <see cref="ToolCallFormat.Auto"/> (the default) picks the format from the chat template.</summary>
    public ToolCallFormat ToolCallFormat { get; set; } = ToolCallFormat.Auto;

    /// <summary>
    /// Whether tool calls are generated under a <see cref="Sampling.Constraints.ToolCallConstraint"/> (default true):
    /// with <see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/> or a named function the output is always
    /// calls in the template's syntax with arguments valid against the tool's schema; with
    /// <see cref="Microsoft.Extensions.AI.ChatToolMode.Auto"/> the model may answer in text, and once it writes the call
    /// marker the rest is calls. False leaves tool calls to the model (they are still parsed).
    /// </summary>
    public bool ConstrainToolCalls { get; set; } = true;

    /// <summary>Whether a leading <c>&lt;think&gt;...&lt;/think&gt;</c> block is returned as <see cref="Microsoft.Extensions.AI.TextReasoningContent"/>. Default true.</summary>
    public bool ParseReasoning { get; set; } = true;

    /// <summary>
    /// The sampling parameters a request starts from, before its <see cref="Microsoft.Extensions.AI.ChatOptions"/> are
    /// applied (for example the model's <c>generation_config.json</c> defaults). Default: <c>new SamplingParameters()</c>.
    /// </summary>
    public SamplingParameters DefaultParameters { get; set; } = new();

    /// <summary>Template variables every request gets (vLLM's <c>--default-chat-template-kwargs</c>); a request's <c>chat_template_kwargs</c> override them.</summary>
    public IDictionary<string, object?> DefaultChatTemplateKwargs { get; set; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
