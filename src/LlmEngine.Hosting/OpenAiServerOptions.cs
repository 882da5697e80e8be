namespace LlmEngine.Hosting;

/// <summary>
/// Settings of the OpenAI-compatible endpoints mapped by
/// <see cref="OpenAiEndpointRouteBuilderExtensions.MapOpenAiEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, Action{OpenAiServerOptions}?)"/>:
/// vLLM's <c>--root-path</c>, <c>--api-key</c> and <c>--served-model-name</c>, plus request limits.
/// </summary>
public sealed class OpenAiServerOptions
{
    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> the server's metrics are published on (the same series as
    /// <c>/metrics</c>): collect them with <c>AddMeter(OpenAiServerOptions.MeterName)</c> in OpenTelemetry.
    /// </summary>
    public const string MeterName = "LlmEngine.Hosting";

    /// <summary>A path prefix for every endpoint, such as <c>/llm</c> (giving <c>/llm/v1/chat/completions</c>). Default: none.</summary>
    public string RoutePrefix { get; set; } = "";

    /// <summary>
    /// Keys a client must send as <c>Authorization: Bearer KEY</c> on <c>/v1/*</c> (as vLLM, <c>/health</c>,
    /// <c>/metrics</c>, <c>/version</c>, <c>/tokenize</c> and <c>/detokenize</c> stay open). Compared in constant time.
    /// Empty (the default): no key is required.
    /// </summary>
    public IList<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// The model names clients may send in <c>model</c> (vLLM's <c>--served-model-name</c>, several allowed); the first
    /// is the metrics' <c>model_name</c>. Empty (the default): the registered model's id.
    /// </summary>
    public IList<string> ServedModelNames { get; set; } = [];

    /// <summary>
    /// The key of the model to serve when several are registered (<c>AddLlmEngine("qwen", ...)</c>); null (the
    /// default) serves the model registered without a key.
    /// </summary>
    public object? ServiceKey { get; set; }

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 8 MiB.</summary>
    public long MaxRequestBodySize { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// When set, a generation request arriving while this many requests already wait for the engine gets 503
    /// (<c>overloaded</c>) instead of queueing. Default: no limit.
    /// </summary>
    public int? MaxWaitingRequests { get; set; }

    /// <summary>
    /// The sampling parameters a request starts from: each field the request leaves out keeps this value (vLLM's
    /// <c>--generation-config</c> defaults, such as the model's recommended temperature). Default:
    /// <c>new SamplingParameters()</c> (OpenAI's defaults; <c>max_tokens</c> of a completion is then 16).
    /// </summary>
    public SamplingParameters DefaultSamplingParameters { get; set; } = new();

    /// <summary>Checks every option, throwing an <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(RoutePrefix, nameof(RoutePrefix));
        if (RoutePrefix.Length > 0 && (!RoutePrefix.StartsWith('/') || RoutePrefix.EndsWith('/')))
        {
            throw new ArgumentException($"OpenAiServerOptions.RoutePrefix must start with '/' and not end with '/' (for example '/llm'); got '{RoutePrefix}'.", nameof(RoutePrefix));
        }
        ArgumentNullException.ThrowIfNull(ApiKeys, nameof(ApiKeys));
        ArgumentNullException.ThrowIfNull(ServedModelNames, nameof(ServedModelNames));
        foreach (var key in ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ArgumentException("OpenAiServerOptions.ApiKeys must not contain empty keys.", nameof(ApiKeys));
            }
        }
        foreach (var name in ServedModelNames)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("OpenAiServerOptions.ServedModelNames must not contain empty names.", nameof(ServedModelNames));
            }
        }
        ArgumentNullException.ThrowIfNull(DefaultSamplingParameters, nameof(DefaultSamplingParameters));
        DefaultSamplingParameters.Validate();
        if (MaxRequestBodySize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodySize), MaxRequestBodySize, "OpenAiServerOptions.MaxRequestBodySize must be at least 1024 bytes.");
        }
        if (MaxWaitingRequests is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWaitingRequests), MaxWaitingRequests, "OpenAiServerOptions.MaxWaitingRequests must be at least 0 when set.");
        }
    }
}
