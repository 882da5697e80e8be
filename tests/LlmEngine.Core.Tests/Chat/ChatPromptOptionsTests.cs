using LlmEngine.Chat;
using LlmEngine.Templates;
using LlmEngine.Tests.Chat.Fakes;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary>The prompt-shaping keys <c>chat_template</c> and <c>continue_final_message</c> (prompt_logprobs: the Hosting tests, whose executor scores prompt positions), and <see cref="LlmEngineChatClient.RenderPrompt"/>.</summary>
public sealed class ChatPromptOptionsTests
{
    private static readonly ChatMessage s_hi = new(ChatRole.User, "Hi");

    private static ChatOptions With(string key, object? value, string? key2 = null, object? value2 = null)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [key] = value } };
        if (key2 is not null)
        {
            options.AdditionalProperties[key2] = value2;
        }
        return options;
    }

    [Test]
    public void RenderPrompt_is_the_prompt_a_call_sends()
    {
        using var harness = ChatHarness.ChatMl(_ => "x");

        Assert.That(harness.Client.RenderPrompt([s_hi]), Is.EqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
        Assert.That(harness.Client.RenderPrompt([s_hi], With(LlmEngineChatOptionKeys.AddGenerationPrompt, false)), Is.EqualTo("<|im_start|>user\nHi<|im_end|>\n"));
        Assert.That(harness.Executor.Prompts, Is.Empty, "rendering generates nothing");
    }

    [Test]
    public async Task Continue_final_message_continues_the_prefilled_answer()
    {
        using var harness = ChatHarness.ChatMl(_ => "Hello there, friend.");
        ChatMessage[] messages = [s_hi, new(ChatRole.Assistant, "Hello there")];
        var options = With(LlmEngineChatOptionKeys.ContinueFinalMessage, true);

        Assert.That(harness.Client.RenderPrompt(messages, options), Is.EqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello there"));
        var response = await harness.Client.GetResponseAsync(messages, options);
        Assert.That(response.Text, Is.EqualTo(", friend."));
    }

    [Test]
    public void Continue_final_message_keeps_trailing_whitespace_the_template_kept()
    {
        using var harness = ChatHarness.ChatMl(_ => "x");

        var prompt = harness.Client.RenderPrompt([s_hi, new(ChatRole.Assistant, "Hello ")], With(LlmEngineChatOptionKeys.ContinueFinalMessage, "true"));

        Assert.That(prompt, Does.EndWith("assistant\nHello "));
    }

    [Test]
    public void Continue_final_message_needs_a_final_assistant_message_and_no_generation_prompt()
    {
        using var harness = ChatHarness.ChatMl(_ => "x");
        var continuing = With(LlmEngineChatOptionKeys.ContinueFinalMessage, true);

        var notAssistant = Assert.Throws<ArgumentException>(() => harness.Client.RenderPrompt([s_hi], continuing));
        Assert.That(notAssistant!.ParamName, Is.EqualTo("messages"));
        Assert.That(notAssistant.Message, Does.Contain("'user'"));
        var empty = Assert.Throws<ArgumentException>(() => harness.Client.RenderPrompt([s_hi, new(ChatRole.Assistant, " ")], continuing));
        Assert.That(empty!.Message, Does.Contain("no text"));
        var both = Assert.Throws<ArgumentException>(() => harness.Client.RenderPrompt([s_hi, new(ChatRole.Assistant, "Hel")],
            With(LlmEngineChatOptionKeys.ContinueFinalMessage, true, LlmEngineChatOptionKeys.AddGenerationPrompt, true)));
        Assert.That(both!.Message, Does.Contain("continue_final_message").And.Contain("add_generation_prompt"));
        Assert.That(harness.Executor.Prompts, Is.Empty);
    }

    [Test]
    public async Task A_per_call_chat_template_renders_instead_of_the_models()
    {
        const string Tagged = "{% for message in messages %}{{ '<|im_start|>' + message.role + '\\n[tagged] ' + message.content + '<|im_end|>\\n' }}{% endfor %}" +
            "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        using var harness = ChatHarness.ChatMl(prompt => prompt.Contains("[tagged]", StringComparison.Ordinal) ? "tagged" : "plain");

        var asText = await harness.Client.GetResponseAsync([s_hi], With(LlmEngineChatOptionKeys.ChatTemplate, Tagged));
        var asTemplate = await harness.Client.GetResponseAsync([s_hi], With(LlmEngineChatOptionKeys.ChatTemplate, ChatTemplate.Parse(Tagged)));
        var model = await harness.Client.GetResponseAsync([s_hi]);

        Assert.That((asText.Text, asTemplate.Text, model.Text), Is.EqualTo(("tagged", "tagged", "plain")));
        Assert.That(harness.Executor.Prompts[0], Is.EqualTo("<|im_start|>user\n[tagged] Hi<|im_end|>\n<|im_start|>assistant\n"));
    }

    [Test]
    public void A_per_call_chat_template_that_does_not_parse_names_the_key()
    {
        using var harness = ChatHarness.ChatMl(_ => "x");

        var error = Assert.Throws<ArgumentException>(() => harness.Client.GetStreamingResponseAsync([s_hi], With(LlmEngineChatOptionKeys.ChatTemplate, "{% if %}")));
        Assert.That(error!.Message, Does.Contain("chat_template"));
        Assert.That(error.InnerException, Is.InstanceOf<TemplateSyntaxException>());
        Assert.Throws<ArgumentException>(() => harness.Client.GetStreamingResponseAsync([s_hi], With(LlmEngineChatOptionKeys.ChatTemplate, 42)));
    }
}
