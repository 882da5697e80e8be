using System.Runtime.InteropServices;

namespace LlmEngine.Execution.Cpu;

/// <summary>Float buffers in 64-byte aligned native memory (activations and KV cache can exceed a managed array's limits).</summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private readonly List<nint> _allocations = [];

    /// <summary>Allocates <paramref name="count"/> floats (uninitialized); freed with this buffer.</summary>
    public float* Allocate(long count)
    {
        var p = NativeMemory.AlignedAlloc((nuint)(Math.Max(count, 1) * sizeof(float)), 64);
        _allocations.Add((nint)p);
        return (float*)p;
    }

    /// <summary>Total bytes allocated, for diagnostics.</summary>
    public long Bytes { get; private set; }

    /// <summary>Allocates and counts <paramref name="count"/> floats toward <see cref="Bytes"/>.</summary>
    public float* AllocateCounted(long count)
    {
        Bytes += count * sizeof(float);
        return Allocate(count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in _allocations)
        {
            NativeMemory.AlignedFree((void*)p);
        }
        _allocations.Clear();
    }
}
