namespace LlmEngine.Models.Hub;

/// <summary>A model fetched from the hub (or found in its cache), ready for <see cref="ModelLoader.Load"/>.</summary>
/// <param name="RepoId">The repository.</param>
/// <param name="Commit">The commit whose snapshot holds the files.</param>
/// <param name="ModelPath">The GGUF file, or the snapshot folder of a transformers model.</param>
/// <param name="Files">The repository-relative paths of the model's files.</param>
/// <param name="DownloadedFiles">How many files this call downloaded (0 when everything was cached).</param>
/// <param name="Notes">Choices made for the user (the default quantisation) and cache fallbacks (offline, hub unreachable).</param>
public sealed record HubSnapshot(string RepoId, string Commit, string ModelPath, IReadOnlyList<string> Files, int DownloadedFiles, IReadOnlyList<string> Notes);
