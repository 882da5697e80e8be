using LlmEngine.Chat;
using LlmEngine.Tests.Chat.Fakes;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

public sealed class LlmEngineChatClientTests
{
    private const string Answer = "Hello there, é€😀 world!";

    private static string Prompt(string user) => $"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n";

    [Test]
    public async Task Streams_the_answer_and_the_aggregate_matches()
    {
        using var harness = ChatHarness.ChatMl(_ => Answer);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
            updates.Add(update);
        }

        Assert.That(updates, Has.Count.GreaterThan(2), "the answer arrives in pieces");
        Assert.That(string.Concat(updates.Select(u => u.Text)), Is.EqualTo(Answer));
        Assert.That(updates.Select(u => u.ResponseId).Distinct().Single(), Does.StartWith("chatcmpl-"));
        Assert.That(updates.All(u => u.Role == ChatRole.Assistant && u.ModelId == "local" && u.CreatedAt is not null));
        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(updates[..^1].All(u => u.FinishReason is null));

        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);
        Assert.That(response.Text, Is.EqualTo(Answer));
        Assert.That(response.Messages, Has.Count.EqualTo(1));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(response.ResponseId, Does.StartWith("chatcmpl-"));
        Assert.That(response.ModelId, Is.EqualTo("local"));
        Assert.That(response.CreatedAt, Is.Not.Null);
    }

    [Test]
    public async Task Reports_usage_with_prefix_cache_hits()
    {
        using var harness = ChatHarness.ChatMl(_ => Answer);
        var user = new string('x', 80);
        var promptTokens = harness.Tokenizer.Encode(Prompt(user), addSpecialTokens: false).Length;
        var answerTokens = harness.Tokenizer.Encode(Answer, addSpecialTokens: false).Length;

        var first = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, user)]);
        var second = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, user)]);

        Assert.That(first.Usage!.InputTokenCount, Is.EqualTo(promptTokens));
        Assert.That(first.Usage.OutputTokenCount, Is.EqualTo(answerTokens + 1), "the answer and its end-of-turn token");
        Assert.That(first.Usage.TotalTokenCount, Is.EqualTo(promptTokens + answerTokens + 1));
        Assert.That(first.Usage.CachedInputTokenCount, Is.EqualTo(0));
        Assert.That(second.Usage!.CachedInputTokenCount, Is.EqualTo(promptTokens / 16 * 16), "every full block of the repeated prompt");
        Assert.That(harness.Executor.Prompts, Is.EqualTo(new[] { Prompt(user), Prompt(user) }));
    }

    [Test]
    public async Task Max_output_tokens_ends_with_length()
    {
        using var harness = ChatHarness.ChatMl(_ => "one two three four five");
        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "count")], new ChatOptions { MaxOutputTokens = 7 });
        Assert.That(response.Text, Is.EqualTo("one two"));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Length));
        Assert.That(response.Usage!.OutputTokenCount, Is.EqualTo(7));
    }

    [Test]
    public async Task Stop_sequences_cut_the_answer()
    {
        using var harness = ChatHarness.ChatMl(_ => "one two three four five");
        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "count")], new ChatOptions { StopSequences = ["three"] });
        Assert.That(response.Text, Is.EqualTo("one two "));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
    }

    [Test]
    public async Task Concurrent_calls_are_separate_requests_batched_together()
    {
        using var harness = ChatHarness.ChatMl(prompt => "Echo: " + prompt[(prompt.IndexOf('\n') + 1)..prompt.IndexOf("<|im_end|>", StringComparison.Ordinal)]);
        var questions = Enumerable.Range(0, 12).Select(i => $"question {i} {new string('q', i * 7)}").ToArray();

        var responses = await Task.WhenAll(questions.Select(q => harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, q)])));

        Assert.That(responses.Select(r => r.Text), Is.EqualTo(questions.Select(q => "Echo: " + q)));
        Assert.That(responses.Select(r => r.ResponseId).Distinct().Count(), Is.EqualTo(questions.Length));
    }

    [Test]
    public async Task Think_blocks_become_reasoning_content_unless_reasoning_output_is_none()
    {
        using var harness = ChatHarness.ChatMl(_ => "<think>\nTwo plus two.\n</think>\n\nIt is 4.");
        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "2+2?")]);
        var contents = response.Messages.Single().Contents;
        Assert.That(string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)), Is.EqualTo("\nTwo plus two.\n"));
        Assert.That(response.Text, Is.EqualTo("It is 4."));

        var hidden = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "2+2?")],
            new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } });
        Assert.That(hidden.Messages.Single().Contents.OfType<TextReasoningContent>(), Is.Empty);
        Assert.That(hidden.Text, Is.EqualTo("It is 4."));
    }

    [Test]
    public async Task Logprobs_come_back_when_asked_for()
    {
        using var harness = ChatHarness.ChatMl(_ => "abc");
        var options = new ChatOptions { AdditionalProperties = new() { [LlmEngineChatOptionKeys.TopLogprobs] = 2 } };
        var response = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], options);
        var logprobs = (IReadOnlyList<PositionLogprobs>)response.AdditionalProperties!["logprobs"]!;
        Assert.That(logprobs.Select(p => p.Chosen.TokenId), Is.EqualTo(new[] { 'a', 'b', 'c', harness.Tokenizer.Id("<|im_end|>") }));
        Assert.That(logprobs.All(p => p.Top.Count == 2));
    }

    [Test]
    public async Task Cancelling_mid_stream_aborts_the_engine_request()
    {
        using var harness = ChatHarness.ChatMl(_ => new string('z', 2000), maxModelLength: 4096);
        using var cancellation = new CancellationTokenSource();
        await Assert.ThatAsync(async () =>
        {
            await foreach (var update in harness.Client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")], cancellationToken: cancellation.Token))
            {
                cancellation.Cancel();
            }
        }, Throws.InstanceOf<OperationCanceledException>());
        // The abort is a message to the engine loop: wait for it to land, then the engine must be idle.
        var idle = SpinWait.SpinUntil(() => harness.Engine.GetStatistics() is { NumRunningRequests: 0, NumWaitingRequests: 0 }, TimeSpan.FromSeconds(30));
        Assert.That(idle, Is.True);
        Assert.That(harness.Engine.GetStatistics().NumGenerationTokens, Is.LessThan(2000));
        var after = await harness.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "again")], new ChatOptions { MaxOutputTokens = 3 });
        Assert.That(after.Text, Is.EqualTo("zzz"));
    }

    [Test]
    public void Get_service_returns_metadata_the_client_and_the_engine()
    {
        using var harness = ChatHarness.ChatMl(_ => "", new LlmEngineChatClientOptions { ModelId = "tiny-qwen" });
        IChatClient client = harness.Client;
        var metadata = client.GetService<ChatClientMetadata>()!;
        Assert.That((metadata.ProviderName, metadata.DefaultModelId), Is.EqualTo(("llmengine", "tiny-qwen")));
        Assert.That(client.GetService<LlmEngineChatClient>(), Is.SameAs(harness.Client));
        Assert.That(client.GetService<ILlmEngine>(), Is.SameAs(harness.Engine));
        Assert.That(client.GetService<ChatClientMetadata>("some key"), Is.Null);
    }

    [Test]
    public void Detects_the_tool_call_format_from_the_template()
    {
        using var qwen = ChatHarness.WithTemplate(TestTemplates.Qwen25, _ => "", "<|im_end|>", ["<|im_start|>assistant\n"]);
        using var llama = ChatHarness.WithTemplate(TestTemplates.Llama32, _ => "", "<|eot_id|>", ["<|end_header_id|>\n\n"]);
        using var mistral = ChatHarness.WithTemplate(TestTemplates.MistralTools, _ => "", "</s>", ["[/INST]"]);
        using var plain = ChatHarness.ChatMl(_ => "");
        Assert.That(qwen.Client.TemplateToolCallFormat, Is.EqualTo(ToolCallFormat.Hermes));
        Assert.That(llama.Client.TemplateToolCallFormat, Is.EqualTo(ToolCallFormat.Llama3Json));
        Assert.That(mistral.Client.TemplateToolCallFormat, Is.EqualTo(ToolCallFormat.Mistral));
        Assert.That(plain.Client.TemplateToolCallFormat, Is.EqualTo(ToolCallFormat.Json));
    }
}
