using LlmEngine.Models;
using LlmEngine.Models.Gguf;
using LlmEngine.Tokenization.HuggingFace;

namespace LlmEngine.Tokenization;

/// <summary>Creates a model's <see cref="ITokenizer"/> from GGUF metadata or from Hugging Face tokenizer files.</summary>
public static class TokenizerFactory
{
    /// <summary>
    /// Builds the tokenizer described by GGUF <c>tokenizer.ggml.*</c> metadata: <c>llama</c> (SentencePiece BPE with
    /// scores and byte fallback), <c>gpt2</c> (byte-level BPE with the pre-tokenizer named by <c>tokenizer.ggml.pre</c>)
    /// or <c>bert</c> (WordPiece), with llama.cpp's defaults for BOS/EOS and end-of-generation tokens.
    /// </summary>
    /// <param name="metadata">The file's metadata.</param>
    /// <param name="sourcePath">The file, for error messages.</param>
    /// <exception cref="ModelLoadException">The tokenizer model or pre-tokenizer is unknown, or the vocabulary is malformed.</exception>
    public static ModelTokenizer FromGguf(GgufMetadata metadata, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(sourcePath);
        return GgufTokenizerLoader.Load(metadata, sourcePath);
    }

    /// <summary>Opens a GGUF file and builds its tokenizer (see <see cref="FromGguf(GgufMetadata, string)"/>).</summary>
    /// <exception cref="ModelLoadException">The file cannot be read or its tokenizer cannot be built.</exception>
    public static ModelTokenizer FromGguf(string path)
    {
        using var file = GgufFile.Open(path);
        return GgufTokenizerLoader.Load(file.Metadata, file.SourcePath);
    }

    /// <summary>
    /// Builds the tokenizer of a Hugging Face <c>tokenizer.json</c> (a BPE model: byte-level or SentencePiece-style with
    /// byte fallback, with its normalizer, pre-tokenizer, decoder, added tokens and post-processor), taking BOS/EOS
    /// texts and <c>add_bos_token</c>/<c>add_eos_token</c> from <c>tokenizer_config.json</c> when given.
    /// </summary>
    /// <param name="tokenizerJsonPath">Path of <c>tokenizer.json</c>.</param>
    /// <param name="tokenizerConfigPath">Path of <c>tokenizer_config.json</c>, or null.</param>
    /// <exception cref="ModelLoadException">A file is missing, malformed or uses an unsupported model or component.</exception>
    public static ModelTokenizer FromHuggingFace(string tokenizerJsonPath, string? tokenizerConfigPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJsonPath);
        return HuggingFaceTokenizerLoader.Load(tokenizerJsonPath, tokenizerConfigPath);
    }
}
