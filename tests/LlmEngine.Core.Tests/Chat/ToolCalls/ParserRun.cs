using System.Text;
using System.Text.Json;
using LlmEngine.Chat.ToolCalls;
using Microsoft.Extensions.AI;

namespace LlmEngine.Tests.Chat.ToolCalls;

/// <summary>Runs a tool-call parser over a model output cut into chunks, and describes what came out compactly.</summary>
internal static class ParserRun
{
    /// <summary>Feeds the chunks in order and finishes; returns every content in order.</summary>
    public static List<AIContent> Run(ToolCallParser parser, IEnumerable<string> chunks)
    {
        var output = new List<AIContent>();
        foreach (var chunk in chunks)
        {
            parser.Append(chunk, output);
        }
        parser.Finish(output);
        return output;
    }

    /// <summary>
    /// The contents as one line: adjacent texts joined (chunking may split them differently), each as
    /// <c>text:...</c>, each call as <c>call:name{json arguments}</c>, separated by <c>|</c>.
    /// </summary>
    public static string Describe(IEnumerable<AIContent> contents)
    {
        var parts = new List<string>();
        var text = new StringBuilder();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    if (text.Length > 0)
                    {
                        parts.Add("text:" + text);
                        text.Clear();
                    }
                    parts.Add("call:" + call.Name + JsonSerializer.Serialize(call.Arguments));
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected content {content.GetType().Name}.");
            }
        }
        if (text.Length > 0)
        {
            parts.Add("text:" + text);
        }
        return string.Join("|", parts);
    }

    /// <summary>Every way to cut <paramref name="output"/> in two, plus one character at a time.</summary>
    public static IEnumerable<string[]> Chunkings(string output)
    {
        yield return [output];
        for (var i = 1; i < output.Length; i++)
        {
            yield return [output[..i], output[i..]];
        }
        yield return [.. output.Select(c => c.ToString())];
    }

    /// <summary>Asserts that every chunking of <paramref name="output"/> gives <paramref name="expected"/>.</summary>
    public static void AssertAllChunkings(Func<ToolCallParser> create, string output, string expected)
    {
        foreach (var chunks in Chunkings(output))
        {
            var described = Describe(Run(create(), chunks));
            if (described != expected)
            {
                NUnit.Framework.Assert.Fail($"Chunks [{string.Join("][", chunks)}]\n gave {described}\n  not {expected}");
            }
        }
    }
}
