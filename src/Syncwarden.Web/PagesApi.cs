using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Syncwarden.Web;

/// <summary>
/// The dashboard's pages and their scripts and styles: plain files under wwwroot, embedded in the binary (nothing
/// from a CDN, so the page works with no network but the daemon's). Served from memory with their content type.
/// </summary>
internal static class PagesApi
{
    public static IEndpointRouteBuilder MapPagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Page("index.html"));
        // The page reads the job's name from its own address and asks the API; an unknown job shows the API's error.
        app.MapGet("/jobs/{job}", (string job) => Page("job.html"));
        app.MapGet("/assets/{file}", (string file) => WebAssets.Find("assets/" + file) is { } asset
            ? (Results<FileContentHttpResult, JsonHttpResult<ApiError>>)TypedResults.Bytes(asset.Content, asset.ContentType)
            : WebErrors.Problem(StatusCodes.Status404NotFound, $"there is no dashboard file named '{file}'"));
        return app;
    }

    private static FileContentHttpResult Page(string name) =>
        WebAssets.Find(name) is { } page ? TypedResults.Bytes(page.Content, page.ContentType)
            : throw new InvalidOperationException($"the dashboard page {name} is not embedded in this build");
}

/// <summary>The embedded wwwroot files, read once.</summary>
internal static class WebAssets
{
    public sealed record Asset(byte[] Content, string ContentType);

    private const string Prefix = "wwwroot/";

    private static readonly FrozenDictionary<string, string> s_contentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, Asset>> s_assets = new(Load);

    /// <summary>The file at <paramref name="path"/> under wwwroot ("assets/site.css"); null when there is none.</summary>
    public static Asset? Find(string path) => s_assets.Value.GetValueOrDefault(path);

    public static IEnumerable<string> Names => s_assets.Value.Keys;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            if (!s_contentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name[Prefix.Length..]] = new Asset(buffer.ToArray(), contentType);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
