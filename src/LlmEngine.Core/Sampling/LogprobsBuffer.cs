namespace LlmEngine.Sampling;

/// <summary>Reusable result of a log-probability computation: the chosen token's and the top ones, most likely first.</summary>
internal sealed class LogprobsBuffer
{
    public int ChosenTokenId { get; set; }

    public float ChosenLogprob { get; set; }

    public int ChosenRank { get; set; }

    public int NumTop { get; set; }

    public int[] TopTokenIds { get; } = new int[SamplingParameters.MaxLogprobs];

    public float[] TopLogprobs { get; } = new float[SamplingParameters.MaxLogprobs];
}
