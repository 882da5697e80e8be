using System.Text;
using LlmEngine.Tokenization;
using NUnit.Framework;

namespace LlmEngine.Tests.Engine;

public class StopStringMatcherTests
{
    private static (string Output, string? Match, List<string> Released) Run(string[] deltas, string[] stops, bool include = false)
    {
        var matcher = new StopStringMatcher(stops, include);
        var output = new StringBuilder();
        var released = new List<string>();
        string? match = null;
        foreach (var delta in deltas)
        {
            var before = output.Length;
            match ??= matcher.Process(delta, output);
            released.Add(output.ToString(before, output.Length - before));
        }
        matcher.Flush(output);
        return (output.ToString(), match, released);
    }

    [Test]
    public void AStopStringSpanningThreeDeltasIsCutAndNeverReleasedEarly()
    {
        var (output, match, released) = Run(["Hello S", "T", "O", "P and more"], ["STOP"]);
        Assert.That(match, Is.EqualTo("STOP"));
        Assert.That(output, Is.EqualTo("Hello "));
        Assert.That(released, Is.EqualTo(new[] { "Hello ", "", "", "" }));
    }

    [Test]
    public void TheStopStringIsKeptWhenIncluded()
    {
        var (output, match, _) = Run(["Hello S", "TO", "P and more"], ["STOP"], include: true);
        Assert.That(match, Is.EqualTo("STOP"));
        Assert.That(output, Is.EqualTo("Hello STOP"));
    }

    [Test]
    public void HeldBackTextIsReleasedWhenItTurnsOutNotToBeAStop()
    {
        var (output, match, released) = Run(["a S", "un", "ST"], ["STOP"]);
        Assert.That(match, Is.Null);
        Assert.That(released, Is.EqualTo(new[] { "a ", "Sun", "" }));
        Assert.That(output, Is.EqualTo("a SunST"), "Flush releases what is still held back");
    }

    [Test]
    public void TheEarliestOfSeveralStopStringsWins()
    {
        var (output, match, _) = Run(["one two three"], ["three", "two"]);
        Assert.That(match, Is.EqualTo("two"));
        Assert.That(output, Is.EqualTo("one "));
    }

    [Test]
    public void NothingIsAddedAfterAMatch()
    {
        var matcher = new StopStringMatcher(["x"]);
        var output = new StringBuilder();
        Assert.That(matcher.Process("abxcd", output), Is.EqualTo("x"));
        Assert.That(matcher.Process("more", output), Is.Null);
        matcher.Flush(output);
        Assert.That(output.ToString(), Is.EqualTo("ab"));
    }
}
