using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Syncwarden.History;

namespace Syncwarden.Web;

/// <summary>/api/runs/{id}: one run from the history, and its log file (so far, while it runs).</summary>
internal static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs");
        runs.MapGet("/{id:long}", GetRun);
        runs.MapGet("/{id:long}/log", GetLog);
        return app;
    }

    private static Results<JsonHttpResult<RunJson>, JsonHttpResult<ApiError>> GetRun(long id, WebContext web) =>
        web.History.Get(id) is { } run ? TypedResults.Json(RunJson.From(run), WebJson.Readable.RunJson) : WebErrors.UnknownRun(id);

    private static Results<FileStreamHttpResult, JsonHttpResult<ApiError>> GetLog(long id, WebContext web)
    {
        if (web.History.Get(id) is not { } run)
        {
            return WebErrors.UnknownRun(id);
        }
        var gone = WebErrors.Problem(StatusCodes.Status404NotFound,
            $"run {id} has no log any more: older run logs are deleted to keep the state dir small (the run's record stays)");
        if (run.LogFile is not { } path)
        {
            return gone;
        }
        try
        {
            // The runner may still be writing it: read what is there now.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return TypedResults.Stream(stream, "text/plain; charset=utf-8");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return gone;
        }
    }
}
