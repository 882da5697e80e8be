using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LlmEngine.Models.Hub;

/// <summary>
/// The hub's checksum of a file, computed while it downloads: sha256 for LFS files (their etag), the git blob sha1
/// (<c>sha1("blob {size}\0" + bytes)</c>) for files kept in git. An etag of neither shape (a mirror's own) is not checked.
/// </summary>
internal sealed class HubChecksum : IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly string _expected;

    private HubChecksum(IncrementalHash hash, string expected)
    {
        _hash = hash;
        _expected = expected;
    }

    public static HubChecksum? Start(HubFileMetadata metadata)
    {
        if (metadata.IsSha256)
        {
            return new HubChecksum(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), metadata.Etag);
        }
        if (metadata.IsGitBlobSha1 && metadata.Size is { } size)
        {
            var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            hash.AppendData(Encoding.ASCII.GetBytes("blob " + size.ToString(CultureInfo.InvariantCulture) + "\0"));
            return new HubChecksum(hash, metadata.Etag);
        }
        return null;
    }

    public string Algorithm => _expected.Length == 64 ? "sha256" : "git sha1";

    public string Expected => _expected;

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    /// <summary>The hash of everything appended, in lower-case hex.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
