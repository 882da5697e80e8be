using System.Text;
using System.Text.Json.Nodes;
using LlmEngine.Hosting.Tests.Fakes;
using LlmEngine.Hosting.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Hosting.Tests.Errors;

/// <summary>Seeded random mutations of valid requests: every answer is a 2xx or a 4xx, and the server stays healthy.</summary>
[TestFixture]
public sealed class FuzzTests
{
    private const int Mutations = 2000;

    private static readonly (string Path, string Json)[] s_valid =
    [
        ("/v1/chat/completions", """{"model":"scripted","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi there"}],"max_tokens":8,"temperature":0.5,"top_p":0.9,"stop":["x"],"seed":1}"""),
        ("/v1/chat/completions", """{"messages":[{"role":"user","content":[{"type":"text","text":"please count"}]}],"stream":true,"stream_options":{"include_usage":true},"n":2,"logprobs":true,"top_logprobs":1}"""),
        ("/v1/chat/completions", """{"messages":[{"role":"user","content":"weather?"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"sunny"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":"auto"}"""),
        ("/v1/completions", """{"model":"scripted","prompt":"<|im_start|>assistant\nHi","max_tokens":4,"logprobs":1,"echo":false,"top_k":5,"min_p":0.1,"repetition_penalty":1.1}"""),
        ("/v1/completions", """{"prompt":[[1,2,3],[4,5]],"n":2,"stream":true,"max_tokens":3,"logit_bias":{"65":2.5},"stop_token_ids":[10]}"""),
        ("/v1/embeddings", """{"input":["a","bc"],"encoding_format":"float"}"""),
        ("/tokenize", """{"prompt":"hello","add_special_tokens":false}"""),
        ("/detokenize", """{"tokens":[104,105]}"""),
    ];

    [Test]
    public async Task RandomMutationsGetCleanAnswersAndLeaveTheServerHealthy()
    {
        await using var host = await TestHost.ScriptedAsync(services: s =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(s, new HashEmbeddingGenerator()),
            maxModelLength: 1024, numBlocks: 1024);
        var random = new Random(20260);
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Mutations; i++)
        {
            var (path, json) = s_valid[random.Next(s_valid.Length)];
            var body = Mutate(json, random);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await host.Client.PostAsync(path, content);
            await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.That(status is (>= 200 and < 300) or (>= 400 and < 500), Is.True, $"mutation {i} of {path} got {status}: {Encoding.UTF8.GetString(body)}");
        }

        Assert.That(statuses.Keys.Any(s => s >= 400), Is.True, "the mutations reach the validation");
        Assert.That(statuses.Keys.Any(s => s < 300), Is.True, "some mutations stay valid");
        var (healthy, answer) = await Http.PostAsync(host.Client, "/v1/chat/completions", Http.Chat("Hi there"));
        Assert.That(healthy, Is.EqualTo(200));
        Assert.That((string?)answer!["choices"]![0]!["message"]!["content"], Is.EqualTo(Script.Greeting));
        var statistics = host.Engine.GetStatistics();
        Assert.That(statistics.NumRunningRequests + statistics.NumWaitingRequests, Is.EqualTo(0));
        Assert.That(statistics.KVCacheUsage, Is.EqualTo(0));
    }

    private static byte[] Mutate(string json, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        switch (random.Next(6))
        {
            case 0:
                // Byte-level damage: truncate, or overwrite a byte.
                if (random.Next(2) == 0)
                {
                    return bytes[..random.Next(bytes.Length)];
                }
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            default:
                var node = JsonNode.Parse(json)!;
                var count = 1 + random.Next(3);
                for (var k = 0; k < count; k++)
                {
                    MutateNode(node, random);
                }
                return Encoding.UTF8.GetBytes(node.ToJsonString());
        }
    }

    private static void MutateNode(JsonNode root, Random random)
    {
        var containers = new List<JsonNode>();
        Collect(root, containers);
        var target = containers[random.Next(containers.Count)];
        if (target is JsonObject obj)
        {
            var keys = obj.Select(p => p.Key).ToList();
            switch (random.Next(3))
            {
                case 0 when keys.Count > 0:
                    obj.Remove(keys[random.Next(keys.Count)]);
                    break;
                case 1 when keys.Count > 0:
                    obj[keys[random.Next(keys.Count)]] = RandomValue(random);
                    break;
                default:
                    obj["fuzz_" + random.Next(100)] = RandomValue(random);
                    break;
            }
        }
        else if (target is JsonArray array)
        {
            if (array.Count > 0 && random.Next(2) == 0)
            {
                array[random.Next(array.Count)] = RandomValue(random);
            }
            else
            {
                array.Add(RandomValue(random));
            }
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> containers)
    {
        if (node is JsonObject obj)
        {
            containers.Add(obj);
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    Collect(child, containers);
                }
            }
        }
        else if (node is JsonArray array)
        {
            containers.Add(array);
            foreach (var child in array)
            {
                if (child is not null)
                {
                    Collect(child, containers);
                }
            }
        }
    }

    private static JsonNode? RandomValue(Random random) => random.Next(12) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.Next(-3, 5),
        3 => -random.NextDouble() * 1e9,
        4 => 1e308,
        5 => int.MaxValue,
        6 => "",
        7 => new string((char)random.Next(32, 0x3000), random.Next(1, 40)),
        8 => new JsonArray(),
        9 => new JsonObject(),
        10 => new JsonArray(random.Next(300), "x"),
        _ => random.NextDouble(),
    };
}
