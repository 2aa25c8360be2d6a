using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Syncwarden.Web;

/// <summary>Every API error is JSON with a message: <c>{"error": "..."}</c>.</summary>
public sealed record ApiError(string Error);

internal static class WebErrors
{
    public static JsonHttpResult<ApiError> Problem(int status, string message) =>
        TypedResults.Json(new ApiError(message), WebJson.Readable.ApiError, statusCode: status);

    public static JsonHttpResult<ApiError> UnknownJob(string job) =>
        Problem(StatusCodes.Status404NotFound, $"there is no job named '{job}' in the configuration (GET /api/jobs lists them)");

    public static JsonHttpResult<ApiError> UnknownRun(long id) =>
        Problem(StatusCodes.Status404NotFound, $"there is no run {id} in the history (GET /api/jobs/JOB/runs lists a job's runs)");
}
