namespace LlmEngine.Peers;

/// <summary>One engine's value of a figure.</summary>
/// <param name="Best">Best run by the wall clock (fastest rate, or shortest time).</param>
/// <param name="Median">Median run by the wall clock.</param>
/// <param name="CpuEstimate">The best run's figure computed from the process CPU time divided by the threads.</param>
internal readonly record struct EngineFigure(double Best, double Median, double CpuEstimate);
