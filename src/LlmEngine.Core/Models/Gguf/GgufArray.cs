namespace LlmEngine.Models.Gguf;

/// <summary>
/// A GGUF array value. <see cref="Values"/> is a typed .NET array (<c>int[]</c>, <c>float[]</c>, <c>string[]</c>, ...)
/// matching <see cref="ElementType"/>, or a <c>GgufArray[]</c> when the elements are arrays themselves.
/// </summary>
/// <param name="ElementType">The GGUF type of each element.</param>
/// <param name="Values">The elements.</param>
public sealed record GgufArray(GgufValueType ElementType, Array Values)
{
    /// <summary>Number of elements.</summary>
    public int Length => Values.Length;
}
