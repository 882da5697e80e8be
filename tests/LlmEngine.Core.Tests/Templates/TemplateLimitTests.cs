using LlmEngine.Templates;
using NUnit.Framework;

namespace LlmEngine.Tests.Templates;

public class TemplateLimitTests
{
    private static readonly Dictionary<string, object?> s_none = new();

    private static TemplateRuntimeException Fails(string source, ChatTemplateOptions options) =>
        Assert.Throws<TemplateRuntimeException>(() => ChatTemplate.Parse(source, options).RenderTemplate(s_none))!;

    [Test]
    public void OutputLength_IsLimited()
    {
        var e = Fails("{% for i in range(1000) %}0123456789{% endfor %}", new ChatTemplateOptions { MaxOutputLength = 5000 });
        Assert.That(e.Problem, Does.Contain("MaxOutputLength"));
    }

    [Test]
    public void StringRepetition_IsLimitedBeforeAllocating()
    {
        var e = Fails("{{ 'x' * 1000000000000 }}", new ChatTemplateOptions { MaxOutputLength = 1000 });
        Assert.That(e.Problem, Does.Contain("MaxOutputLength"));
    }

    [Test]
    public void DoublingAStringInALoop_IsLimited()
    {
        var e = Fails("{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", new ChatTemplateOptions { MaxOutputLength = 100_000 });
        Assert.That(e.Problem, Does.Contain("MaxOutputLength"));
    }

    [Test]
    public void ListGrowth_IsLimited()
    {
        var e = Fails("{% set l = [] %}{% for i in range(5000) %}{% do l.append(i) %}{% endfor %}", new ChatTemplateOptions { MaxOutputLength = 1000 });
        Assert.That(e.Problem, Does.Contain("MaxOutputLength"));
    }

    [Test]
    public void LoopIterations_AreLimitedAcrossNestedLoops()
    {
        var e = Fails("{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}", new ChatTemplateOptions { MaxLoopIterations = 5000 });
        Assert.That(e.Problem, Does.Contain("MaxLoopIterations"));
    }

    [Test]
    public void RangeSize_IsLimited()
    {
        var e = Fails("{{ range(10000000) | length }}", new ChatTemplateOptions { MaxRangeSize = 1000 });
        Assert.That(e.Problem, Does.Contain("MaxRangeSize"));
    }

    [Test]
    public void UnboundedMacroRecursion_IsLimited()
    {
        var e = Fails("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", new ChatTemplateOptions { MaxRecursionDepth = 50 });
        Assert.That(e.Problem, Does.Contain("MaxRecursionDepth"));
    }

    [Test]
    public void RecursionWithinTheLimit_Works()
    {
        var output = ChatTemplate.Parse("{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(5) }}").RenderTemplate(s_none);
        Assert.That(output, Is.EqualTo("54321"));
    }

    [Test]
    public void DeeplyNestedSource_IsASyntaxErrorNotACrash()
    {
        var source = "{{ " + new string('(', 1000) + "1" + new string(')', 1000) + " }}";
        Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
    }

    [Test]
    public void ThousandsOfUnaryOperators_AreASyntaxErrorNotACrash()
    {
        var source = "{{ " + string.Concat(Enumerable.Repeat("- ", 200_000)) + "1 }}";
        var e = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
        Assert.That(e!.Problem, Does.Contain("nests too deeply"));
    }

    [Test]
    public void DeeplyNestedBlocks_AreASyntaxErrorNotACrash()
    {
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 1000)) + string.Concat(Enumerable.Repeat("{% endif %}", 1000));
        Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(source));
    }
}
