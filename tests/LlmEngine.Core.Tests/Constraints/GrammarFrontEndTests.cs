using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

[TestFixture]
public sealed class GrammarFrontEndTests
{
    private static CompiledConstraint Compile(ConstraintSpec spec) => ConstraintCompiler.CompileUncached(spec);

    [TestCase("abc", "abc", true)]
    [TestCase("abc", "ab", false)]
    [TestCase("^abc$", "abc", true)]
    [TestCase("a|bc", "bc", true)]
    [TestCase("a|bc", "abc", false)]
    [TestCase("[a-c]+", "abcab", true)]
    [TestCase("[a-c]+", "", false)]
    [TestCase("[^a-c]", "d", true)]
    [TestCase("[^a-c]", "b", false)]
    [TestCase("\\d{3}-\\d{2,4}", "123-4567", true)]
    [TestCase("\\d{3}-\\d{2,4}", "123-45678", false)]
    [TestCase("\\d{3,}", "12", false)]
    [TestCase("\\d{3,}", "123456", true)]
    [TestCase("(ab)*c?", "ababc", true)]
    [TestCase("(?:ab)+", "aba", false)]
    [TestCase("(?<year>\\d{4})", "2024", true)]
    [TestCase("\\w+\\s\\w+", "hi there", true)]
    [TestCase("\\W", "a", false)]
    [TestCase(".", "\n", false)]
    [TestCase(".", "ü", true)]
    [TestCase("日本+", "日本本", true)]
    [TestCase("[ä-ü]", "é", true)]
    [TestCase("[ä-ü]", "a", false)]
    [TestCase("\\x41\\u0042\\u{43}", "ABC", true)]
    [TestCase("a\\.b", "a.b", true)]
    [TestCase("a\\.b", "axb", false)]
    [TestCase("x{2}", "xx", true)]
    [TestCase("a{,2}", "a{,2}", true)]
    [TestCase("[\\d.]+", "1.5", true)]
    [TestCase("[^\\d]", "٣", false)]
    [TestCase("a*?b", "aab", true)]
    public void Regex_matches_like_a_full_match(string pattern, string input, bool expected)
    {
        Assert.That(Compile(new RegexConstraint(pattern)).Matches(input), Is.EqualTo(expected));
    }

    [Test]
    public void Choice_accepts_exactly_its_strings()
    {
        var c = Compile(new ChoiceConstraint(["yes", "no", "not sure", "ü"]));
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("yes"), Is.True);
            Assert.That(c.Matches("not sure"), Is.True);
            Assert.That(c.Matches("ü"), Is.True);
            Assert.That(c.Matches("not"), Is.False);
            Assert.That(c.Matches("yes "), Is.False);
            Assert.That(c.Matches(""), Is.False);
        });
    }

    [Test]
    public void Gbnf_grammar_with_rules_classes_and_repetition()
    {
        const string gbnf = """
            # arithmetic
            root   ::= expr
            expr   ::= term (("+" | "-") term)*
            term   ::= factor ("*" factor)*
            factor ::= number | "(" expr ")"
            number ::= [1-9] [0-9]{0,3} | "0"
            """;
        var c = Compile(new GbnfGrammarConstraint(gbnf));
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("1+2*(3-40)"), Is.True);
            Assert.That(c.Matches("0"), Is.True);
            Assert.That(c.Matches("12345"), Is.False);
            Assert.That(c.Matches("1+"), Is.False);
            Assert.That(c.Matches("(1"), Is.False);
        });
    }

    [Test]
    public void Gbnf_literals_escapes_negated_classes_dot_and_multiline_alternatives()
    {
        const string gbnf = """
            root ::= "say \"" word "\"\n" tail
              | "\x41" .
            word ::= [^"\\ ]+
            tail ::= (
                "end" |
                "stop"
              )?
            """;
        var c = Compile(new GbnfGrammarConstraint(gbnf));
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("say \"hi\"\nend"), Is.True);
            Assert.That(c.Matches("say \"hi\"\n"), Is.True);
            Assert.That(c.Matches("say \"h i\"\n"), Is.False);
            Assert.That(c.Matches("A日"), Is.True);
            Assert.That(c.Matches("A"), Is.False);
        });
    }

    [Test]
    public void Gbnf_counted_repetition()
    {
        var c = Compile(new GbnfGrammarConstraint("root ::= [ab]{2,3} \"x\"{2} [c]{1,}"));
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("abxxc"), Is.True);
            Assert.That(c.Matches("abaxxccc"), Is.True);
            Assert.That(c.Matches("axxc"), Is.False);
            Assert.That(c.Matches("abxc"), Is.False);
            Assert.That(c.Matches("abxx"), Is.False);
        });
    }

    [Test]
    public void Json_object_accepts_any_object_only()
    {
        var c = Compile(new JsonObjectConstraint());
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("{}"), Is.True);
            Assert.That(c.Matches("{\"a\":[1,2.5e3,{\"b\":null}],\"c\":\"x\\\"y\\u00e9\"}"), Is.True);
            Assert.That(c.Matches("[1]"), Is.False);
            Assert.That(c.Matches("{\"a\":01}"), Is.False);
            Assert.That(c.Matches("{\"a\": 1}"), Is.False, "compact by default");
            Assert.That(c.Matches("{\"a\":\"\\ud800\"}"), Is.False, "lone surrogate escapes are not text");
        });
    }

    [Test]
    public void Whitespace_policy_allows_bounded_whitespace()
    {
        var c = Compile(new JsonObjectConstraint { Options = new ConstraintOptions { MaxWhitespace = 2 } });
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("{ \"a\": 1, \"b\" :[ 2 ] }"), Is.True);
            Assert.That(c.Matches("{\n \"a\": 1\n}"), Is.True);
            Assert.That(c.Matches("{   \"a\":1}"), Is.False);
        });
    }

    [Test]
    public void Nesting_depth_limit_cuts_deeper_values()
    {
        var c = Compile(new JsonObjectConstraint { Options = new ConstraintOptions { MaxNestingDepth = 2 } });
        Assert.Multiple(() =>
        {
            Assert.That(c.Matches("{\"a\":{\"b\":1}}"), Is.True);
            Assert.That(c.Matches("{\"a\":[1]}"), Is.True);
            Assert.That(c.Matches("{\"a\":{\"b\":{}}}"), Is.False);
        });
    }

    [Test]
    public void Compiler_caches_equal_specs()
    {
        var compiler = new ConstraintCompiler();
        var a = compiler.Compile(new ChoiceConstraint(["x", "y"]));
        var b = compiler.Compile(new ChoiceConstraint(new List<string> { "x", "y" }));
        var c = compiler.Compile(new ChoiceConstraint(["x", "y"]) { Options = new ConstraintOptions { MaxWhitespace = 1 } });
        Assert.Multiple(() =>
        {
            Assert.That(b, Is.SameAs(a));
            Assert.That(c, Is.Not.SameAs(a));
            Assert.That(compiler.CachedCount, Is.EqualTo(2));
        });
    }
}
