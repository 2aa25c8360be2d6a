using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Syncwarden.Web;

/// <summary>Every API error is JSON with a message: <c>{"error": "..."}</c>.</summary>
public sealed record ApiError(string Error);

internal static class WebErrors
{
    public static JsonHttpResult<ApiError> Problem(int status, string message) =>
        TypedResults.Json(new ApiError(message), WebJson.Default.ApiError, statusCode: status);
}
