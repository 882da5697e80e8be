using LlmEngine.Hosting.Serialization;
using LlmEngine.Hosting.Server;
using Microsoft.AspNetCore.Http;

namespace LlmEngine.Hosting.Models;

/// <summary><c>GET /v1/models</c>: one card per served model name.</summary>
internal static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext context, OpenAiServer server)
    {
        var model = await server.GetModelAsync(context.RequestAborted).ConfigureAwait(false);
        var cards = new List<ModelCard>(model.ModelNames.Length);
        foreach (var name in model.ModelNames)
        {
            cards.Add(new ModelCard { Id = name, Created = model.Created, Root = model.ModelNames[0], MaxModelLen = model.MaxModelLength });
        }
        await context.Response.WriteAsJsonAsync(new ModelList { Data = cards }, OpenAiJsonContext.Default.ModelList, contentType: "application/json", context.RequestAborted).ConfigureAwait(false);
    }
}
