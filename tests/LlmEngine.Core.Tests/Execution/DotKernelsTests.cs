using LlmEngine.Execution.Cpu;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

public unsafe class DotKernelsTests
{
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(64)]
    [TestCase(172)]
    [TestCase(259)]
    public void Block_EqualsOnePairAtATime_AndTheDotProduct(int n)
    {
        const int rows = 9, tokens = 7;
        var random = new Random(n);
        var w = Enumerable.Range(0, rows * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var x = Enumerable.Range(0, tokens * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var blocked = new float[rows * tokens];
        var single = new float[1];

        fixed (float* wp = w, xp = x, yp = blocked, sp = single)
        {
            DotKernels.Block(wp, n, rows, xp, n, tokens, n, yp, 1, rows);
            for (var r = 0; r < rows; r++)
            {
                for (var t = 0; t < tokens; t++)
                {
                    DotKernels.Block(wp + r * n, n, 1, xp + t * n, n, 1, n, sp, 1, 1);
                    Assert.That(blocked[t * rows + r], Is.EqualTo(single[0]), $"row {r}, token {t}: same arithmetic in every blocking");
                    var exact = 0.0;
                    for (var k = 0; k < n; k++)
                    {
                        exact += (double)w[r * n + k] * x[t * n + k];
                    }
                    Assert.That(single[0], Is.EqualTo(exact).Within(1e-5));
                }
            }
        }
    }
}
