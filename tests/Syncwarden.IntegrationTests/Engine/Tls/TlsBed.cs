using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Tls;

/// <summary>
/// One rsync-tls test bed: a pre-shared key, a configuration with host <see cref="Host"/> reached over TLS on a free
/// loopback port, and (after <see cref="StartServeAsync"/>) <c>syncwarden serve</c> for it, stopped when disposed.
/// The same configuration file serves both sides, as on two real machines.
/// </summary>
internal sealed class TlsBed : IAsyncDisposable
{
    public const string Host = "receiver";

    public TlsBed(TempDir dir)
    {
        Dir = dir;
        Port = SshServer.GetFreeLoopbackPort();
        PskFile = dir.Combine("receiver.psk");
        Config = new TestConfig(dir).TlsHost(Host, Port, PskFile);
    }

    public TempDir Dir { get; }
    public int Port { get; }
    public string PskFile { get; }
    public TestConfig Config { get; }
    public RunningProcess? Serve { get; private set; }

    /// <summary>Writes the key with <c>syncwarden keys psk</c>.</summary>
    public async Task CreateKeyAsync()
    {
        var keys = await SyncwardenCli.RunAsync(["keys", "psk", PskFile]);
        keys.EnsureSuccess("keys psk");
    }

    /// <summary>
    /// A key, job <paramref name="job"/> pushing <paramref name="source"/>'s contents to <paramref name="destination"/> on
    /// <see cref="Host"/>, and serve started. <paramref name="jobSettings"/> are more job-level YAML lines (bandwidth, ...).
    /// </summary>
    public async Task<RunningProcess> ServePushAsync(string job, string source, string destination, string syncOptions = "", string jobSettings = "")
    {
        await CreateKeyAsync();
        Config.Job(job, $$"""
            direction: push
            host: {{Host}}
            {{jobSettings}}
            syncs: [{ source: {{TestConfig.Q(source + "/")}}, destination: {{TestConfig.Q(destination)}}, options: [{{syncOptions}}] }]
            """);
        return await StartServeAsync();
    }

    /// <summary>Starts <c>serve</c> and waits (bounded) until it says it is serving; the test fails with its output otherwise.</summary>
    public async Task<RunningProcess> StartServeAsync()
    {
        Serve = await Config.StartCliAsync("serve", Host);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Serve.StandardErrorSoFar.Contains("serving ", StringComparison.Ordinal))
        {
            if (Serve.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("syncwarden serve did not start:\n" + Serve.StandardErrorSoFar);
            }
            await Task.Delay(50);
        }
        return Serve;
    }

    public async ValueTask DisposeAsync()
    {
        if (Serve is not null)
        {
            await Serve.StopAsync("TERM", TimeSpan.FromSeconds(15));
        }
    }
}
