using LlmEngine.Execution.Cpu;
using LlmEngine.Sampling;
using LlmEngine.Scheduling;

namespace LlmEngine.Engine;

/// <summary>
/// Samples the rows of one step, in parallel on the executor's worker pool when the batch is worth it: one
/// <see cref="Sampler"/> (its vocabulary-sized scratch) per worker, one log-probability buffer per row. A request's
/// draw reads only its own row and state, so the tokens are the same whichever worker samples them. Requests under a
/// structured-output constraint are not added here: their constraint state is advanced on the engine thread.
/// Errors (NaN logits, everything masked) are kept per row and rethrown by the engine for that request alone.
/// </summary>
internal sealed class BatchSampler : IParallelWork
{
    // Below this many logits in the batch a parallel run costs more than it saves (a row of a small vocabulary is microseconds).
    private const long MinParallelLogits = 1 << 16;

    private readonly Sampler[] _samplers;
    private readonly int _vocabularySize;
    private readonly Request[] _requests;
    private readonly int[] _rows;
    private readonly int[] _tokens;
    private readonly Exception?[] _errors;
    private readonly LogprobsBuffer[] _logprobs;
    private float[] _logits = [];

    public BatchSampler(Sampler engineSampler, int workers, int maxRows)
    {
        _vocabularySize = engineSampler.VocabularySize;
        _samplers = new Sampler[workers];
        _samplers[0] = engineSampler;
        for (var i = 1; i < workers; i++)
        {
            _samplers[i] = new Sampler(_vocabularySize);
        }
        _requests = new Request[maxRows];
        _rows = new int[maxRows];
        _tokens = new int[maxRows];
        _errors = new Exception?[maxRows];
        _logprobs = new LogprobsBuffer[maxRows];
        for (var i = 0; i < maxRows; i++)
        {
            _logprobs[i] = new LogprobsBuffer();
        }
    }

    /// <summary>Rows added since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    public void Clear()
    {
        Array.Clear(_requests, 0, Count);
        Count = 0;
    }

    /// <summary>Queues the sample of <paramref name="request"/> from logits row <paramref name="row"/>; returns its index.</summary>
    public int Add(Request request, int row)
    {
        _requests[Count] = request;
        _rows[Count] = row;
        return Count++;
    }

    /// <summary>Samples every queued row from <paramref name="logits"/> (each row modified in place).</summary>
    public void Run(float[] logits, CpuWorkerPool? pool)
    {
        _logits = logits;
        if (pool is not null && pool.ThreadCount > 1 && Count > 1 && (long)Count * _vocabularySize >= MinParallelLogits)
        {
            pool.Run(this, Count);
        }
        else
        {
            Execute(0, Count, 0);
        }
    }

    /// <summary>The token sampled for row <paramref name="index"/>; throws what sampling it threw.</summary>
    public int Token(int index) => _errors[index] is { } error ? throw error : _tokens[index];

    /// <summary>Log-probabilities of row <paramref name="index"/>, when its request asked for them.</summary>
    public LogprobsBuffer Logprobs(int index) => _logprobs[index];

    /// <inheritdoc />
    public void Execute(int start, int end, int worker)
    {
        var sampler = _samplers[worker];
        for (var i = start; i < end; i++)
        {
            try
            {
                _errors[i] = null;
                _tokens[i] = sampler.Sample(_requests[i], _logits.AsSpan(_rows[i] * _vocabularySize, _vocabularySize), _logprobs[i]);
            }
            catch (Exception error)
            {
                _errors[i] = error;
            }
        }
    }
}
