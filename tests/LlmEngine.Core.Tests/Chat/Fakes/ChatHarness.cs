using LlmEngine.Chat;
using LlmEngine.Templates;

namespace LlmEngine.Tests.Chat.Fakes;

/// <summary>A real engine over the scripted executor and test tokenizer, with an <see cref="LlmEngineChatClient"/> on top.</summary>
internal sealed class ChatHarness : IDisposable
{
    private ChatHarness(ScriptedChatExecutor executor, ChatTestTokenizer tokenizer, Func<LlmEngine.Engine.LlmEngine, LlmEngineChatClient> client, int? maxModelLength)
    {
        Tokenizer = tokenizer;
        Executor = executor;
        Engine = new LlmEngine.Engine.LlmEngine(executor, tokenizer, new LlmEngineOptions
        {
            BlockSize = executor.BlockSize,
            MaxNumSeqs = 16,
            MaxNumBatchedTokens = 1024,
            MaxModelLength = maxModelLength,
            Seed = 7,
        });
        Client = client(Engine);
    }

    public ChatTestTokenizer Tokenizer { get; }

    public ScriptedChatExecutor Executor { get; }

    public LlmEngine.Engine.LlmEngine Engine { get; }

    public LlmEngineChatClient Client { get; }

    /// <summary>A harness whose prompts are rendered by a real Jinja chat template.</summary>
    public static ChatHarness WithTemplate(string templateSource, Func<string, string> respond, string endOfTurn, string[] generationMarkers,
        LlmEngineChatClientOptions? options = null, int? maxModelLength = null)
    {
        var tokenizer = new ChatTestTokenizer();
        var executor = new ScriptedChatExecutor(tokenizer, respond, endOfTurn, generationMarkers);
        var template = ChatTemplate.Parse(templateSource, new ChatTemplateOptions { TimeProvider = new FixedTimeProvider() });
        return new ChatHarness(executor, tokenizer, engine => new LlmEngineChatClient(engine, template, options), maxModelLength);
    }

    /// <summary>A harness with a plain ChatML template (Qwen's format, without tools).</summary>
    public static ChatHarness ChatMl(Func<string, string> respond, LlmEngineChatClientOptions? options = null, int? maxModelLength = null) =>
        WithTemplate(TestTemplates.ChatMl, respond, "<|im_end|>", ["<|im_start|>assistant\n"], options, maxModelLength);

    public void Dispose() => Engine.Dispose();

    private sealed class FixedTimeProvider : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2024, 7, 26, 12, 0, 0, TimeSpan.Zero);
    }
}
