namespace LlmEngine.Execution.Cpu;

/// <summary>
/// A data-parallel operation over items <c>0..count</c> that <see cref="CpuWorkerPool"/> splits into ranges. Operations
/// are preallocated objects whose fields are set before each run, so a step allocates nothing.
/// </summary>
internal interface IParallelWork
{
    /// <summary>Processes items <paramref name="start"/> to <paramref name="end"/> on worker <paramref name="worker"/> (for its scratch).</summary>
    void Execute(int start, int end, int worker);
}
