namespace LlmEngine.Templates;

/// <summary>A chat template's text and where it was found, for logs and error messages.</summary>
/// <param name="Text">The Jinja source.</param>
/// <param name="Origin">Where it came from, e.g. <c>tokenizer_config.json chat_template 'tool_use' (/models/x)</c>.</param>
public sealed record ChatTemplateSource(string Text, string Origin);
