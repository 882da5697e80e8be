using System.Security.Cryptography;
using System.Text;
using LlmEngine.Hosting.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LlmEngine.Hosting.Server;

/// <summary>
/// Checks <c>Authorization: Bearer KEY</c> against the configured keys in constant time: both sides are hashed with
/// SHA-256 first, so neither the key's content nor its length shows in the timing, and every key is compared.
/// </summary>
internal sealed class ApiKeyValidator
{
    private readonly byte[][] _keyHashes;

    public ApiKeyValidator(IEnumerable<string> keys)
    {
        _keyHashes = [.. keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }

    public bool Enabled => _keyHashes.Length > 0;

    /// <summary>Null when the request may go on, else the 401 to answer.</summary>
    public OpenAiException? Check(HttpRequest request)
    {
        if (!Enabled)
        {
            return null;
        }
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            return Unauthorized("You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.");
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), hash);
        var match = false;
        foreach (var expected in _keyHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        }
        return match ? null : Unauthorized("Incorrect API key provided.");
    }

    private static OpenAiException Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, OpenAiException.Authentication, message, code: "invalid_api_key");
}
