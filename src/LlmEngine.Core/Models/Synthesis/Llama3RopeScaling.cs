namespace LlmEngine.Models.Synthesis;

/// <summary>
/// Llama 3.1-style rope scaling (Hugging Face <c>rope_type: "llama3"</c>). llama.cpp does not store it as metadata:
/// its converter writes the per-frequency divisors as the F32 tensor <c>rope_freqs.weight</c> of head_dim/2 values.
/// </summary>
/// <param name="Factor">Divisor of the low frequencies (Llama 3.2: 32).</param>
/// <param name="LowFrequencyFactor">Wavelengths above original_context / this are divided by <paramref name="Factor"/> (1).</param>
/// <param name="HighFrequencyFactor">Wavelengths below original_context / this are kept (4).</param>
/// <param name="OriginalContextLength">The pre-training context (8192).</param>
public sealed record Llama3RopeScaling(float Factor, float LowFrequencyFactor, float HighFrequencyFactor, int OriginalContextLength)
{
    /// <summary>
    /// The divisor of each of the <paramref name="headDimension"/>/2 rope frequencies, computed as llama.cpp's
    /// converter does: float32 frequencies <c>theta^(-2i/d)</c>, then the smooth interpolation in double.
    /// </summary>
    public float[] FrequencyDivisors(int headDimension, float ropeTheta)
    {
        var lowFrequencyWavelength = OriginalContextLength / (double)LowFrequencyFactor;
        var highFrequencyWavelength = OriginalContextLength / (double)HighFrequencyFactor;
        var divisors = new float[headDimension / 2];
        for (var i = 0; i < divisors.Length; i++)
        {
            var frequency = (double)(1f / MathF.Pow(ropeTheta, 2 * i / (float)headDimension));
            var wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFrequencyWavelength)
            {
                divisors[i] = 1f;
            }
            else if (wavelength > lowFrequencyWavelength)
            {
                divisors[i] = Factor;
            }
            else
            {
                var smooth = (OriginalContextLength / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
                divisors[i] = (float)(1 / ((1 - smooth) / Factor + smooth));
            }
        }
        return divisors;
    }
}
