using System.Runtime.InteropServices;

namespace LlmEngine.Execution.Cpu;

/// <summary>
/// Best-effort pinning of the calling thread to one CPU (Linux <c>sched_setaffinity</c>). A pinned worker keeps its
/// caches and never migrates between barriers. Elsewhere, or when the call is refused (a container without the
/// right, a CPU outside the process's set), nothing happens and the thread runs where the OS puts it.
/// </summary>
internal static unsafe partial class ThreadAffinity
{
    private const int MaskBytes = 128;

    /// <summary>The CPUs the calling thread may run on, in ascending order; empty when unknown (not Linux, or refused).</summary>
    public static int[] AllowedCpus()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }
        var mask = stackalloc byte[MaskBytes];
        try
        {
            if (SchedGetAffinity(0, MaskBytes, mask) != 0)
            {
                return [];
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return [];
        }
        var count = 0;
        for (var i = 0; i < MaskBytes * 8; i++)
        {
            count += (mask[i >> 3] >> (i & 7)) & 1;
        }
        var cpus = new int[count];
        count = 0;
        for (var i = 0; i < MaskBytes * 8; i++)
        {
            if (((mask[i >> 3] >> (i & 7)) & 1) != 0)
            {
                cpus[count++] = i;
            }
        }
        return cpus;
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; returns whether the OS accepted it.</summary>
    public static bool TryPinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux() || cpu < 0 || cpu >= MaskBytes * 8)
        {
            return false;
        }
        var mask = stackalloc byte[MaskBytes];
        new Span<byte>(mask, MaskBytes).Clear();
        mask[cpu >> 3] = (byte)(1 << (cpu & 7));
        try
        {
            return SchedSetAffinity(0, MaskBytes, mask) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // pid 0 is the calling thread: Linux affinity is per thread.
    [LibraryImport("libc", EntryPoint = "sched_getaffinity")]
    private static partial int SchedGetAffinity(int pid, nint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
    private static partial int SchedSetAffinity(int pid, nint size, byte* mask);
}
