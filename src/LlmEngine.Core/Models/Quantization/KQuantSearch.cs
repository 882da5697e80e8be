namespace LlmEngine.Models.Quantization;

/// <summary>
/// The scale searches of ggml's k-quant reference quantizers (<c>make_qx_quants</c>, <c>make_qkx2_quants</c>),
/// transcribed operation for operation: every product and sum is rounded to float in the same order as the C,
/// which is what makes the output bytes equal llama-quantize's.
/// </summary>
internal static class KQuantSearch
{
    /// <summary>ggml's <c>GROUP_MAX_EPS</c>: a group whose largest magnitude is below this is all zero.</summary>
    public const float GroupMaxEps = 1e-15f;

    /// <summary>
    /// Symmetric levels in [-nmax, nmax) for <paramref name="x"/>, written to <paramref name="levels"/> offset by nmax;
    /// returns the scale. Weights are x² (ggml's rmse_type 1 without importance).
    /// </summary>
    public static float SymmetricScale(int nmax, ReadOnlySpan<float> x, Span<byte> levels)
    {
        var n = x.Length;
        float max = 0, amax = 0;
        for (var i = 0; i < n; i++)
        {
            var ax = MathF.Abs(x[i]);
            if (ax > amax)
            {
                amax = ax;
                max = x[i];
            }
        }
        if (amax < GroupMaxEps)
        {
            levels[..n].Clear();
            return 0f;
        }
        var iscale = -nmax / max;
        float sumlx = 0, suml2 = 0;
        for (var i = 0; i < n; i++)
        {
            var l = Math.Clamp(QuantMath.NearestInt(iscale * x[i]), -nmax, nmax - 1);
            levels[i] = (byte)(l + nmax);
            var w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        var scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        var best = scale * sumlx;
        for (var step = -9; step <= 9; step++)
        {
            if (step == 0)
            {
                continue;
            }
            iscale = -(nmax + 0.1f * step) / max;
            sumlx = suml2 = 0;
            for (var i = 0; i < n; i++)
            {
                var l = Math.Clamp(QuantMath.NearestInt(iscale * x[i]), -nmax, nmax - 1);
                var w = x[i] * x[i];
                sumlx += w * x[i] * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2)
            {
                for (var i = 0; i < n; i++)
                {
                    levels[i] = (byte)(nmax + Math.Clamp(QuantMath.NearestInt(iscale * x[i]), -nmax, nmax - 1));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /// <summary>
    /// Affine levels in [0, nmax] for <paramref name="x"/> minimising the weighted squared error over a grid of
    /// <paramref name="steps"/>+1 candidate scales; returns the scale and sets <paramref name="negativeMin"/> to
    /// -min (ggml's <c>the_min</c>). <paramref name="scratch"/> holds x.Length bytes.
    /// </summary>
    public static float AffineScale(int nmax, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, Span<byte> levels,
        out float negativeMin, Span<byte> scratch, float rmin, float rdelta, int steps)
    {
        var n = x.Length;
        var min = x[0];
        var max = x[0];
        var sumW = weights[0];
        var sumX = sumW * x[0];
        for (var i = 1; i < n; i++)
        {
            if (x[i] < min)
            {
                min = x[i];
            }
            if (x[i] > max)
            {
                max = x[i];
            }
            var w = weights[i];
            sumW += w;
            sumX += w * x[i];
        }
        if (min > 0)
        {
            min = 0;
        }
        if (max == min)
        {
            levels[..n].Clear();
            negativeMin = -min;
            return 0f;
        }
        var iscale = nmax / (max - min);
        var scale = 1 / iscale;
        float bestError = 0;
        for (var i = 0; i < n; i++)
        {
            var l = Math.Clamp(QuantMath.NearestInt(iscale * (x[i] - min)), 0, nmax);
            levels[i] = (byte)l;
            var diff = scale * l + min - x[i];
            bestError += weights[i] * (diff * diff);
        }
        for (var step = 0; step <= steps; step++)
        {
            iscale = (rmin + rdelta * step + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (var i = 0; i < n; i++)
            {
                var l = Math.Clamp(QuantMath.NearestInt(iscale * (x[i] - min)), 0, nmax);
                scratch[i] = (byte)l;
                var w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[i];
            }
            var det = sumW * sumL2 - sumL * sumL;
            if (det > 0)
            {
                var thisScale = (sumW * sumXL - sumX * sumL) / det;
                var thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0)
                {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (var i = 0; i < n; i++)
                {
                    var diff = thisScale * scratch[i] + thisMin - x[i];
                    error += weights[i] * (diff * diff);
                }
                if (error < bestError)
                {
                    scratch[..n].CopyTo(levels);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        negativeMin = -min;
        return scale;
    }
}
