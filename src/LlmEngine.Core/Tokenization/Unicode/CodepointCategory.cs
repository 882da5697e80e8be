namespace LlmEngine.Tokenization.Unicode;

/// <summary>The coarse Unicode classes llama.cpp's tokenizers test (<c>\p{L}</c>, <c>\p{N}</c>, ...), one per code point.</summary>
internal enum CodepointCategory : byte
{
    /// <summary>Unassigned (Cn).</summary>
    Undefined,

    /// <summary>\p{N}: Nd, Nl, No.</summary>
    Number,

    /// <summary>\p{L}: Lu, Ll, Lt, Lm, Lo.</summary>
    Letter,

    /// <summary>\p{Z}: Zs, Zl, Zp.</summary>
    Separator,

    /// <summary>\p{M}: Mn, Mc, Me.</summary>
    AccentMark,

    /// <summary>\p{P}: Pc, Pd, Ps, Pe, Pi, Pf, Po.</summary>
    Punctuation,

    /// <summary>\p{S}: Sm, Sc, Sk, So.</summary>
    Symbol,

    /// <summary>\p{C} other than Cn: Cc, Cf, Cs, Co.</summary>
    Control,
}
