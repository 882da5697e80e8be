namespace LlmEngine.Models.Hub;

/// <summary>What the hub says about one revision of a repository (<c>GET /api/models/{repo}/revision/{rev}</c>).</summary>
/// <param name="Commit">The commit the revision points to.</param>
/// <param name="Files">The repository-relative paths of its files (the API's <c>siblings</c>).</param>
public sealed record HubRepoInfo(string Commit, IReadOnlyList<string> Files);
