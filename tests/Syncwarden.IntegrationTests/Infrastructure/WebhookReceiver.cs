using System.Diagnostics;
using System.Net;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>One HTTP request the receiver got.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>An HTTP server on a free 127.0.0.1 port that answers 200 to everything and keeps what it was sent.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Lock _lock = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Port = SshServer.GetFreeLoopbackPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (Requests.Count < count && clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        return Requests;
    }

    /// <summary>A loopback URL nobody listens on: the port was free a moment ago and is closed again.</summary>
    public static string DeadUrl(string path) => $"http://127.0.0.1:{SshServer.GetFreeLoopbackPort()}{path}";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync().ConfigureAwait(false);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            lock (_lock)
            {
                _requests.Add(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }
}
