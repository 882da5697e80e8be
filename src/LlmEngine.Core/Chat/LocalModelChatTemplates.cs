using LlmEngine.Composition;
using LlmEngine.Templates;

namespace LlmEngine.Chat;

/// <summary>Finds a <see cref="LocalModel"/>'s chat templates in vLLM's order (explicit, Hugging Face folder, GGUF metadata).</summary>
internal static class LocalModelChatTemplates
{
    /// <summary>The default template, and the <c>tool_use</c> template when the model has a different one.</summary>
    /// <exception cref="ChatTemplateException">The model has no template and none was given, or it does not parse.</exception>
    public static (ChatTemplate Default, ChatTemplate? ToolUse) Resolve(LocalModel model)
    {
        var hf = model.Model.HuggingFace;
        var gguf = model.Model.Gguf;
        var resolver = new ChatTemplateResolver
        {
            ExplicitTemplate = model.Options.ChatTemplate,
            ModelDirectory = hf is null ? null : Path.GetDirectoryName(hf.ConfigPath),
            GgufMetadata = gguf is null ? null : gguf.Metadata.GetString,
            GgufDescription = gguf?.SourcePath,
        };
        var standard = resolver.ResolveSource(hasTools: false);
        var toolUse = resolver.ResolveSource(hasTools: true);
        var template = ChatTemplate.Parse(standard.Text);
        return (template, toolUse.Text == standard.Text ? null : ChatTemplate.Parse(toolUse.Text));
    }
}
