using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Syncwarden.Web;

/// <summary>
/// On a dashboard that listens beyond loopback, reading needs the token too: the API and /metrics answer only a
/// bearer token or the session cookie that <see cref="SessionApi"/> sets. Pages and their assets hold no data and
/// /healthz says only "ok", so they stay open. On loopback reading is open (anyone there is on this machine).
/// </summary>
internal static class ReadGuard
{
    public const string CookieName = "syncwarden_session";

    public static IApplicationBuilder UseReadGuard(this IApplicationBuilder app, WebToken token, bool required)
    {
        if (!required)
        {
            return app;
        }
        return app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            var guarded = (path.StartsWithSegments("/api") && !path.StartsWithSegments(SessionApi.Path)) || path.StartsWithSegments("/metrics");
            if (!guarded || (TokenFilter.BearerOf(http.Request) is { } bearer && token.Matches(bearer))
                || token.MatchesSession(http.Request.Cookies[CookieName]))
            {
                await next(http).ConfigureAwait(false);
                return;
            }
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WebErrors.Problem(StatusCodes.Status401Unauthorized,
                "this dashboard listens beyond loopback, so reading needs the token too: send Authorization: Bearer <token>, or enter the token on the page")
                .ExecuteAsync(http).ConfigureAwait(false);
        });
    }
}
