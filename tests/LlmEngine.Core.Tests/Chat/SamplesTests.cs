using System.Diagnostics;
using LlmEngine.Tests.Infrastructure;
using NUnit.Framework;

namespace LlmEngine.Tests.Chat;

/// <summary>Runs the built samples on the shared tiny model, as a user would: they must finish and print their report.</summary>
public sealed class SamplesTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [TestCase("QuickStart", "tokens: 134 in,")]
    [TestCase("ToolCalling", "tool-call format from its chat template: Hermes")]
    public async Task Sample_runs_on_the_tiny_model(string sample, string expected)
    {
        TestData.Directory("archs/hf/tiny-qwen2");
        var dll = Path.Combine(TestData.RepositoryRoot, "samples", sample, "bin", Configuration, "net10.0", sample + ".dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is built with the tests (project reference)");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [TestData.EnvironmentVariable] = TestData.Root },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.EqualTo(0), await error);
        Assert.That(await output, Does.Contain("model: tiny-qwen2").And.Contain(expected));
    }
}
