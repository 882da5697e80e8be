namespace LlmEngine.Models.Architectures;

/// <summary>
/// Everything needed to rotate a head at a position: for rotary pair <c>i</c> at position <c>p</c> the angle is
/// <c>p * ThetaScale^i / Divisors[i] * FrequencyScale</c> and cos/sin are multiplied by <see cref="AttentionScale"/>
/// (ggml's <c>rope_yarn</c> without the YaRN ramp).
/// </summary>
internal sealed class RopeParameters
{
    private RopeParameters(int dimensions, RopeStyle style, float thetaScale, float[] divisors, float frequencyScale, float attentionScale)
    {
        Dimensions = dimensions;
        Style = style;
        ThetaScale = thetaScale;
        Divisors = divisors;
        FrequencyScale = frequencyScale;
        AttentionScale = attentionScale;
    }

    /// <summary>Rotated dimensions per head (pairs = half of it).</summary>
    public int Dimensions { get; }

    /// <summary>How the pairs are laid out in a head.</summary>
    public RopeStyle Style { get; }

    /// <summary><c>base^(-2 / Dimensions)</c>: the ratio of consecutive pairs' frequencies.</summary>
    public float ThetaScale { get; }

    /// <summary>Per-pair frequency divisors (Llama 3.1 and longrope factors; 1 otherwise).</summary>
    public float[] Divisors { get; }

    /// <summary>Linear position interpolation (1 / factor).</summary>
    public float FrequencyScale { get; }

    /// <summary>Magnitude scale of cos and sin (longrope's attention factor).</summary>
    public float AttentionScale { get; }

    /// <summary>
    /// Derives the rope of <paramref name="config"/>. <paramref name="frequencyDivisors"/> are stored divisors
    /// (<c>rope_freqs.weight</c>) when the file has them; <paramref name="maxModelLength"/> picks longrope's short or long factors.
    /// </summary>
    public static RopeParameters Create(ModelConfig config, float[]? frequencyDivisors, int maxModelLength)
    {
        var dims = config.RopeDimensions;
        var pairs = dims / 2;
        var thetaScale = MathF.Pow(config.RopeTheta, -2.0f / dims);
        var divisors = new float[pairs];
        Array.Fill(divisors, 1f);
        var frequencyScale = 1f;
        var attentionScale = 1f;
        var scaling = config.RopeScaling;
        if (frequencyDivisors is not null)
        {
            frequencyDivisors.CopyTo(divisors, 0);
        }
        else if (scaling is { Type: "llama3" })
        {
            Llama3Divisors(config, scaling, divisors);
        }
        if (scaling is { Type: "linear" } && scaling.Factor > 0)
        {
            frequencyScale = (float)(1.0 / scaling.Factor);
        }
        else if (scaling is { Type: "longrope" })
        {
            var factors = maxModelLength > scaling.OriginalContextLength ? scaling.LongFactors : scaling.ShortFactors;
            if (factors is null || factors.Length != pairs)
            {
                throw new ArgumentException($"longrope scaling needs {pairs} short and long factors", nameof(config));
            }
            factors.CopyTo(divisors, 0);
            if (scaling.Factor > 1 && scaling.OriginalContextLength > 1)
            {
                attentionScale = (float)Math.Sqrt(1 + Math.Log(scaling.Factor) / Math.Log(scaling.OriginalContextLength));
            }
        }
        return new RopeParameters(dims, config.RopeStyle, thetaScale, divisors, frequencyScale, attentionScale);
    }

    /// <summary>Llama 3.1's divisors from its rope_scaling parameters, as Hugging Face and llama.cpp's converter compute them.</summary>
    private static void Llama3Divisors(ModelConfig config, RopeScaling scaling, Span<float> divisors)
    {
        var dims = config.RopeDimensions;
        double original = scaling.OriginalContextLength;
        var lowWavelength = original / scaling.LowFrequencyFactor;
        var highWavelength = original / scaling.HighFrequencyFactor;
        for (var i = 0; i < divisors.Length; i++)
        {
            var frequency = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / dims);
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highWavelength)
            {
                divisors[i] = 1f;
            }
            else if (wavelength > lowWavelength)
            {
                divisors[i] = (float)scaling.Factor;
            }
            else
            {
                var smooth = (original / wavelength - scaling.LowFrequencyFactor) / (scaling.HighFrequencyFactor - scaling.LowFrequencyFactor);
                divisors[i] = (float)(1.0 / ((1 - smooth) / scaling.Factor + smooth));
            }
        }
    }

    /// <summary>Writes cos and sin of every pair's angle at <paramref name="position"/> (ggml's rope cache order of roundings).</summary>
    public void Angles(int position, Span<float> cos, Span<float> sin)
    {
        float theta = position;
        for (var i = 0; i < Divisors.Length; i++)
        {
            var angle = theta / Divisors[i] * FrequencyScale;
            cos[i] = MathF.Cos(angle) * AttentionScale;
            sin[i] = MathF.Sin(angle) * AttentionScale;
            theta *= ThetaScale;
        }
    }
}
