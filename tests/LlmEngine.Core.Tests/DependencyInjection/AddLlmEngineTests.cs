using LlmEngine.Chat;
using LlmEngine.Composition;
using LlmEngine.Templates;
using LlmEngine.Tests.Chat.Fakes;
using LlmEngine.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LlmEngine.Tests.DependencyInjection;

public sealed class AddLlmEngineTests
{
    private static void Small(LocalModelOptions options)
    {
        options.Engine.NumThreads = 1;
        options.Engine.MaxNumSeqs = 4;
        options.Engine.MaxNumBatchedTokens = 512;
        options.KVCacheMemoryBytes = 8 << 20;
    }

    [Test]
    public async Task Injected_chat_client_runs_a_real_model_end_to_end_and_disposes_with_the_container()
    {
        var folder = TestData.Directory("archs/hf/tiny-qwen2");
        var services = new ServiceCollection();
        services.AddLlmEngine(o =>
        {
            o.Model = folder;
            Small(o);
        });
        ILlmEngine engine;
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IChatClient>();
            engine = provider.GetRequiredService<ILlmEngine>();
            Assert.That(provider.GetRequiredService<LocalModel>().Engine, Is.SameAs(engine));

            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 6, Temperature = 0 });

            Assert.That(response.ModelId, Is.EqualTo("tiny-qwen2"));
            Assert.That(response.Usage!.InputTokenCount, Is.GreaterThan(20), "the Qwen2.5 template's system prompt is rendered");
            Assert.That(response.Usage.OutputTokenCount, Is.InRange(1, 6));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Length).Or.EqualTo(ChatFinishReason.Stop));
            Assert.That(client.GetService<ChatClientMetadata>()!.DefaultModelId, Is.EqualTo("tiny-qwen2"));
        }
        Assert.That(() => engine.AddRequest("after", [1, 2, 3]), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task Keyed_registrations_serve_several_models()
    {
        var services = new ServiceCollection();
        services.AddLlmEngine("qwen", o =>
        {
            o.Model = TestData.Directory("archs/hf/tiny-qwen2");
            Small(o);
        });
        services.AddLlmEngine("llama", o =>
        {
            o.Model = TestData.File("archs/tiny-llama.f32.gguf");
            o.ServedModelName = "my-llama";
            o.ChatTemplate = TestTemplates.ChatMl;
            Small(o);
        }).ConfigureChatClient(c => c.DefaultParameters = SamplingParameters.Greedy);
        services.AddSingleton<TwoModels>();
        await using var provider = services.BuildServiceProvider();

        var both = provider.GetRequiredService<TwoModels>();
        Assert.That(both.Qwen.GetService<ChatClientMetadata>()!.DefaultModelId, Is.EqualTo("tiny-qwen2"));
        Assert.That(both.Llama.GetService<ChatClientMetadata>()!.DefaultModelId, Is.EqualTo("my-llama"));
        Assert.That(provider.GetKeyedService<ILlmEngine>("qwen"), Is.Not.SameAs(provider.GetKeyedService<ILlmEngine>("llama")));
        Assert.That(provider.GetService<IChatClient>(), Is.Null, "no unkeyed model was registered");

        var answers = await Task.WhenAll(
            both.Qwen.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 3 }),
            both.Llama.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 3 }));
        Assert.That(answers.Select(a => a.ModelId), Is.EqualTo(new[] { "tiny-qwen2", "my-llama" }));
    }

    [Test]
    public async Task The_builder_hook_adds_middleware()
    {
        var services = new ServiceCollection();
        var wrapped = 0;
        services.AddLlmEngine(o =>
        {
            o.Model = TestData.Directory("archs/hf/tiny-qwen2");
            Small(o);
        })
        .ConfigureChatClient(c => c.ModelId = "renamed")
        .UseChatClient((client, sp) =>
        {
            wrapped++;
            return client.AsBuilder().UseFunctionInvocation().Build(sp);
        });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();

        Assert.That(client, Is.InstanceOf<FunctionInvokingChatClient>());
        Assert.That(client.GetService<LlmEngineChatClient>()!.ModelId, Is.EqualTo("renamed"));
        Assert.That(provider.GetRequiredService<IChatClient>(), Is.SameAs(client));
        Assert.That(wrapped, Is.EqualTo(1));
    }

    [Test]
    public void Options_are_validated_when_registered()
    {
        var services = new ServiceCollection();
        Assert.That(() => services.AddLlmEngine(_ => { }), Throws.ArgumentException.With.Message.Contains("LocalModelOptions.Model is required"));
        Assert.That(() => services.AddLlmEngine(o => o.Model = "/no/such/model.gguf"), Throws.ArgumentException.With.Message.Contains("neither a file nor a folder"));
        var model = TestData.File("archs/tiny-llama.f32.gguf");
        Assert.That(() => services.AddLlmEngine(o =>
        {
            o.Model = model;
            o.Engine.MaxNumSeqs = 0;
        }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxNumSeqs"));
        Assert.That(services, Is.Empty, "nothing is registered by a failed call");

        services.AddLlmEngine("a", o => o.Model = model);
        Assert.That(() => services.AddLlmEngine("a", o => o.Model = model), Throws.InvalidOperationException.With.Message.Contains("'a'"));
        services.AddLlmEngine(o => o.Model = model);
        Assert.That(() => services.AddLlmEngine(o => o.Model = model), Throws.InvalidOperationException.With.Message.Contains("without a key"));
    }

    [Test]
    public async Task A_model_without_a_chat_template_says_to_pass_one()
    {
        var services = new ServiceCollection();
        services.AddLlmEngine(o =>
        {
            o.Model = TestData.File("archs/tiny-llama.f32.gguf");
            Small(o);
        });
        await using var provider = services.BuildServiceProvider();
        Assert.That(() => provider.GetRequiredService<IChatClient>(),
            Throws.InstanceOf<ChatTemplateException>().With.Message.Contains("has no chat template").And.Message.Contains("tiny-llama.f32.gguf"));
    }

    private sealed class TwoModels([FromKeyedServices("qwen")] IChatClient qwen, [FromKeyedServices("llama")] IChatClient llama)
    {
        public IChatClient Qwen { get; } = qwen;

        public IChatClient Llama { get; } = llama;
    }
}
