using NUnit.Framework;

namespace LlmEngine.Tests.Robustness;

/// <summary>Runs a fuzz loop on its own thread so that a parser stuck in a loop fails the test instead of hanging CI.</summary>
internal static class FuzzGuard
{
    // Far above the seconds a run takes even on a loaded machine: this catches hangs, it does not measure speed.
    private static readonly TimeSpan s_hangLimit = TimeSpan.FromMinutes(5);

    public static List<string> Run(Func<List<string>> fuzz)
    {
        var task = Task.Factory.StartNew(fuzz, TaskCreationOptions.LongRunning);
        if (!task.Wait(s_hangLimit))
        {
            Assert.Fail($"The fuzz loop did not finish within {s_hangLimit}: a corrupt file makes the loader hang.");
        }
        return task.Result;
    }
}
