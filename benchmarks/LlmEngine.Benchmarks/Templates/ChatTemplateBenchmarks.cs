using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LlmEngine.Templates;

namespace LlmEngine.Benchmarks.Templates;

/// <summary>
/// Renders a typical 10-message conversation (system, four exchanges, a final user turn) through real chat templates,
/// with the messages as a <see cref="JsonElement"/> the way the chat client passes them. Templates come from the
/// shared test data (<c>LLMENGINE_TEST_DATA</c>, else <c>../shared/models</c> beside the repository).
/// Run: <c>dotnet run -c Release --project benchmarks/LlmEngine.Benchmarks -- --filter '*ChatTemplate*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ChatTemplateBenchmarks
{
    private ChatTemplate _qwen25 = null!;
    private ChatTemplate _qwen3 = null!;
    private ChatTemplate _llama32 = null!;
    private JsonElement _messages;
    private JsonElement _tools;
    private Dictionary<string, object?> _variables = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(FindTestData(), "templates");
        _qwen25 = ChatTemplate.Parse(File.ReadAllText(Path.Combine(folder, "Qwen-Qwen2.5-7B-Instruct.jinja")));
        _qwen3 = ChatTemplate.Parse(File.ReadAllText(Path.Combine(folder, "Qwen-Qwen3-0.6B.jinja")));
        _llama32 = ChatTemplate.Parse(File.ReadAllText(Path.Combine(folder, "meta-llama-Llama-3.2-3B-Instruct.jinja")));
        var messages = new List<object> { new { role = "system", content = "You are a helpful assistant. Answer briefly and precisely." } };
        for (var i = 0; i < 4; i++)
        {
            messages.Add(new { role = "user", content = $"Question number {i}: what is the capital of country {i}, and why is it famous?" });
            messages.Add(new { role = "assistant", content = $"The capital of country {i} is City {i}. It is famous for its long history, its museums and its food." });
        }
        messages.Add(new { role = "user", content = "Thanks! And what's the weather like there today?" });
        _messages = JsonSerializer.SerializeToElement(messages);
        _tools = JsonDocument.Parse("""
            [{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"},
              "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}]
            """).RootElement;
        _variables = new Dictionary<string, object?> { ["date_string"] = "26 Jul 2024" };
    }

    /// <summary>Qwen2.5, no tools.</summary>
    [Benchmark(Baseline = true)]
    public string Qwen25() => _qwen25.Render(_messages);

    /// <summary>Qwen2.5 with one tool (tojson of the schema).</summary>
    [Benchmark]
    public string Qwen25WithTools() => _qwen25.Render(_messages, _tools);

    /// <summary>Qwen3 (reverse scan with a namespace, reasoning split).</summary>
    [Benchmark]
    public string Qwen3() => _qwen3.Render(_messages);

    /// <summary>Llama 3.2 with one tool (tojson with indent=4).</summary>
    [Benchmark]
    public string Llama32WithTools() => _llama32.Render(_messages, _tools, bosToken: "<|begin_of_text|>", variables: _variables);

    /// <summary>Parsing from scratch, for comparison: what the cache saves.</summary>
    [Benchmark]
    public object ParseQwen3Uncached() => LlmEngine.Templates.Jinja.TemplateProgram.Parse(_qwen3.Source);

    private static string FindTestData()
    {
        var fromEnv = Environment.GetEnvironmentVariable("LLMENGINE_TEST_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmEngine.sln")))
            {
                return Path.Combine(dir.FullName, "..", "shared", "models");
            }
        }
        throw new DirectoryNotFoundException("Test data not found: set LLMENGINE_TEST_DATA to the shared models folder.");
    }
}
