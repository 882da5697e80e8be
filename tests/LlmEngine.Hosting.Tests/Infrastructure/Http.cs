using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmEngine.Hosting.Tests.Infrastructure;

/// <summary>Small HTTP helpers: post JSON, read JSON, read a server-sent event stream.</summary>
internal static class Http
{
    public static async Task<(int Status, JsonNode? Body)> PostAsync(HttpClient client, string path, string json, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(int Status, JsonNode? Body)> PostAsync(HttpClient client, string path, JsonNode json, string? apiKey = null) =>
        PostAsync(client, path, json.ToJsonString(), apiKey);

    public static async Task<(int Status, JsonNode? Body)> GetAsync(HttpClient client, string path, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Posts a streaming request and returns every <c>data:</c> payload in order (the last is <c>[DONE]</c>).</summary>
    public static async Task<(string ContentType, List<string> Events)> StreamAsync(HttpClient client, string path, JsonNode json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();
        var events = new List<string>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (!block.StartsWith("data: ", StringComparison.Ordinal))
            {
                throw new FormatException($"Not a data event: {block}");
            }
            events.Add(block["data: ".Length..]);
        }
        return (response.Content.Headers.ContentType?.MediaType ?? "", events);
    }

    /// <summary>The JSON events of a stream (everything before <c>[DONE]</c>).</summary>
    public static List<JsonNode> Json(List<string> events) => [.. events.TakeWhile(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!)];

    public static JsonObject Chat(string userMessage, object? extra = null)
    {
        var body = new JsonObject
        {
            ["model"] = "scripted",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = userMessage }),
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }
        return body;
    }
}
