using System.Text;
using LlmEngine.Chat;
using LlmEngine.Tests.Chat.ToolCalls;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

public sealed class ReasoningSplitterTests
{
    private static readonly object[] s_cases =
    [
        new object[] { false, "<think>\nLet me think.\n</think>\n\nThe answer is 4.", "\nLet me think.\n", "The answer is 4." },
        new object[] { false, "  <think>short</think>answer", "short", "answer" },
        new object[] { false, "No thinking here.", "", "No thinking here." },
        new object[] { false, "Text <think>not at start</think>", "", "Text <think>not at start</think>" },
        new object[] { false, "<thin", "", "<thin" },
        new object[] { false, "<think>cut off by length", "cut off by length", "" },
        new object[] { true, "reasoning from the prompt's open block</think>\n\nanswer", "reasoning from the prompt's open block", "answer" },
        new object[] { true, "still thinking </thi", "still thinking </thi", "" },
        new object[] { false, "<think></think>\n\n", "", "" },
    ];

    [TestCaseSource(nameof(s_cases))]
    public void Splits_every_chunking_alike(bool startsInReasoning, string output, string expectedReasoning, string expectedAnswer)
    {
        foreach (var chunks in ParserRun.Chunkings(output))
        {
            var splitter = new ReasoningSplitter(startsInReasoning);
            var reasoning = new StringBuilder();
            var answer = new StringBuilder();
            foreach (var chunk in chunks)
            {
                splitter.Append(chunk, reasoning, answer);
            }
            splitter.Finish(reasoning, answer);
            Assert.That((reasoning.ToString(), answer.ToString()), Is.EqualTo((expectedReasoning, expectedAnswer)), $"chunks [{string.Join("][", chunks)}]");
        }
    }

    [TestCase("<|im_start|>assistant\n<think>\n", true)]
    [TestCase("<|im_start|>assistant\n<think>\n\n</think>\n\n", false)]
    [TestCase("<|im_start|>assistant\n", false)]
    public void Detects_a_prompt_that_opens_the_think_block(string prompt, bool opens) =>
        Assert.That(ReasoningSplitter.PromptOpensReasoning(prompt), Is.EqualTo(opens));
}
