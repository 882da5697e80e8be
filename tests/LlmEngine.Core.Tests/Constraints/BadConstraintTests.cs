using LlmEngine.Sampling.Constraints;
using NUnit.Framework;

namespace LlmEngine.Tests.Constraints;

[TestFixture]
public sealed class BadConstraintTests
{
    private static ConstraintException Fails(ConstraintSpec spec) =>
        Assert.Throws<ConstraintException>(() => ConstraintCompiler.CompileUncached(spec))!;

    [TestCase("{\"type\":\"object\"", "not valid JSON")]
    [TestCase("", "empty")]
    [TestCase("{\"type\":\"strin\"}", "unknown type 'strin'")]
    [TestCase("{\"type\":\"object\",\"patternProperties\":{\"^a\":{}}}", "'patternProperties'")]
    [TestCase("{\"not\":{\"type\":\"string\"},\"if\":{}}", "'not', 'if'")]
    [TestCase("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "minLength 5 > maxLength 2")]
    [TestCase("{\"type\":\"integer\",\"minimum\":5,\"maximum\":2}", "No integer satisfies")]
    [TestCase("{\"type\":\"array\",\"minItems\":3,\"maxItems\":1}", "minItems 3 > maxItems 1")]
    [TestCase("{\"type\":\"string\",\"format\":\"hostname\"}", "Unsupported string format 'hostname'")]
    [TestCase("{\"type\":\"string\",\"enum\":[1,2]}", "enum")]
    [TestCase("{\"$ref\":\"https://example.com/s.json\"}", "Only local '$ref's")]
    [TestCase("{\"$ref\":\"#/$defs/missing\"}", "does not resolve")]
    [TestCase("{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", "backreferences")]
    [TestCase("{\"type\":\"object\",\"required\":[\"x\"],\"additionalProperties\":false}", "required property 'x'")]
    [TestCase("{\"allOf\":[{\"type\":\"string\"},{\"minLength\":1}]}", "'allOf'")]
    [TestCase("{\"type\":\"integer\",\"exclusiveMinimum\":true}", "draft-04")]
    public void Invalid_or_unsupported_schemas_fail_with_a_message_naming_the_problem(string schema, string expected)
    {
        Assert.That(Fails(new JsonSchemaConstraint(schema)).Message, Does.Contain(expected));
    }

    [Test]
    public void A_schema_that_can_never_finish_is_rejected()
    {
        const string schema = """
            {"$defs":{"node":{"type":"object","properties":{"next":{"$ref":"#/$defs/node"}},"required":["next"],"additionalProperties":false}},
             "$ref":"#/$defs/node"}
            """;
        var e = Fails(new JsonSchemaConstraint(schema));
        Assert.That(e.Message, Does.Contain("No finite output").And.Contain("#/$defs/node"));
    }

    [Test]
    public void A_recursive_schema_with_a_base_case_compiles()
    {
        const string schema = """
            {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#/$defs/node"}},"required":["v"],"additionalProperties":false}},
             "$ref":"#/$defs/node"}
            """;
        var c = ConstraintCompiler.CompileUncached(new JsonSchemaConstraint(schema));
        Assert.That(c.Matches("{\"v\":1,\"next\":{\"v\":2}}"), Is.True);
    }

    [TestCase("(?=a)b", "lookahead")]
    [TestCase("(?<!a)b", "lookbehind")]
    [TestCase("(a)\\1", "backreferences")]
    [TestCase("(?<n>a)\\k<n>", "named backreferences")]
    [TestCase("\\bword", "word-boundary")]
    [TestCase("a^b", "'^'")]
    [TestCase("a$b", "'$'")]
    [TestCase("\\p{L}", "Unicode property")]
    [TestCase("(?i)abc", "group syntax")]
    [TestCase("(abc", "unterminated group")]
    [TestCase("abc)", "unmatched ')'")]
    [TestCase("[abc", "unterminated character class")]
    [TestCase("*a", "nothing to repeat")]
    [TestCase("a**", "nothing to repeat")]
    [TestCase("[z-a]", "out of order")]
    [TestCase("a{3,1}", "out of order")]
    [TestCase("\\q", "unknown escape")]
    public void Unsupported_regex_features_are_named(string pattern, string expected)
    {
        Assert.That(Fails(new RegexConstraint(pattern)).Message, Does.Contain(expected));
    }

    [Test]
    public void Empty_choice_list_is_rejected()
    {
        Assert.That(Fails(new ChoiceConstraint([])).Message, Does.Contain("empty"));
    }

    [TestCase("root ::= item+\n", "Undefined rule 'item'")]
    [TestCase("start ::= \"a\"\n", "no 'root' rule")]
    [TestCase("root ::= \"a\"\nroot ::= \"b\"\n", "defined more than once")]
    [TestCase("root ::= \"a\n", "unterminated string")]
    [TestCase("root ::= [a-\n", "unterminated character class")]
    [TestCase("root ::= (\"a\"\n", "unclosed '('")]
    [TestCase("root = \"a\"\n", "expected '::='")]
    [TestCase("root ::= expr\nexpr ::= expr \"+\" \"1\" | \"1\"\n", "left-recursive")]
    [TestCase("root ::= loop\nloop ::= \"a\" loop\n", "No finite output")]
    [TestCase("root ::= <think>\n", "token references")]
    [TestCase("root ::= \"a\"{3,1}\n", "min > max")]
    public void Bad_gbnf_grammars_are_rejected_by_name(string gbnf, string expected)
    {
        Assert.That(Fails(new GbnfGrammarConstraint(gbnf)).Message, Does.Contain(expected));
    }

    [Test]
    public void Out_of_range_options_are_rejected()
    {
        Assert.That(Fails(new JsonObjectConstraint { Options = new ConstraintOptions { MaxNestingDepth = 0 } }).Message, Does.Contain("MaxNestingDepth"));
    }

    [Test]
    public void Constraint_exception_is_an_argument_exception()
    {
        Assert.That(Fails(new ChoiceConstraint([])), Is.InstanceOf<ArgumentException>());
    }
}
