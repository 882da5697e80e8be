namespace LlmEngine.Engine;

/// <summary>A message from a caller's thread to the engine loop.</summary>
/// <param name="Request">The request to add, for an add.</param>
/// <param name="AbortRequestId">The request to abort, for an abort.</param>
internal readonly record struct EngineCommand(RequestState? Request, string? AbortRequestId);
