using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>
/// A real `syncwarden daemon` with its dashboard on a free loopback port, and an HTTP client pointed at it.
/// Stops the daemon (SIGTERM, then SIGKILL) when disposed.
/// </summary>
public sealed class WebDaemon : IAsyncDisposable
{
    private WebDaemon(TestConfig config, RunningProcess process, Uri address, string token)
    {
        Config = config;
        Process = process;
        Address = address;
        Token = token;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public TestConfig Config { get; }
    public RunningProcess Process { get; }
    public Uri Address { get; }
    /// <summary>The token written to the token-file.</summary>
    public string Token { get; }
    public HttpClient Http { get; }

    /// <summary>A free TCP port on loopback (the kernel's choice; released just before the daemon binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Adds <c>web:</c> with a private token file to <paramref name="config"/> and starts the daemon; waits until /healthz answers.</summary>
    /// <paramref name="listenAddress"/> other than loopback (0.0.0.0) makes reading need the token too; the client
    /// still talks to 127.0.0.1.
    public static async Task<WebDaemon> StartAsync(TestConfig config, bool withToken = true, string listenAddress = "127.0.0.1")
    {
        var port = FreePort();
        var token = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + "-test-token";
        var tokenFile = config.Dir.Combine("web.token");
        File.WriteAllText(tokenFile, token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        config.TopLevel($"web: {{ listen: {listenAddress}:{port}{(withToken ? ", token-file: " + TestConfig.Q(tokenFile) : "")} }}");
        return await LaunchAsync(config, port, token);
    }

    /// <summary>Stops this daemon (SIGTERM) and starts another on the same configuration, port and state.</summary>
    public async Task<WebDaemon> RestartAsync()
    {
        await DisposeAsync();
        return await LaunchAsync(Config, Address.Port, Token);
    }

    private static async Task<WebDaemon> LaunchAsync(TestConfig config, int port, string token)
    {
        var process = await config.StartCliAsync("daemon");
        var daemon = new WebDaemon(config, process, new Uri($"http://127.0.0.1:{port}/"), token);
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var health = await daemon.Http.GetAsync("healthz");
                if (health.IsSuccessStatusCode)
                {
                    return daemon;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < end && !process.HasExited)
            {
            }
            if (process.HasExited || DateTime.UtcNow > end)
            {
                await daemon.DisposeAsync();
                throw new InvalidOperationException($"the daemon's dashboard did not come up on port {port}: {process.StandardErrorSoFar}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>GET <paramref name="path"/>, which must answer 200 with JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path} answered {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>POST <paramref name="path"/> with the bearer token (or <paramref name="token"/>).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string? token = null) => Http.SendAsync(Authorized(HttpMethod.Post, path, token));

    /// <summary>Polls the job's runs (newest first) until one matches; fails with what was there after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForRunAsync(string job, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var runs = await GetJsonAsync($"api/jobs/{job}/runs");
            if (runs.EnumerateArray().FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } run)
            {
                return run;
            }
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"no matching run of {job} in time; runs: {runs}; daemon: {Process.StandardErrorSoFar}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Polls the job's status until the daemon no longer holds it running: a run's record ends (its after-steps) a moment
    /// before the daemon lets go of the job, and a cancel in between still finds the run to stop.
    /// </summary>
    public async Task<JsonElement> WaitUntilIdleAsync(string job, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await GetJsonAsync($"api/jobs/{job}");
            if (!status.GetProperty("running").GetBoolean())
            {
                return status;
            }
            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException($"job {job} still running; status: {status}; daemon: {Process.StandardErrorSoFar}");
            }
            await Task.Delay(50);
        }
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, string? token = null) =>
        new(method, path) { Headers = { Authorization = new("Bearer", token ?? Token) } };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!Process.HasExited)
        {
            await Process.TerminateAsync();
            var stopped = await Task.WhenAny(Process.Completion, Task.Delay(TimeSpan.FromSeconds(30)));
            if (stopped != Process.Completion)
            {
                await Process.KillAsync();
            }
        }
        await Process.DisposeAsync();
    }
}
