using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>
/// One machine of a standby pair in a test: its name in hosts:, the namespace it lives in, its own state dir,
/// configuration file and data folder, its PostgreSQL, and its daemon once started. The two machines' files differ only
/// in what differs between two real machines' /etc (the state dir and the database socket here); this-host comes from
/// $SYNCWARDEN_THIS_HOST.
/// </summary>
internal sealed class StandbyMachine(string name, NamespaceEnd end, TempDir dir, PostgresServer? postgres) : IAsyncDisposable
{
    public string Name { get; } = name;
    public NamespaceEnd End { get; } = end;
    public PostgresServer? Postgres { get; } = postgres;
    public string StateDir { get; } = dir.CreateSubdirectory(name, "state");
    public string Data { get; } = dir.CreateSubdirectory(name, "data");
    public string ConfigPath { get; } = dir.Combine(name, "syncwarden.yaml");
    public RunningProcess? Daemon { get; private set; }

    /// <summary><c>syncwarden serve</c> (stunnel and the rsync daemon) once started, for a pair over rsync-tls.</summary>
    public RunningProcess? Serve { get; private set; }

    public IReadOnlyDictionary<string, string?> Environment(string? pgpass) =>
        new Dictionary<string, string?> { ["SYNCWARDEN_THIS_HOST"] = Name, ["PGPASSFILE"] = pgpass };

    /// <summary>Starts <c>syncwarden serve</c> (this-host's modules) in the namespace and waits, bounded, until it says it serves.</summary>
    public async Task StartServeAsync()
    {
        Serve = TestProcess.Start("ip", End.ExecArgs([SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", ConfigPath, "serve"]), Environment(null));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Serve.StandardErrorSoFar.Contains("serving ", StringComparison.Ordinal))
        {
            if (Serve.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"syncwarden serve on {Name} did not start:\n" + Serve.StandardErrorSoFar);
            }
            await Task.Delay(50);
        }
    }

    public Task StartDaemonAsync(string? pgpass)
    {
        Daemon = TestProcess.Start("ip", End.ExecArgs([SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", ConfigPath, "daemon"]), Environment(pgpass));
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>syncwarden -c CONFIG args...</c> inside this machine's namespace.</summary>
    public Task<ProcessResult> CliAsync(string? pgpass, params string[] args) =>
        TestProcess.RunAsync("ip", End.ExecArgs([SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", ConfigPath, .. args]), TimeSpan.FromMinutes(3), Environment(pgpass));

    /// <summary>The standby field of the pair's job in <c>status --json</c>.</summary>
    public async Task<JsonElement> StandbyStatusAsync(string? pgpass) => (await JobStatusAsync(pgpass)).GetProperty("standby");

    /// <summary>The pair's job (<c>standby</c>) in <c>status --json</c>.</summary>
    public async Task<JsonElement> JobStatusAsync(string? pgpass)
    {
        var status = (await CliAsync(pgpass, "status", "--json")).EnsureSuccess("status --json");
        using var document = JsonDocument.Parse(status.StandardOutput);
        return document.RootElement.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "standby").Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.StopAsync("TERM", TimeSpan.FromSeconds(20));
            await Daemon.DisposeAsync();
        }
        if (Serve is not null)
        {
            await Serve.StopAsync("TERM", TimeSpan.FromSeconds(20));
            await Serve.DisposeAsync();
        }
    }
}
