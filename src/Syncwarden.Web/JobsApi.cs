using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Web;

/// <summary>
/// /api/jobs: every job's status (the same <see cref="JobStatus"/> as `status --json`), a job's runs, and the two
/// actions, run now and cancel, which need the bearer token.
/// </summary>
internal static class JobsApi
{
    public const int DefaultRunLimit = 20;
    public const int MaxRunLimit = 1000;

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app, WebToken token)
    {
        var jobs = app.MapGroup("/api/jobs");
        jobs.MapGet("", (WebContext web) => TypedResults.Json(web.Status.All(web.Scheduler.Config), WebJson.Readable.IReadOnlyListJobStatus));
        jobs.MapGet("/{job}", GetJob);
        jobs.MapGet("/{job}/runs", GetRuns);

        var tokenFilter = new TokenFilter(token);
        jobs.MapPost("/{job}/run", RunNow).AddEndpointFilter(tokenFilter);
        jobs.MapPost("/{job}/cancel", Cancel).AddEndpointFilter(tokenFilter);
        return app;
    }

    private static Results<JsonHttpResult<JobStatus>, JsonHttpResult<ApiError>> GetJob(string job, WebContext web)
    {
        var config = web.Scheduler.Config;
        return config.FindJob(job) is { } found
            ? TypedResults.Json(web.Status.For(config, found), WebJson.Readable.JobStatus)
            : WebErrors.UnknownJob(job);
    }

    private static Results<JsonHttpResult<IReadOnlyList<RunJson>>, JsonHttpResult<ApiError>> GetRuns(string job, string? limit, WebContext web)
    {
        if (web.Scheduler.Config.FindJob(job) is null)
        {
            return WebErrors.UnknownJob(job);
        }
        var count = DefaultRunLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxRunLimit))
        {
            return WebErrors.Problem(StatusCodes.Status400BadRequest, $"limit must be a whole number from 1 to {MaxRunLimit}, not '{limit}'");
        }
        IReadOnlyList<RunJson> runs = [.. web.History.History(job, count).Select(RunJson.From)];
        return TypedResults.Json(runs, WebJson.Readable.IReadOnlyListRunJson);
    }

    private static JsonHttpResult<ApiMessage> Accepted(string message) =>
        TypedResults.Json(new ApiMessage(message), WebJson.Readable.ApiMessage, statusCode: StatusCodes.Status202Accepted);

    private static Results<JsonHttpResult<ApiMessage>, JsonHttpResult<ApiError>> RunNow(string job, WebContext web)
    {
        if (web.Scheduler.State(job) is not { } state)
        {
            return WebErrors.UnknownJob(job);
        }
        if (state.Running || state.Queued)
        {
            return WebErrors.Problem(StatusCodes.Status409Conflict,
                $"job {job} is already {(state.Running ? "running" : "waiting for a free slot")}; cancel it first or wait for it to end");
        }
        web.Scheduler.RunNow([job], RunTrigger.Web);
        return Accepted($"job {job} will run now; follow it on GET /api/events or GET /api/jobs/{job}");
    }

    private static Results<JsonHttpResult<ApiMessage>, JsonHttpResult<ApiError>> Cancel(string job, WebContext web) =>
        web.Scheduler.Cancel(job) switch
        {
            CancelOutcome.Cancelled => Accepted($"cancelling the running run of job {job}: rsync is asked to stop, and the run is recorded cancelled"),
            CancelOutcome.Dequeued => Accepted($"the run of job {job} that was waiting for a free slot will not start"),
            CancelOutcome.NotRunning => WebErrors.Problem(StatusCodes.Status409Conflict, $"job {job} is not running; there is nothing to cancel"),
            _ => WebErrors.UnknownJob(job),
        };
}
