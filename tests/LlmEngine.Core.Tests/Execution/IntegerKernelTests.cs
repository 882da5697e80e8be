using LlmEngine.Execution.Cpu;
using LlmEngine.Execution.Cpu.Kernels;
using LlmEngine.Models;
using LlmEngine.Models.Quantization;
using NUnit.Framework;

namespace LlmEngine.Tests.Execution;

/// <summary>
/// The integer kernels (int8 activations) on every instruction set this CPU has, per weight type: exact against the
/// dequantized weights times the dequantized int8 activations (the integer sums are exact, so only float rounding
/// differs), and within the activation quantization's error of the float product with the exact activations.
/// </summary>
public unsafe class IntegerKernelTests
{
    private static readonly GgmlType[] s_types = [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var type in s_types)
        {
            foreach (var path in Enum.GetValues<IntegerKernelPath>())
            {
                // 1 token: the row-by-row kernels; 6: interleaved blocks on AVX-VNNI (four tokens at once and two alone).
                foreach (var tokens in new[] { 1, 6 })
                {
                    foreach (var rows in new[] { 8, 7 })
                    {
                        yield return new TestCaseData(type, path.ToString(), tokens, rows).SetName($"{type}_{path}_{tokens}tokens_{rows}rows");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Tile_MatchesTheDequantizedProduct(GgmlType type, string pathName, int tokens, int rows)
    {
        var path = Enum.Parse<IntegerKernelPath>(pathName);
        if (!IntegerKernelPaths.IsSupported(path))
        {
            Assert.Ignore($"{path} is not supported on this CPU");
        }
        const int n = 768;
        var random = new Random((int)type * 31 + (int)path + 7 * tokens + rows);
        var rowBytes = (int)GgmlTypeInfo.RowBytes(type, n);
        var weights = new byte[rows * rowBytes];
        var dequantized = new float[rows * n];
        for (var r = 0; r < rows; r++)
        {
            var values = Gaussian(random, n, 0.05f);
            Quantizer.Quantize(type, values, weights.AsSpan(r * rowBytes, rowBytes));
            Dequantizer.Dequantize(type, weights.AsSpan(r * rowBytes, rowBytes), dequantized.AsSpan(r * n, n));
        }
        // Activations with a few outliers, as real hidden states have.
        var x = Gaussian(random, tokens * n, 1f);
        for (var i = 0; i < x.Length; i += 97)
        {
            x[i] *= 20;
        }
        var format = IntegerMatMul.FormatOf(type, n);
        using var memory = new NativeBuffer();
        var activations = new QuantizedActivations(memory, tokens, n);
        var tile = new DecodedWeightTile(memory, n);
        var results = new float[tokens * 8];
        fixed (float* xp = x)
        fixed (byte* wp = weights)
        fixed (float* yp = results)
        {
            for (var t = 0; t < tokens; t++)
            {
                activations.Quantize(format, t, xp + t * n, n);
            }
            for (var r = 0; r < rows; r += DecodedWeightTile.MaxRows)
            {
                tile.Decode(type, wp + r * rowBytes, rowBytes, Math.Min(DecodedWeightTile.MaxRows, rows - r), n);
                IntegerMatMul.Multiply(path, tile, activations, 0, tokens, yp + r, 8);
            }
        }
        for (var t = 0; t < tokens; t++)
        {
            var xq = DequantizedActivations(activations, format, t, n);
            for (var r = 0; r < rows; r++)
            {
                var w = dequantized.AsSpan(r * n, n);
                double exact = 0, magnitude = 0, floatProduct = 0, wNorm = 0, xNorm = 0;
                for (var i = 0; i < n; i++)
                {
                    exact += (double)w[i] * xq[i];
                    magnitude += Math.Abs((double)w[i] * xq[i]);
                    floatProduct += (double)w[i] * x[t * n + i];
                    wNorm += (double)w[i] * w[i];
                    xNorm += (double)x[t * n + i] * x[t * n + i];
                }
                var actual = results[t * 8 + r];
                Assert.That(actual, Is.EqualTo(exact).Within(1e-5 * magnitude + 1e-6), $"row {r} token {t}: integer sums");
                Assert.That(actual, Is.EqualTo(floatProduct).Within(1e-2 * Math.Sqrt(wNorm * xNorm)), $"row {r} token {t}: against float activations");
            }
        }
    }

    private static IEnumerable<TestCaseData> InPlaceCases()
    {
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (var path in new[] { IntegerKernelPath.Avx2, IntegerKernelPath.AvxVnni })
            {
                // 7 rows: the four- and two-row groups plus the single-row tails.
                yield return new TestCaseData(type, path.ToString(), 7).SetName($"InPlace_{type}_{path}_7rows");
            }
        }
    }

    [TestCaseSource(nameof(InPlaceCases))]
    public void InPlaceRows_MatchTheDequantizedProduct(GgmlType type, string pathName, int rows)
    {
        var path = Enum.Parse<IntegerKernelPath>(pathName);
        if (!IntegerKernelPaths.IsSupported(path))
        {
            Assert.Ignore($"{path} is not supported on this CPU");
        }
        Assert.That(IntegerMatMul.HasInPlaceKernel(path, type), Is.True);
        const int n = 768;
        var random = new Random((int)type * 17 + (int)path);
        var rowBytes = (int)GgmlTypeInfo.RowBytes(type, n);
        var weights = new byte[rows * rowBytes];
        var dequantized = new float[rows * n];
        for (var r = 0; r < rows; r++)
        {
            var values = Gaussian(random, n, 0.05f);
            // A large row makes Q6_K's scales and Q4_K's minimums reach their extremes.
            if (r == 3)
            {
                values[5] = 3;
                values[300] = -3;
            }
            Quantizer.Quantize(type, values, weights.AsSpan(r * rowBytes, rowBytes));
            Dequantizer.Dequantize(type, weights.AsSpan(r * rowBytes, rowBytes), dequantized.AsSpan(r * n, n));
        }
        var x = Gaussian(random, n, 1f);
        for (var i = 0; i < x.Length; i += 97)
        {
            x[i] *= 20;
        }
        var format = IntegerMatMul.FormatOf(type, n);
        using var memory = new NativeBuffer();
        var activations = new QuantizedActivations(memory, 1, n);
        var results = new float[rows];
        fixed (float* xp = x)
        fixed (byte* wp = weights)
        fixed (float* yp = results)
        {
            activations.Quantize(format, 0, xp, n);
            IntegerMatMul.MultiplyInPlace(path, type, wp, rowBytes, rows, n, activations, 0, yp);
        }
        var xq = DequantizedActivations(activations, format, 0, n);
        for (var r = 0; r < rows; r++)
        {
            double exact = 0, magnitude = 0;
            for (var i = 0; i < n; i++)
            {
                exact += (double)dequantized[r * n + i] * xq[i];
                magnitude += Math.Abs((double)dequantized[r * n + i] * xq[i]);
            }
            Assert.That(results[r], Is.EqualTo(exact).Within(1e-5 * magnitude + 1e-6), $"row {r}");
        }
    }

    [Test]
    public void HalfBits_ConvertEveryFiniteHalfExactly()
    {
        var bytes = new byte[2];
        fixed (byte* p = bytes)
        {
            for (var bits = 0; bits < 0x10000; bits++)
            {
                var half = BitConverter.UInt16BitsToHalf((ushort)bits);
                if (!Half.IsFinite(half))
                {
                    continue;
                }
                bytes[0] = (byte)bits;
                bytes[1] = (byte)(bits >> 8);
                Assert.That(BitConverter.SingleToUInt32Bits(HalfBits.Read(p)), Is.EqualTo(BitConverter.SingleToUInt32Bits((float)half)), $"half 0x{bits:x4}");
            }
        }
    }

    [Test]
    public void BlockActivations_AreLlamaCppsQ8_0()
    {
        // ggml's quantize_row_q8_0: scale max|x| / 127 stored as a half, levels round(x · 127 / max|x|) half to even.
        var x = new float[64];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (i - 20) * 0.37f;
        }
        using var memory = new NativeBuffer();
        var activations = new QuantizedActivations(memory, 1, 64);
        fixed (float* xp = x)
        {
            activations.Quantize(ActivationFormat.Blocks, 0, xp, 64);
        }
        for (var b = 0; b < 2; b++)
        {
            var amax = x.Skip(32 * b).Take(32).Max(Math.Abs);
            Assert.That(activations.BlockScales(0)[b], Is.EqualTo((float)(Half)(amax / 127)));
            for (var i = 32 * b; i < 32 * b + 32; i++)
            {
                Assert.That(activations.BlockQuants(0)[i], Is.EqualTo((sbyte)MathF.Round(x[i] * (127 / amax), MidpointRounding.ToEven)), $"element {i}");
            }
        }
    }

    [Test]
    public void SuperBlockActivations_AreLlamaCppsQ8_K()
    {
        var random = new Random(3);
        var x = Gaussian(random, 512, 1);
        x[300] = -9;
        using var memory = new NativeBuffer();
        var activations = new QuantizedActivations(memory, 1, 512);
        fixed (float* xp = x)
        {
            activations.Quantize(ActivationFormat.SuperBlocks, 0, xp, 512);
        }
        for (var b = 0; b < 2; b++)
        {
            var block = x.Skip(256 * b).Take(256).ToArray();
            var max = block.MaxBy(Math.Abs);
            var iscale = -127f / max;
            Assert.That(activations.SuperScales(0)[b], Is.EqualTo(1 / iscale));
            for (var i = 0; i < 256; i++)
            {
                Assert.That(activations.SuperQuants(0)[256 * b + i], Is.EqualTo((sbyte)Math.Min(127, QuantMath.NearestInt(iscale * block[i]))), $"element {i}");
            }
            for (var g = 0; g < 16; g++)
            {
                var sum = 0;
                for (var i = 0; i < 16; i++)
                {
                    sum += activations.SuperQuants(0)[256 * b + 16 * g + i];
                }
                Assert.That(activations.SuperSums(0)[16 * b + g], Is.EqualTo(sum));
            }
        }
    }

    private static float[] DequantizedActivations(QuantizedActivations activations, ActivationFormat format, int token, int n)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = format == ActivationFormat.Blocks
                ? activations.BlockQuants(token)[i] * activations.BlockScales(token)[i / 32]
                : activations.SuperQuants(token)[i] * activations.SuperScales(token)[i / 256];
        }
        return values;
    }

    private static float[] Gaussian(Random random, int count, float sigma)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return values;
    }
}
