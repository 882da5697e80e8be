using LlmEngine.Tests.Infrastructure;

namespace LlmEngine.Tests.Chat.Fakes;

/// <summary>Chat templates for the chat-client tests: the shared real ones, and small ones written for these tests.</summary>
internal static class TestTemplates
{
    /// <summary>ChatML, as Qwen writes it (no tools).</summary>
    public const string ChatMl =
        "{% for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>
    /// A Mistral v3-style tool template written for these tests: tools in <c>[AVAILABLE_TOOLS]</c> before the last
    /// user turn, calls as <c>[TOOL_CALLS][...]</c> with their ids, results as <c>[TOOL_RESULTS]</c>; like Mistral's
    /// own templates it raises unless every call id is 9 alphanumeric characters.
    /// </summary>
    public const string MistralTools = """
        {{- bos_token }}
        {%- set user_count = messages | selectattr('role', 'equalto', 'user') | list | length %}
        {%- set ns = namespace(users=0) %}
        {%- for message in messages %}
            {%- if message.role == 'user' %}
                {%- set ns.users = ns.users + 1 %}
                {%- if tools and ns.users == user_count %}
                    {{- '[AVAILABLE_TOOLS]' + tools | tojson + '[/AVAILABLE_TOOLS]' }}
                {%- endif %}
                {{- '[INST]' + message.content + '[/INST]' }}
            {%- elif message.role == 'assistant' and message.tool_calls %}
                {{- '[TOOL_CALLS][' }}
                {%- for call in message.tool_calls %}
                    {%- if not (call.id is string and call.id | length == 9 and '_' not in call.id and '-' not in call.id) %}
                        {{- raise_exception('Tool call IDs should be alphanumeric strings with length 9!') }}
                    {%- endif %}
                    {{- '{"name": ' + call.function.name | tojson + ', "arguments": ' + call.function.arguments | tojson + ', "id": "' + call.id + '"}' }}
                    {%- if not loop.last %}{{- ', ' }}{%- endif %}
                {%- endfor %}
                {{- ']' + eos_token }}
            {%- elif message.role == 'assistant' %}
                {{- message.content + eos_token }}
            {%- elif message.role == 'tool' %}
                {{- '[TOOL_RESULTS]{"content": ' + message.content | tojson + ', "call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
            {%- else %}
                {{- raise_exception('Only user, assistant and tool roles are supported!') }}
            {%- endif %}
        {%- endfor %}
        """;

    public static string Qwen25 => File.ReadAllText(TestData.File("templates/Qwen-Qwen2.5-7B-Instruct.jinja"));

    public static string Qwen3 => File.ReadAllText(TestData.File("templates/Qwen-Qwen3-0.6B.jinja"));

    public static string Llama32 => File.ReadAllText(TestData.File("templates/meta-llama-Llama-3.2-3B-Instruct.jinja"));
}
