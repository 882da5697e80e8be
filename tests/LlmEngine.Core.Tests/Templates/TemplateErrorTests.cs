using System.Text.Json;
using LlmEngine.Templates;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Templates;

public class TemplateErrorTests
{
    // Problems as Jinja2 3.1.6 words them (Python's own messages for type errors).
    [TestCase("{{ xs[5].foo }}", "list object has no element 5")]
    [TestCase("{{ d.zz.foo }}", "'dict object' has no attribute 'zz'")]
    [TestCase("{{ undefinedvar.foo }}", "'undefinedvar' is undefined")]
    [TestCase("{{ undefinedvar + 1 }}", "'undefinedvar' is undefined")]
    [TestCase("{{ 'a' + 1 }}", "can only concatenate str (not \"int\") to str")]
    [TestCase("{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'")]
    [TestCase("{{ [1] + 'a' }}", "can only concatenate list (not \"str\") to list")]
    [TestCase("{{ 1 / 0 }}", "division by zero")]
    [TestCase("{{ 1 // 0 }}", "integer division or modulo by zero")]
    [TestCase("{{ 1 % 0 }}", "integer modulo by zero")]
    [TestCase("{{ 'a' < 1 }}", "'<' not supported between instances of 'str' and 'int'")]
    [TestCase("{{ s() }}", "'str' object is not callable")]
    [TestCase("{{ d['x']['y'] }}", "'dict object' has no attribute 'x'")]
    [TestCase("{{ 1 | length }}", "object of type 'int' has no len()")]
    [TestCase("{% set a, b = [1, 2, 3] %}", "too many values to unpack (expected 2)")]
    [TestCase("{% set a, b, c = [1, 2] %}", "not enough values to unpack (expected 3, got 2)")]
    [TestCase("{{ ', '.join([1, 2]) }}", "sequence item 0: expected str instance, int found")]
    [TestCase("{{ 'abc'.index('z') }}", "substring not found")]
    [TestCase("{{ undefinedvar | tojson }}", "Object of type Undefined is not JSON serializable")]
    [TestCase("{{ 5 in 'abc' }}", "'in <string>' requires string as left operand, not int")]
    [TestCase("{{ -'a' }}", "bad operand type for unary -: 'str'")]
    [TestCase("{{ 1 | nosuchfilter }}", "No filter named 'nosuchfilter'.")]
    [TestCase("{{ 1 is nosuchtest }}", "No test named 'nosuchtest'.")]
    public void RuntimeErrors_CarryJinjasProblem(string source, string problem)
    {
        var e = Assert.Throws<TemplateRuntimeException>(() => JinjaConstructTests.Render(source));
        Assert.That(e!.Problem, Is.EqualTo(problem));
        Assert.That(e.Message, Does.Contain("line 1, column 1").And.Contain(problem));
    }

    [Test]
    public void RuntimeError_NamesTheLineAndColumnOfTheFailingStatement()
    {
        var e = Assert.Throws<TemplateRuntimeException>(() => JinjaConstructTests.Render("ok\n{% if true %}\n  {{ 'a' + 1 }}{% endif %}"));
        Assert.That((e!.Line, e.Column), Is.EqualTo((3, 3)));
    }

    [TestCase("line1\nline2 {{ 1 + }}", 2, 14, "unexpected 'end of print statement'")]
    [TestCase("{% if x %}never closed", 1, 23, "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.")]
    [TestCase("{% for x in xs %}\n{% endif %}", 2, 4, "Encountered unknown tag 'endif'. The innermost block that needs to be closed is 'for'.")]
    [TestCase("a\n  {% frobnicate %}", 2, 6, "Encountered unknown tag 'frobnicate'.")]
    [TestCase("{# never closed", 1, 1, "Missing end of comment tag")]
    [TestCase("{{ 'open }}", 1, 4, "unexpected end of string")]
    [TestCase("{{ (1 }}", 1, 7, "unexpected '}', expected ')'")]
    [TestCase("{{ 1 ]}}", 1, 6, "unexpected ']'")]
    [TestCase("{% raw %}no end", 1, 1, "Missing end of raw directive")]
    [TestCase("{{ x is }}", 1, 9, "expected test name, got 'end of print statement'")]
    [TestCase("{% set 1 = 2 %}", 1, 8, "can't assign to 'const'")]
    [TestCase("{% macro m(a=1, b) %}{% endmacro %}", 1, 17, "non-default argument follows default argument")]
    [TestCase("{% include 'x.jinja' %}", 1, 4, "the 'include' tag is not supported in chat templates (templates are rendered alone)")]
    [TestCase("{{ 1 $ 2 }}", 1, 6, "unexpected char '$'")]
    [TestCase("{{ 'bad \\x1' }}", 1, 4, "truncated \\xXX escape")]
    public void SyntaxErrors_NameLineAndColumn(string source, int line, int column, string problem)
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
        Assert.That(e!.Problem, Is.EqualTo(problem));
        Assert.That((e.Line, e.Column), Is.EqualTo((line, column)));
        Assert.That(e.Message, Does.Contain($"line {line}, column {column}"));
    }

    [Test]
    public void RaiseException_SurfacesTheTemplatesOwnMessage()
    {
        var template = ChatTemplate.Parse("{% if messages | length == 0 %}\n  {{ raise_exception('No messages!') }}\n{% endif %}");
        var e = Assert.Throws<ChatTemplateException>(() => template.Render(Array.Empty<object>()));
        Assert.That(e!.GetType(), Is.EqualTo(typeof(ChatTemplateException)));
        Assert.That(e.Message, Is.EqualTo("No messages!"));
        Assert.That(e.Line, Is.EqualTo(2));
    }

    [Test]
    public void Llama32_TwoToolCallsInOneMessage_RaisesTheTemplatesMessage()
    {
        var template = ChatTemplate.Parse(File.ReadAllText(TestData.File("templates/meta-llama-Llama-3.2-3B-Instruct.jinja")));
        var messages = JsonDocument.Parse("""
            [{"role": "user", "content": "Weather in Paris and Rome?"},
             {"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": "w", "arguments": {"city": "Paris"}}},
                {"type": "function", "function": {"name": "w", "arguments": {"city": "Rome"}}}]}]
            """).RootElement;
        var e = Assert.Throws<ChatTemplateException>(() => template.Render(messages, variables: new Dictionary<string, object?> { ["date_string"] = "1 Jan 2025" }));
        Assert.That(e!.Message, Is.EqualTo("This model only supports single tool-calls at once!"));
    }
}
