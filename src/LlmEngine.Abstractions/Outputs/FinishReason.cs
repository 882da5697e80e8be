using System.Diagnostics.CodeAnalysis;

namespace LlmEngine;

/// <summary>Why a completion ended, as an extensible string value (OpenAI's <c>finish_reason</c>).</summary>
public readonly struct FinishReason : IEquatable<FinishReason>
{
    /// <summary>Creates a reason from its wire value.</summary>
    public FinishReason(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    private readonly string? _value;

    /// <summary>EOS, a stop token id or a stop string was generated.</summary>
    public static FinishReason Stop { get; } = new("stop");

    /// <summary><see cref="SamplingParameters.MaxTokens"/> or the model's context length was reached.</summary>
    public static FinishReason Length { get; } = new("length");

    /// <summary>The request was aborted or cancelled, or it failed.</summary>
    public static FinishReason Abort { get; } = new("abort");

    /// <summary>The wire value, such as <c>stop</c>.</summary>
    public string Value => _value ?? "stop";

    /// <inheritdoc />
    public bool Equals(FinishReason other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is FinishReason other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;

    /// <summary>Compares two reasons by value, ignoring case.</summary>
    public static bool operator ==(FinishReason left, FinishReason right) => left.Equals(right);

    /// <summary>Compares two reasons by value, ignoring case.</summary>
    public static bool operator !=(FinishReason left, FinishReason right) => !left.Equals(right);
}
