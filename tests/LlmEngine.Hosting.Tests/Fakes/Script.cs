namespace LlmEngine.Hosting.Tests.Fakes;

/// <summary>The scripted assistant's answers, chosen by the last user turn of the rendered prompt.</summary>
internal static class Script
{
    public const string Greeting = "Hello! How can I help you today?";
    public const string WeatherAnswer = "It is 21 degrees and sunny in Paris.";

    /// <summary>
    /// A ChatML template with Hermes-style tools (so the Hermes parser is detected): tools in a system turn, calls as
    /// <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c>, results as <c>&lt;tool_response&gt;</c> user turns.
    /// </summary>
    public const string Template =
        "{% if tools %}{{ '<|im_start|>system\\nTools: ' + (tools | tojson) + '<|im_end|>\\n' }}{% endif %}" +
        "{% for message in messages %}" +
        "{% if message.role == 'assistant' and message.tool_calls %}{{ '<|im_start|>assistant\\n' }}" +
        "{% for call in message.tool_calls %}{{ '<tool_call>{\"name\": \"' + call.function.name + '\", \"arguments\": ' + (call.function.arguments | tojson) + '}</tool_call>' }}{% endfor %}" +
        "{{ '<|im_end|>\\n' }}" +
        "{% elif message.role == 'tool' %}{{ '<|im_start|>user\\n<tool_response>' + message.content + '</tool_response><|im_end|>\\n' }}" +
        "{% else %}{{ '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{% endif %}" +
        "{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>Text that makes the script answer with a long story (for disconnect tests).</summary>
    public const string LongStory = "tell me a very long story";

    public static string Respond(string prompt)
    {
        var lastUser = prompt.LastIndexOf("<|im_start|>user\n", StringComparison.Ordinal);
        var turn = lastUser < 0 ? prompt : prompt[lastUser..];
        if (turn.Contains("<tool_response>", StringComparison.Ordinal))
        {
            return WeatherAnswer;
        }
        if (turn.Contains("weather in Paris and London", StringComparison.Ordinal))
        {
            return "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>\n<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"London\"}}</tool_call>";
        }
        if (turn.Contains("weather", StringComparison.Ordinal))
        {
            return "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>";
        }
        if (turn.Contains(LongStory, StringComparison.Ordinal))
        {
            return string.Concat(Enumerable.Repeat("Once upon a time there was a tiny engine. ", 1000));
        }
        if (turn.Contains("count", StringComparison.Ordinal))
        {
            return "one two three four five six seven eight nine ten";
        }
        return Greeting;
    }
}
