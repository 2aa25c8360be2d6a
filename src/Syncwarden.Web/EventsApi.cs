using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Syncwarden.Events;

namespace Syncwarden.Web;

/// <summary>
/// GET /api/events: every <see cref="RunEvent"/> as a server-sent event named after its type (<c>event: RunProgressed</c>)
/// with the event as JSON, and a comment every <see cref="KeepAlive"/> so proxies keep the connection open.
/// </summary>
internal static class EventsApi
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    // A browser that falls behind needs only the newest progress; lifecycle events are always kept.
    private const int ProgressCapacity = 8;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamAsync);
        return app;
    }

    private static async Task StreamAsync(HttpContext http, WebContext web, IHostApplicationLifetime lifetime)
    {
        // Sources: the client going away, and the dashboard stopping (an open stream must not hold up the daemon's stop).
        using var end = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        // nginx buffers responses unless told not to; a buffered event stream shows nothing until it ends.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var stream = new EventStream(http.Response, end.Token);
        // Subscribed before the first bytes go out: a client that has read them misses no later event.
        await using (web.Events.Subscribe(stream, ProgressCapacity).ConfigureAwait(false))
        {
            try
            {
                await stream.CommentAsync("retry: 3000\n: connected\n\n").ConfigureAwait(false);
                while (!end.IsCancellationRequested)
                {
                    await Task.Delay(KeepAlive, web.Time, end.Token).ConfigureAwait(false);
                    await stream.CommentAsync(": keep-alive\n\n").ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException && end.IsCancellationRequested)
            {
                // The client left or the daemon stops.
            }
        }
    }

    /// <summary>
    /// Writes events to one client. It is an event hub subscriber: it runs on its own task with its own bounded queue,
    /// so a client that reads slowly only delays itself (and loses older progress), never rsync.
    /// </summary>
    private sealed class EventStream(HttpResponse response, CancellationToken cancellationToken) : IRunEventSubscriber
    {
        private static readonly byte[] s_data = "\ndata: "u8.ToArray();
        private static readonly byte[] s_end = "\n\n"u8.ToArray();
        private readonly SemaphoreSlim _write = new(1, 1);

        public string Name => "web event stream";

        public async ValueTask HandleAsync(RunEvent runEvent, CancellationToken hubToken)
        {
            if (WebJson.Readable.GetTypeInfo(runEvent.GetType()) is not { } typeInfo || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            var json = JsonSerializer.SerializeToUtf8Bytes(runEvent, typeInfo);
            try
            {
                await WriteAsync(Encoding.UTF8.GetBytes("event: " + runEvent.GetType().Name), json).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                // The client left; the request ends and disposes this subscription.
            }
        }

        public Task CommentAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text), null);

        private async Task WriteAsync(byte[] head, byte[]? json)
        {
            await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var body = response.Body;
                await body.WriteAsync(head, cancellationToken).ConfigureAwait(false);
                if (json is not null)
                {
                    await body.WriteAsync(s_data, cancellationToken).ConfigureAwait(false);
                    await body.WriteAsync(json, cancellationToken).ConfigureAwait(false);
                    await body.WriteAsync(s_end, cancellationToken).ConfigureAwait(false);
                }
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _write.Release();
            }
        }
    }
}
