using Microsoft.AspNetCore.Http;

namespace Syncwarden.Web;

/// <summary>
/// Guards a state-changing endpoint: 401 without a bearer token, 403 with a wrong one (or when the daemon
/// has no token configured). Read-only endpoints do not use it.
/// </summary>
internal sealed class TokenFilter(WebToken token) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (BearerOf(context.HttpContext.Request) is not { } bearer)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(WebErrors.Problem(StatusCodes.Status401Unauthorized,
                "this action needs the dashboard token: send Authorization: Bearer <token from the token-file>"));
        }
        if (!token.IsConfigured)
        {
            return ValueTask.FromResult<object?>(WebErrors.Problem(StatusCodes.Status403Forbidden,
                "no token-file is configured under web:, so nothing can be changed through the web; add one and restart the daemon"));
        }
        if (!token.Matches(bearer))
        {
            return ValueTask.FromResult<object?>(WebErrors.Problem(StatusCodes.Status403Forbidden, "the token is wrong"));
        }
        return next(context);
    }

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header; null without one.</summary>
    public static string? BearerOf(HttpRequest request)
    {
        const string Bearer = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : null;
    }
}
