using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Syncwarden.Web;

/// <summary>
/// /api/session: trades the bearer token for an HttpOnly, same-site session cookie, so that the browser's event
/// stream (which cannot send headers) can read a dashboard that listens beyond loopback. Actions still need the
/// bearer token itself, so a cookie alone can never run or cancel anything.
/// </summary>
internal static class SessionApi
{
    public const string Path = "/api/session";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app, WebToken token)
    {
        app.MapPost(Path, (HttpContext http) =>
        {
            http.Response.Cookies.Append(ReadGuard.CookieName, token.SessionValue!, Options(http));
            return TypedResults.NoContent();
        }).AddEndpointFilter(new TokenFilter(token));
        app.MapDelete(Path, (HttpContext http) =>
        {
            http.Response.Cookies.Delete(ReadGuard.CookieName, Options(http));
            return TypedResults.NoContent();
        });
        return app;
    }

    // A browser-session cookie (no expiry): gone when the browser closes, like the token kept in sessionStorage.
    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
    };
}
