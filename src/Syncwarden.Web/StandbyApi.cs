using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Syncwarden.Standby;

namespace Syncwarden.Web;

/// <summary>/api/standby: the standby pair as this machine sees it (role, epoch, peer, lag, last good sync, refused pushes).</summary>
internal static class StandbyApi
{
    public static IEndpointRouteBuilder MapStandbyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/standby", GetStandby);
        return app;
    }

    private static Results<JsonHttpResult<StandbyStatus>, JsonHttpResult<ApiError>> GetStandby(WebContext web) =>
        web.Status.StandbyStatus(web.Scheduler.Config) is { } status
            ? TypedResults.Json(status, WebJson.Readable.StandbyStatus)
            : WebErrors.Problem(StatusCodes.Status404NotFound, "this machine is in no standby pair (the configuration has no standby: section), or its role store cannot be read");
}
