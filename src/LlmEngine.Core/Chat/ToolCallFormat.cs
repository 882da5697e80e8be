namespace LlmEngine.Chat;

/// <summary>How the model writes tool calls in its output, which decides how <see cref="LlmEngineChatClient"/> parses them.</summary>
public enum ToolCallFormat
{
    /// <summary>Chosen from the chat template: <c>&lt;tool_call&gt;</c> gives <see cref="Hermes"/>, <c>[TOOL_CALLS]</c> gives <see cref="Mistral"/>, Llama 3 headers or <c>&lt;|python_tag|&gt;</c> give <see cref="Llama3Json"/>, anything else <see cref="Json"/>.</summary>
    Auto,

    /// <summary><c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>, one block per call (Qwen2.5, Qwen3, Hermes).</summary>
    Hermes,

    /// <summary>Llama 3.x: <c>{"name": ..., "parameters": {...}}</c> as the whole message, optionally after <c>&lt;|python_tag|&gt;</c>, several separated by <c>;</c>.</summary>
    Llama3Json,

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]</c> or <c>[TOOL_CALLS]name[ARGS]{...}</c>, with 9-character call ids.</summary>
    Mistral,

    /// <summary>A message that is a JSON object <c>{"name": ..., "arguments": {...}}</c> or an array of them (optionally in a <c>```json</c> fence).</summary>
    Json,

    /// <summary>Never parse tool calls: the output is text.</summary>
    None,
}
