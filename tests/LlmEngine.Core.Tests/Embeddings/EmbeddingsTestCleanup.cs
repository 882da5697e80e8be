using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>Deletes the models the embedding tests wrote, once they have all run.</summary>
[SetUpFixture]
public sealed class EmbeddingsTestCleanup
{
    [OneTimeTearDown]
    public void DeleteWrittenModels()
    {
        if (TinyBert.Directory is { } directory && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A model still mapped by an undisposed object cannot be deleted on every OS; the temp folder is the fallback.
            }
        }
    }
}
