using LlmEngine.Composition;

namespace LlmEngine.Hosting.Tests.Infrastructure;

/// <summary>The shared stories260K model (a real trained Llama), loaded for serving tests.</summary>
internal static class Stories
{
    public const string GreedyContinuation = ", there was a little girl named Lily.";

    public static LocalModel Load(string servedName = "stories") => LocalModel.Load(new LocalModelOptions
    {
        Model = TestData.File("stories260K.gguf"),
        ServedModelName = servedName,
        KVCacheMemoryBytes = 32L * 1024 * 1024,
        Engine = new LlmEngineOptions { NumThreads = 1, MaxNumSeqs = 16, Seed = 3 },
    });
}
