using System.Text.Json.Nodes;
using LlmEngine.Composition;
using LlmEngine.Hosting.Tests.Errors;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Completions;

/// <summary>/v1/completions, /tokenize and /detokenize on the real stories260K model.</summary>
[TestFixture]
public sealed class CompletionsTests
{
    private LocalModel _model = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _model = Stories.Load();
        _host = await TestHost.LocalModelAsync(_model);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _model?.Dispose();
    }

    [Test]
    public async Task GreedyCompletionMatchesLlamaCpp()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions",
            """{"model":"stories","prompt":"Once upon a time","max_tokens":12,"temperature":0}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That((string?)body!["object"], Is.EqualTo("text_completion"));
        Assert.That((string?)body["id"], Does.StartWith("cmpl-"));
        var choice = body["choices"]![0]!;
        Assert.That((string?)choice["text"], Does.StartWith(Stories.GreedyContinuation));
        Assert.That((string?)choice["finish_reason"], Is.EqualTo("length"));
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.EqualTo(5));
        Assert.That((int)body["usage"]!["completion_tokens"]!, Is.EqualTo(12));
    }

    [Test]
    public async Task TokenIdPromptsAndStringPromptsAgree()
    {
        var (_, fromIds) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":[1,403,407,261,378],"max_tokens":8,"temperature":0}""");
        var (_, fromText) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":8,"temperature":0}""");

        Assert.That((string?)fromIds!["choices"]![0]!["text"], Is.EqualTo((string?)fromText!["choices"]![0]!["text"]));
    }

    [Test]
    public async Task SeveralPromptsTimesNGiveIndexedChoices()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions",
            """{"prompt":["Once upon a time","Once upon a time"],"n":2,"max_tokens":4,"temperature":0}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var choices = body!["choices"]!.AsArray();
        Assert.That(choices.Select(c => (int)c!["index"]!), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(choices.Select(c => (string?)c!["text"]).Distinct().Count(), Is.EqualTo(1), "greedy: every choice is the same");
        Assert.That((int)body["usage"]!["prompt_tokens"]!, Is.EqualTo(10));
        Assert.That((int)body["usage"]!["completion_tokens"]!, Is.EqualTo(16));
    }

    [Test]
    public async Task EchoPrependsThePrompt()
    {
        var (_, body) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":5,"temperature":0,"echo":true}""");

        Assert.That((string?)body!["choices"]![0]!["text"], Does.StartWith("Once upon a time" + Stories.GreedyContinuation[..5]));
    }

    [Test]
    public async Task EchoWithLogprobsListsThePromptTokensFirstWithANullFirstLogprob()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":3,"temperature":0,"echo":true,"logprobs":1}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var choice = body!["choices"]![0]!;
        Assert.That((string?)choice["text"], Is.EqualTo("Once upon a time" + Stories.GreedyContinuation[..(((string?)choice["text"])!.Length - "Once upon a time".Length)]));
        var logprobs = choice["logprobs"]!;
        var tokens = logprobs["tokens"]!.AsArray().Select(t => (string?)t).ToList();
        Assert.That(tokens, Has.Count.EqualTo(5 + 3), "BOS and 4 prompt tokens, then 3 generated");
        Assert.That(string.Concat(tokens.Skip(1).Take(4)).Trim(), Is.EqualTo("Once upon a time"));
        Assert.That(string.Concat(tokens.Skip(5)), Is.EqualTo(Stories.GreedyContinuation[..string.Concat(tokens.Skip(5)).Length]));
        var tokenLogprobs = logprobs["token_logprobs"]!.AsArray();
        Assert.That(tokenLogprobs[0], Is.Null, "nothing precedes the first token");
        Assert.That(tokenLogprobs.Skip(1).All(l => l is not null && (float)l <= 0), Is.True);
        var top = logprobs["top_logprobs"]!.AsArray();
        Assert.That(top[0], Is.Null);
        Assert.That(top.Skip(1).All(t => t!.AsObject().Count is 1 or 2), Is.True, "the top 1 plus the token itself when it is not the most likely");
        Assert.That(logprobs["text_offset"]!.AsArray().Select(o => (int)o!), Is.Ordered);
        Assert.That(choice.AsObject().ContainsKey("prompt_logprobs"), Is.False, "not asked for");
    }

    [Test]
    public async Task EchoWithLogprobsStreamsThePromptTokensInTheFirstChunk()
    {
        var (_, events) = await Http.StreamAsync(_host.Client, "/v1/completions",
            JsonNode.Parse("""{"prompt":"Once upon a time","max_tokens":3,"temperature":0,"echo":true,"logprobs":0,"stream":true}""")!);

        var chunks = Http.Json(events);
        var first = chunks[0]["choices"]![0]!;
        Assert.That((string?)first["text"], Does.StartWith("Once upon a time"));
        Assert.That(first["logprobs"]!["token_logprobs"]![0], Is.Null);
        var all = chunks.SelectMany(c => c["choices"]!.AsArray()).SelectMany(c => c!["logprobs"]?["tokens"]?.AsArray() ?? []).ToList();
        Assert.That(all, Has.Count.EqualTo(5 + 3));
    }

    [Test]
    public async Task EchoWithLogprobsAndPromptLogprobsReturnsBoth()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions",
            """{"prompt":"Once upon a time","max_tokens":2,"temperature":0,"echo":true,"logprobs":1,"prompt_logprobs":3,"n":2}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        foreach (var choice in body!["choices"]!.AsArray())
        {
            Assert.That(choice!["prompt_logprobs"]!.AsArray(), Has.Count.EqualTo(5));
            Assert.That(choice["prompt_logprobs"]![1]!.AsObject().Count, Is.InRange(3, 4));
            var top = choice["logprobs"]!["top_logprobs"]!.AsArray();
            Assert.That(top[1]!.AsObject().Count, Is.InRange(1, 2), "logprobs still decides how many alternatives the echo shows");
            Assert.That(choice["logprobs"]!["tokens"]!.AsArray(), Has.Count.EqualTo(5 + 2));
        }
    }

    [Test]
    public async Task LogprobsHaveTheLegacyShape()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":3,"temperature":0,"logprobs":2}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var logprobs = body!["choices"]![0]!["logprobs"]!;
        Assert.That(logprobs["tokens"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(logprobs["token_logprobs"]!.AsArray().All(l => (float)l! <= 0), Is.True);
        Assert.That(logprobs["top_logprobs"]![0]!.AsObject().Count, Is.InRange(2, 3));
        Assert.That(logprobs["text_offset"]!.AsArray().Select(o => (int)o!), Is.Ordered);
        Assert.That(string.Concat(logprobs["tokens"]!.AsArray().Select(t => (string?)t)), Is.EqualTo((string?)body["choices"]![0]!["text"]));
    }

    [Test]
    public async Task PromptLogprobsCoverEveryPromptPositionButTheFirst()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", """{"prompt":"Once upon a time","max_tokens":2,"temperature":0,"prompt_logprobs":1}""");

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var positions = body!["choices"]![0]!["prompt_logprobs"]!.AsArray();
        Assert.That(positions, Has.Count.EqualTo(5));
        Assert.That(positions[0], Is.Null);
        var second = positions[1]!.AsObject();
        Assert.That(second.ContainsKey("403"), Is.True, "the prompt's own token is always listed");
        Assert.That((float)second["403"]!["logprob"]!, Is.LessThanOrEqualTo(0f));
        Assert.That((int)second["403"]!["rank"]!, Is.GreaterThanOrEqualTo(1));
        Assert.That(second.Count, Is.InRange(1, 2));
    }

    [Test]
    public async Task StreamsChunksThenUsageThenDone()
    {
        var (contentType, events) = await Http.StreamAsync(_host.Client, "/v1/completions",
            JsonNode.Parse("""{"prompt":"Once upon a time","max_tokens":6,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}""")!);

        Assert.That(contentType, Is.EqualTo("text/event-stream"));
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        var chunks = Http.Json(events);
        Assert.That(chunks.All(c => (string?)c["object"] == "text_completion"), Is.True);
        var text = string.Concat(chunks.SelectMany(c => c["choices"]!.AsArray()).Select(c => (string?)c!["text"]));
        Assert.That(text, Is.EqualTo(Stories.GreedyContinuation[..text.Length]));
        Assert.That(chunks.Count, Is.GreaterThanOrEqualTo(4), "tokens are flushed as they come");
        Assert.That((int)chunks[^1]["usage"]!["completion_tokens"]!, Is.EqualTo(6));
        Assert.That((string?)chunks[^2]["choices"]![0]!["finish_reason"], Is.EqualTo("length"));
    }

    [TestCase("""{"prompt":"Once upon a time","suffix":"The end."}""", "suffix")]
    [TestCase("""{"prompt":[]}""", "prompt")]
    [TestCase("""{"prompt":[1,2,99999]}""", "prompt[2]")]
    [TestCase("""{"prompt":[[1,2],"text"]}""", "prompt")]
    [TestCase("""{"prompt":{"text":"x"}}""", "prompt")]
    [TestCase("""{"max_tokens":3}""", "prompt")]
    [TestCase("""{"prompt":"Once","logprobs":21}""", "logprobs")]
    [TestCase("""{"prompt":"Once","guided_regex":"(unclosed"}""", "guided_regex")]
    [TestCase("""{"prompt":"Once","stop_token_ids":[100000]}""", "stop_token_ids")]
    public async Task BadCompletionRequestsAre400(string json, string param)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", json);

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        ErrorTests.AssertErrorShape(body, "invalid_request_error");
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo(param), body.ToJsonString());
    }

    [TestCase("""{"prompt":"Once upon a time","max_tokens":40,"temperature":1,"seed":7,"guided_regex":"[a-z]+ (cat|dog)s?"}""", "^[a-z]+ (cat|dog)s?$")]
    [TestCase("""{"prompt":"Once upon a time","max_tokens":40,"temperature":1,"seed":7,"guided_choice":["happy","sad"]}""", "^(happy|sad)$")]
    public async Task GuidedCompletionsMatchTheirConstraint(string json, string pattern)
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", json);

        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var text = (string?)body!["choices"]![0]!["text"];
        Assert.That(text, Does.Match(pattern));
        Assert.That((string?)body["choices"]![0]!["finish_reason"], Is.EqualTo("stop"));
    }

    [Test]
    public async Task PromptsPastTheContextAreContextLengthExceeded()
    {
        var tooLong = new JsonArray([.. Enumerable.Repeat(403, _host.Engine.MaxModelLength).Select(id => (JsonNode)id)]);
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", new JsonObject { ["prompt"] = tooLong });
        Assert.That(status, Is.EqualTo(400));
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("context_length_exceeded"));
        Assert.That((string?)body["error"]!["message"], Does.Contain(_host.Engine.MaxModelLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        (status, body) = await Http.PostAsync(_host.Client, "/v1/completions", new JsonObject { ["prompt"] = "Once", ["max_tokens"] = _host.Engine.MaxModelLength });
        Assert.That(status, Is.EqualTo(400));
        Assert.That((string?)body!["error"]!["code"], Is.EqualTo("context_length_exceeded"));
        Assert.That((string?)body["error"]!["param"], Is.EqualTo("max_tokens"));
    }

    [Test]
    public async Task ChatWithoutAChatClientIs400()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");

        Assert.That(status, Is.EqualTo(400));
        Assert.That((string?)body!["error"]!["message"], Does.Contain("IChatClient is not registered. Call AddLlmEngine()"));
    }

    [Test]
    public async Task TokenizingMessagesNeedsAChatTemplate()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/tokenize", """{"messages":[{"role":"user","content":"Once upon a time"}]}""");

        Assert.That(status, Is.EqualTo(400), body?.ToJsonString());
        Assert.That((string?)body!["error"]!["message"], Does.Contain("does not support chat completions"));
    }

    [Test]
    public async Task TokenizeAndDetokenizeRoundTrip()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/tokenize", """{"prompt":"Once upon a time"}""");
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        Assert.That(body!["tokens"]!.AsArray().Select(t => (int)t!), Is.EqualTo(new[] { 1, 403, 407, 261, 378 }));
        Assert.That((int)body["count"]!, Is.EqualTo(5));
        Assert.That((int)body["max_model_len"]!, Is.EqualTo(_host.Engine.MaxModelLength));

        (status, body) = await Http.PostAsync(_host.Client, "/detokenize", """{"tokens":[403,407,261,378]}""");
        Assert.That(status, Is.EqualTo(200));
        Assert.That(((string?)body!["prompt"])!.Trim(), Is.EqualTo("Once upon a time"));

        (status, body) = await Http.PostAsync(_host.Client, "/detokenize", """{"tokens":[-1]}""");
        Assert.That(status, Is.EqualTo(400));
        Assert.That((string?)body!["error"]!["param"], Is.EqualTo("tokens[0]"));
    }

    [Test]
    public async Task ModelsListsTheServedNameWithItsLength()
    {
        var (status, body) = await Http.GetAsync(_host.Client, "/v1/models");

        Assert.That(status, Is.EqualTo(200));
        Assert.That((string?)body!["object"], Is.EqualTo("list"));
        var card = body["data"]![0]!;
        Assert.That((string?)card["id"], Is.EqualTo("stories"));
        Assert.That((string?)card["object"], Is.EqualTo("model"));
        Assert.That((string?)card["owned_by"], Is.EqualTo("llmengine"));
        Assert.That((int)card["max_model_len"]!, Is.EqualTo(_host.Engine.MaxModelLength));
    }

    [Test]
    public async Task EmbeddingsWithoutAGeneratorAre400()
    {
        var (status, body) = await Http.PostAsync(_host.Client, "/v1/embeddings", """{"input":"hello"}""");

        Assert.That(status, Is.EqualTo(400));
        Assert.That((string?)body!["error"]!["message"], Does.Contain("does not support embeddings"));
    }
}
