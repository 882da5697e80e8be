using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlmEngine.Execution;
using LlmEngine.Scheduling;
using LlmEngine.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmEngine.Engine;

/// <summary>
/// The engine (vLLM's <c>AsyncLLM</c>): one loop thread owns the scheduler, KV cache and sampler and steps the whole
/// batch; callers on any thread add and abort requests through a channel and read their outputs from per-request
/// channels. The loop sleeps when there is no work. The engine does not own the executor or the tokenizer.
/// </summary>
public sealed class LlmEngine : ILlmEngine
{
    private readonly EngineCore _core;
    private readonly RequestFactory _requestFactory;
    private readonly Channel<EngineCommand> _commands = Channel.CreateUnbounded<EngineCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _activeRequestIds = new(StringComparer.Ordinal);
    private readonly Thread _loop;
    private readonly int _numBlocks;
    private readonly ILogger _logger;
    private volatile bool _stopping;
    private int _disposed;

    // Counters the loop publishes after each step, read by GetStatistics on any thread.
    private int _numRunning;
    private int _numWaiting;
    private int _numFreeBlocks;
    private long _prefixCacheQueries;
    private long _prefixCacheHits;
    private long _numPreemptions;
    private long _numPromptTokens;
    private long _numGenerationTokens;
    private long _numSteps;
    private long _numFinished;

    /// <summary>
    /// Creates and starts an engine over <paramref name="executor"/> (which holds the model and the KV memory).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or does not match the executor.</exception>
    public LlmEngine(IModelExecutor executor, ITokenizer tokenizer, LlmEngineOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new LlmEngineOptions();
        options.Validate();
        logger ??= NullLogger.Instance;

        if (executor.BlockSize != options.BlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockSize,
                $"LlmEngineOptions.BlockSize is {options.BlockSize} but the executor's KV cache uses blocks of {executor.BlockSize} tokens; they must be equal.");
        }
        if (executor.VocabularySize < 1 || executor.NumBlocks < 1)
        {
            throw new ArgumentException($"The executor reports a vocabulary of {executor.VocabularySize} and {executor.NumBlocks} KV blocks; both must be at least 1.", nameof(executor));
        }
        var numBlocks = options.NumKVCacheBlocks ?? executor.NumBlocks;
        if (numBlocks > executor.NumBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(options), numBlocks,
                $"LlmEngineOptions.NumKVCacheBlocks must be in [1, {executor.NumBlocks}] (the blocks the executor allocated); got {numBlocks}.");
        }
        var capacity = (long)numBlocks * options.BlockSize;
        var maxModelLength = options.MaxModelLength ?? (int)Math.Min(capacity, int.MaxValue);
        if (maxModelLength > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxModelLength,
                $"LlmEngineOptions.MaxModelLength must be in [2, {capacity}] (the KV cache holds {numBlocks} blocks of {options.BlockSize} tokens); got {maxModelLength}.");
        }
        if (!options.EnableChunkedPrefill && options.MaxNumBatchedTokens < maxModelLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxNumBatchedTokens,
                $"LlmEngineOptions.MaxNumBatchedTokens must be at least the maximum model length ({maxModelLength}) when EnableChunkedPrefill is false; got {options.MaxNumBatchedTokens}.");
        }

        _logger = logger;
        Tokenizer = tokenizer;
        MaxModelLength = maxModelLength;
        _numBlocks = numBlocks;
        var config = new SchedulerConfig(options.MaxNumSeqs, options.MaxNumBatchedTokens, maxModelLength, options.EnableChunkedPrefill, options.SchedulingPolicy);
        _core = new EngineCore(executor, tokenizer, config, numBlocks, options.EnablePrefixCaching, logger)
        {
            RequestEnded = id => _activeRequestIds.TryRemove(id, out _),
        };
        _requestFactory = new RequestFactory(tokenizer, executor.VocabularySize, maxModelLength, options.BlockSize, numBlocks, options.EnablePrefixCaching, options.Seed);
        PublishStatistics();
        EngineLog.Started(logger, numBlocks, options.BlockSize, maxModelLength, options.MaxNumSeqs, options.MaxNumBatchedTokens);
        _loop = new Thread(RunLoop) { IsBackground = true, Name = "LlmEngine loop" };
        _loop.Start();
    }

    /// <inheritdoc />
    public ITokenizer Tokenizer { get; }

    /// <inheritdoc />
    public int MaxModelLength { get; }

    /// <inheritdoc />
    public ChannelReader<RequestOutput> AddRequest(string requestId, IReadOnlyList<int> promptTokenIds, SamplingParameters? parameters = null, int priority = 0)
    {
        var state = _requestFactory.Create(requestId, promptTokenIds, parameters, priority);
        Submit(state);
        return state.Reader;
    }

    /// <inheritdoc />
    public ChannelReader<RequestOutput> AddRequest(string requestId, string prompt, SamplingParameters? parameters = null, int priority = 0) =>
        AddRequest(requestId, Encode(prompt), parameters, priority);

    /// <inheritdoc />
    public IAsyncEnumerable<RequestOutput> GenerateAsync(IReadOnlyList<int> promptTokenIds, SamplingParameters? parameters = null, string? requestId = null, CancellationToken cancellationToken = default)
    {
        // Validate now, so a bad request throws at the call rather than at the first MoveNextAsync.
        var state = _requestFactory.Create(requestId ?? Guid.NewGuid().ToString("N"), promptTokenIds, parameters, 0);
        return Stream(state, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RequestOutput> GenerateAsync(string prompt, SamplingParameters? parameters = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        GenerateAsync(Encode(prompt), parameters, requestId, cancellationToken);

    /// <inheritdoc />
    public void Abort(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        _commands.Writer.TryWrite(new EngineCommand(null, requestId));
    }

    /// <inheritdoc />
    public EngineStatistics GetStatistics() => new()
    {
        NumRunningRequests = Volatile.Read(ref _numRunning),
        NumWaitingRequests = Volatile.Read(ref _numWaiting),
        NumKVCacheBlocks = _numBlocks,
        KVCacheUsage = 1.0 - (double)Volatile.Read(ref _numFreeBlocks) / _numBlocks,
        PrefixCacheQueries = Interlocked.Read(ref _prefixCacheQueries),
        PrefixCacheHits = Interlocked.Read(ref _prefixCacheHits),
        NumPreemptions = Interlocked.Read(ref _numPreemptions),
        NumPromptTokensProcessed = Interlocked.Read(ref _numPromptTokens),
        NumGenerationTokens = Interlocked.Read(ref _numGenerationTokens),
        NumSteps = Interlocked.Read(ref _numSteps),
        NumFinishedRequests = Interlocked.Read(ref _numFinished),
    };

    /// <summary>Stops the loop; unfinished requests end with an <see cref="LlmEngineRequestException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping = true;
        _commands.Writer.TryComplete();
        if (Thread.CurrentThread != _loop)
        {
            _loop.Join();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private int[] Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Tokenizer.Encode(prompt, addSpecialTokens: true);
    }

    private void Submit(RequestState state)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_activeRequestIds.TryAdd(state.RequestId, 0))
        {
            throw new ArgumentException($"A request with id '{state.RequestId}' is already running; request ids must be unique.", "requestId");
        }
        if (!_commands.Writer.TryWrite(new EngineCommand(state, null)))
        {
            _activeRequestIds.TryRemove(state.RequestId, out _);
            throw new ObjectDisposedException(nameof(LlmEngine));
        }
    }

    private async IAsyncEnumerable<RequestOutput> Stream(RequestState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Submit(state);
        var finished = false;
        try
        {
            await foreach (var output in state.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                finished = output.Finished;
                yield return output;
            }
        }
        finally
        {
            if (!finished)
            {
                Abort(state.RequestId);
            }
        }
    }

    private void RunLoop()
    {
        var reader = _commands.Reader;
        try
        {
            while (!_stopping)
            {
                while (reader.TryRead(out var command))
                {
                    if (command.Request is { } request)
                    {
                        _core.AddRequest(request);
                    }
                    else
                    {
                        _core.Abort(command.AbortRequestId!);
                    }
                }
                if (_core.HasUnfinishedRequests)
                {
                    try
                    {
                        if (!_core.Step())
                        {
                            // Unreachable while requests are validated to fit the cache; failing beats spinning.
                            _core.FailAll(new InvalidOperationException("No request could be scheduled although the engine has unfinished requests."));
                        }
                    }
                    catch (Exception error)
                    {
                        EngineLog.StepFailed(_logger, error);
                        _core.FailAll(error);
                    }
                    PublishStatistics();
                    continue;
                }
                PublishStatistics();
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    break;
                }
            }
        }
        finally
        {
            while (reader.TryRead(out var command))
            {
                if (command.Request is { } request)
                {
                    _core.AddRequest(request);
                }
            }
            _core.FailAll(new ObjectDisposedException(nameof(LlmEngine), "The engine was disposed before the request finished."));
            PublishStatistics();
        }
    }

    private void PublishStatistics()
    {
        var scheduler = _core.Scheduler;
        var kv = _core.KVCacheManager;
        Volatile.Write(ref _numRunning, scheduler.NumRunning);
        Volatile.Write(ref _numWaiting, scheduler.NumWaiting);
        Volatile.Write(ref _numFreeBlocks, kv.NumFreeBlocks);
        Interlocked.Exchange(ref _prefixCacheQueries, kv.PrefixCacheQueries);
        Interlocked.Exchange(ref _prefixCacheHits, kv.PrefixCacheHits);
        Interlocked.Exchange(ref _numPreemptions, scheduler.NumPreemptions);
        Interlocked.Exchange(ref _numPromptTokens, _core.NumPromptTokensProcessed);
        Interlocked.Exchange(ref _numGenerationTokens, _core.NumGenerationTokens);
        Interlocked.Exchange(ref _numSteps, _core.NumSteps);
        Interlocked.Exchange(ref _numFinished, _core.NumFinishedRequests);
    }
}
