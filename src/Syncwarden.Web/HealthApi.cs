using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Syncwarden.Web;

internal static class HealthApi
{
    /// <summary>GET /healthz: 200 while the daemon serves; for load balancers and monitors.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Json(new Health("ok", SyncwardenVersion.Current), WebJson.Readable.Health));
        return app;
    }
}
