namespace LlmEngine.Templates;

/// <summary>
/// Limits and services for rendering chat templates. The limits keep a hostile or broken template from looping
/// forever or allocating without bound; each exceeded limit fails the render with a
/// <see cref="TemplateRuntimeException"/> that names it.
/// </summary>
public sealed record ChatTemplateOptions
{
    /// <summary>The defaults: generous for real chat templates, small enough to stop runaway ones quickly.</summary>
    public static ChatTemplateOptions Default { get; } = new();

    /// <summary>The most characters a render may produce; also caps any single string or list a template builds.</summary>
    public int MaxOutputLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most loop iterations (all loops together) one render may run.</summary>
    public int MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>The most items <c>range()</c> may produce.</summary>
    public int MaxRangeSize { get; init; } = 100_000;

    /// <summary>The deepest nesting of macro calls and recursive loops.</summary>
    public int MaxRecursionDepth { get; init; } = 200;

    /// <summary>The clock behind <c>strftime_now</c>; local time, like Hugging Face's <c>datetime.now()</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
