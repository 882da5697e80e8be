namespace LlmEngine.Execution.Cpu.Kernels;

/// <summary>How a weight type wants its activations quantized (ggml's <c>vec_dot_type</c>).</summary>
internal enum ActivationFormat
{
    /// <summary>Not quantized: the float kernels run.</summary>
    None,

    /// <summary>Q8_0: int8 in blocks of 32, one float scale each.</summary>
    Blocks,

    /// <summary>Q8_K: int8 in blocks of 256, one float scale each, plus the sum of every 16 quants.</summary>
    SuperBlocks,
}
