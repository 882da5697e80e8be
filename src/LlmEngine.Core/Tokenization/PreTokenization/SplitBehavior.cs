namespace LlmEngine.Tokenization.PreTokenization;

/// <summary>What a split does with the matches of its expression (Hugging Face's <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior
{
    /// <summary>Matches and the text between them become separate pieces.</summary>
    Isolated,

    /// <summary>Matches are dropped.</summary>
    Removed,

    /// <summary>Each match joins the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>Each match starts the piece after it.</summary>
    MergedWithNext,

    /// <summary>Consecutive matches form one piece.</summary>
    Contiguous,
}
