using System.Text;
using System.Text.RegularExpressions;

namespace LlmEngine.Tokenization.HuggingFace;

/// <summary>Runs normalizers in order (Hugging Face's <c>Sequence</c>).</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) : INormalizer
{
    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart)
    {
        string result = text.ToString();
        foreach (var normalizer in normalizers)
        {
            result = normalizer.Normalize(result, atInputStart);
        }
        return result;
    }
}

/// <summary>Prepends a string to non-empty text (<c>Prepend</c>; with <paramref name="onlyAtInputStart"/>, Metaspace's "first" scheme).</summary>
internal sealed class PrependNormalizer(string prefix, bool onlyAtInputStart = false, bool unlessAlreadyPrefixed = false) : INormalizer
{
    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart)
    {
        if (text.IsEmpty || (onlyAtInputStart && !atInputStart) || (unlessAlreadyPrefixed && text.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return text.ToString();
        }
        return string.Concat(prefix, text);
    }
}

/// <summary>Replaces a literal string or a regular expression (<c>Replace</c>).</summary>
internal sealed class ReplaceNormalizer : INormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    /// <summary>Replaces <paramref name="literal"/> or matches of <paramref name="regex"/> by <paramref name="content"/>.</summary>
    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        _content = content;
    }

    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart)
    {
        string s = text.ToString();
        return _literal is not null ? s.Replace(_literal, _content, StringComparison.Ordinal) : _regex!.Replace(s, _content.Replace("$", "$$"));
    }
}

/// <summary>
/// Unicode normalization (<c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c>). Under globalization-invariant mode .NET has
/// no normalization data and the text passes through unchanged (input is almost always NFC already).
/// </summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : INormalizer
{
    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart)
    {
        string s = text.ToString();
        try
        {
            return s.Normalize(form);
        }
        catch (ArgumentException)
        {
            // Ill-formed UTF-16 (a lone surrogate) cannot be normalized; the model sees it as is.
            return s;
        }
    }
}

/// <summary>Lowercases (<c>Lowercase</c>).</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart) => text.ToString().ToLowerInvariant();
}

/// <summary>Strips whitespace from either end (<c>Strip</c>).</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    /// <inheritdoc />
    public string Normalize(ReadOnlySpan<char> text, bool atInputStart)
    {
        var s = text;
        if (left)
        {
            s = s.TrimStart();
        }
        if (right)
        {
            s = s.TrimEnd();
        }
        return s.ToString();
    }
}
