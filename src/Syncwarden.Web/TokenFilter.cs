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
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
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
        if (!token.Matches(header[Bearer.Length..].Trim()))
        {
            return ValueTask.FromResult<object?>(WebErrors.Problem(StatusCodes.Status403Forbidden, "the token is wrong"));
        }
        return next(context);
    }
}
