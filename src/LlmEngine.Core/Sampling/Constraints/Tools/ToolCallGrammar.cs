using LlmEngine.Chat;
using LlmEngine.Sampling.Constraints.Grammars;
using LlmEngine.Sampling.Constraints.Json;

namespace LlmEngine.Sampling.Constraints.Tools;

/// <summary>
/// Builds the grammar of a <see cref="ToolCallConstraint"/>: exactly the text each family's tool-call parser reads
/// as calls (see <c>LlmEngine.Chat.ToolCalls</c>), with every call's arguments following its tool's schema.
/// </summary>
internal static class ToolCallGrammar
{
    private const string HermesOpen = "<tool_call>";
    private const string HermesClose = "</tool_call>";
    private const string PythonTag = "<|python_tag|>";
    private const string MistralMarker = "[TOOL_CALLS]";
    private const string ReasoningEnd = "</think>";
    private const string WhiteSpace = " \t\n\r";
    private const int MaxNameLength = 256;

    /// <exception cref="ConstraintException">No tools, a duplicate or empty name, an unsupported format, or a tool schema that does not compile (the message names the tool).</exception>
    public static Grammar Build(ToolCallConstraint spec)
    {
        if (spec.Tools.Count == 0)
        {
            throw new ConstraintException("A tool-call constraint needs at least one tool; the list is empty.");
        }
        var builder = new GrammarBuilder();
        JsonText.DefineCommonRules(builder, spec.Options);
        var ws = JsonText.Whitespace(spec.Options);
        var argumentsKey = spec.Format == ToolCallFormat.Llama3Json ? "parameters" : "arguments";
        var calls = new List<GrammarExpr>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Tools.Count; i++)
        {
            var tool = spec.Tools[i] ?? throw new ConstraintException($"Tool {i} of the tool-call constraint is null.");
            if (string.IsNullOrWhiteSpace(tool.Name) || tool.Name.Length > MaxNameLength)
            {
                throw new ConstraintException($"Tool {i} of the tool-call constraint has an empty or over-long name.");
            }
            if (!names.Add(tool.Name))
            {
                throw new ConstraintException($"The tool-call constraint offers the tool '{tool.Name}' twice.");
            }
            calls.Add(Call(builder, tool, i, argumentsKey, spec, ws));
        }
        builder.Define("call", GrammarExpr.Alt(calls));
        var call = GrammarExpr.Ref("call");
        var body = spec.Format switch
        {
            ToolCallFormat.Hermes => Hermes(call, ws, spec),
            ToolCallFormat.Llama3Json => Llama3(call, ws, spec),
            ToolCallFormat.Mistral => Mistral(call, ws, spec),
            ToolCallFormat.Json => Json(call, ws, spec),
            _ => throw new ConstraintException($"A tool-call constraint needs a concrete format (Hermes, Llama3Json, Mistral or Json), not {spec.Format}."),
        };
        if (spec.OpensReasoning)
        {
            body = GrammarExpr.Seq(FreeText.Avoiding(ReasoningEnd), GrammarExpr.Marker(ReasoningEnd), GrammarExpr.Repeat(new BytesExpr(ByteSet.Of(WhiteSpace)), 0, 4), body);
        }
        builder.Define("root", body);
        return builder.Build("root");
    }

    // {"name": "NAME", "arguments": ARGS} with the options' whitespace; Mistral calls may carry their 9-character id.
    private static GrammarExpr Call(GrammarBuilder builder, ToolCallSchema tool, int index, string argumentsKey, ToolCallConstraint spec, GrammarExpr ws)
    {
        GrammarExpr arguments;
        if (tool.ParametersSchema is null)
        {
            arguments = GrammarExpr.Ref(JsonText.ObjectRule);
        }
        else
        {
            try
            {
                arguments = JsonSchemaCompiler.CompileInto(builder, tool.ParametersSchema, spec.Options, $"tool{index}:");
            }
            catch (ConstraintException e)
            {
                throw new ConstraintException($"The parameters schema of tool '{tool.Name}' cannot constrain its calls: {e.Message}", e);
            }
        }
        var colon = GrammarExpr.Seq(ws, GrammarExpr.Lit(":"), ws);
        var comma = GrammarExpr.Seq(ws, GrammarExpr.Lit(","), ws);
        var members = new List<GrammarExpr>
        {
            GrammarExpr.Lit("{"), ws,
            JsonText.StringLiteral("name"), colon, JsonText.StringLiteral(tool.Name), comma,
            JsonText.StringLiteral(argumentsKey), colon, arguments,
        };
        if (spec.Format == ToolCallFormat.Mistral)
        {
            var id = GrammarExpr.Seq(GrammarExpr.Lit("\""), GrammarExpr.Repeat(GrammarExpr.Chars(CodePointSet.Of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")), 9, 9), GrammarExpr.Lit("\""));
            members.Add(GrammarExpr.Optional(GrammarExpr.Seq(comma, JsonText.StringLiteral("id"), colon, id)));
        }
        members.Add(ws);
        members.Add(GrammarExpr.Lit("}"));
        return GrammarExpr.Seq([.. members]);
    }

    // One call, or (when allowed) several, each after a separator.
    private static GrammarExpr Repeated(GrammarExpr item, GrammarExpr separator, bool parallel) =>
        parallel ? GrammarExpr.Seq(item, GrammarExpr.Star(GrammarExpr.Seq(separator, item))) : item;

    // <tool_call>\n{...}\n</tool_call>, blocks separated by white space; in auto mode, text without the marker first.
    private static GrammarExpr Hermes(GrammarExpr call, GrammarExpr ws, ToolCallConstraint spec)
    {
        var block = GrammarExpr.Seq(GrammarExpr.Marker(HermesOpen), ws, call, ws, GrammarExpr.Marker(HermesClose));
        var blocks = Repeated(block, ws, spec.AllowParallelCalls || !spec.Required);
        return spec.Required ? blocks : GrammarExpr.Seq(FreeText.Avoiding(HermesOpen), GrammarExpr.Optional(blocks));
    }

    // {"name": ..., "parameters": {...}}, several joined by ';', optionally after <|python_tag|>. Without the tag the
    // parser takes a message starting with '{' as calls, so auto-mode text starts otherwise.
    private static GrammarExpr Llama3(GrammarExpr call, GrammarExpr ws, ToolCallConstraint spec)
    {
        var separator = GrammarExpr.Seq(ws, GrammarExpr.Lit(";"), ws);
        var calls = Repeated(call, separator, spec.AllowParallelCalls || !spec.Required);
        var tagged = GrammarExpr.Seq(GrammarExpr.Marker(PythonTag), calls);
        if (spec.Required)
        {
            return GrammarExpr.Alt(GrammarExpr.Seq(JsonText.LeadingSpace, calls), tagged);
        }
        var text = FreeText.Avoiding(PythonTag, excludedFirst: "{" + WhiteSpace);
        return GrammarExpr.Alt(GrammarExpr.Seq(JsonText.LeadingSpace, calls), GrammarExpr.Seq(text, GrammarExpr.Optional(tagged)));
    }

    // [TOOL_CALLS][{...}, {...}] (v0.3 templates put a space before the bracket); in auto mode, text without the marker first.
    private static GrammarExpr Mistral(GrammarExpr call, GrammarExpr ws, ToolCallConstraint spec)
    {
        var calls = Repeated(call, GrammarExpr.Seq(ws, GrammarExpr.Lit(","), ws), spec.AllowParallelCalls || !spec.Required);
        var block = GrammarExpr.Seq(GrammarExpr.Marker(MistralMarker), ws, GrammarExpr.Lit("["), ws, calls, ws, GrammarExpr.Lit("]"));
        return spec.Required ? block : GrammarExpr.Seq(FreeText.Avoiding(MistralMarker), GrammarExpr.Optional(block));
    }

    // A call object, or an array of them; in auto mode, text that cannot be taken for JSON (or a fenced block) instead.
    private static GrammarExpr Json(GrammarExpr call, GrammarExpr ws, ToolCallConstraint spec)
    {
        var parallel = spec.AllowParallelCalls || !spec.Required;
        var calls = parallel
            ? GrammarExpr.Alt(call, GrammarExpr.Seq(GrammarExpr.Lit("["), ws, Repeated(call, GrammarExpr.Seq(ws, GrammarExpr.Lit(","), ws), true), ws, GrammarExpr.Lit("]")))
            : call;
        calls = GrammarExpr.Seq(JsonText.LeadingSpace, calls);
        return spec.Required ? calls : GrammarExpr.Alt(calls, FreeText.NotStartingWith("{[`" + WhiteSpace, FreeText.Any));
    }
}
