namespace LlmEngine.Execution.Cpu;

/// <summary>
/// An executor whose worker pool the engine may borrow between forward passes (to sample a batch's rows in parallel),
/// so that one set of threads serves the whole step instead of two pools competing for the same cores.
/// </summary>
internal interface IWorkerPoolProvider
{
    /// <summary>The pool; only used on the thread that calls the executor, never during a forward pass.</summary>
    CpuWorkerPool WorkerPool { get; }
}
