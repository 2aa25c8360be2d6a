using System.Text;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// Writes a real syncwarden.yaml for one test: its own state dir, optionally one host pointing at a
/// test sshd. Values are double-quoted YAML scalars so any path (spaces, quotes) survives.
/// </summary>
public sealed class TestConfig
{
    private readonly StringBuilder _jobs = new();
    private readonly StringBuilder _hosts = new();
    private readonly StringBuilder _topLevel = new();

    public TestConfig(TempDir dir)
    {
        Dir = dir;
        StateDir = dir.CreateSubdirectory("state");
        ConfigPath = dir.Combine("syncwarden.yaml");
    }

    public TempDir Dir { get; }
    public string StateDir { get; }
    public string ConfigPath { get; }

    /// <summary>Adds host <paramref name="name"/> for the server (identity, known_hosts and port from the fixture).</summary>
    public TestConfig Host(string name, SshServer server, string? identity = null, string? knownHosts = null, string extra = "")
    {
        _hosts.Append($"  {name}:\n    address: {Q(server.Address)}\n    user: {Q(server.User)}\n    port: {server.Port}\n")
              .Append($"    identity: {Q(identity ?? server.ClientKeyPath)}\n    known-hosts: {Q(knownHosts ?? server.KnownHostsPath)}\n    connect-timeout: 5s\n");
        if (extra.Length > 0)
        {
            _hosts.Append(Indent(extra, 4));
        }
        return this;
    }

    /// <summary>Adds host <paramref name="name"/> for the server with no identity or known-hosts: the ssh defaults, or Syncwarden's managed key once installed.</summary>
    public TestConfig HostWithoutKey(string name, SshServer server)
    {
        _hosts.Append($"  {name}:\n    address: {Q(server.Address)}\n    user: {Q(server.User)}\n    port: {server.Port}\n    connect-timeout: 5s\n");
        return this;
    }

    /// <summary>Adds host <paramref name="name"/> reached over rsync-tls: <c>syncwarden serve</c> on 127.0.0.1:<paramref name="port"/> with the key file.</summary>
    public TestConfig TlsHost(string name, int port, string pskFile)
    {
        _hosts.Append($"  {name}:\n    address: 127.0.0.1\n    connect-timeout: 5s\n    transport: rsync-tls\n")
              .Append($"    tls: {{ port: {port}, psk-file: {Q(pskFile)}, listen: 127.0.0.1 }}\n");
        return this;
    }

    /// <summary>Adds top-level YAML (web:, email:, status-file: ...), written before hosts and jobs.</summary>
    public TestConfig TopLevel(string yaml)
    {
        _topLevel.Append(Indent(yaml, 0));
        return this;
    }

    /// <summary>Adds a job from YAML lines written at job level (direction, host, syncs, options, ...).</summary>
    public TestConfig Job(string name, string body)
    {
        _jobs.Append($"  {name}:\n").Append(Indent(body, 4));
        return this;
    }

    /// <summary>The host through which <see cref="Pair"/> pushes and pulls.</summary>
    public const string PairHost = "backup";

    /// <summary>
    /// Adds job <paramref name="job"/> with one sync from <paramref name="source"/> to <paramref name="destination"/>: a
    /// local job, or a push or pull through host <see cref="PairHost"/>. <paramref name="server"/> adds that host (for
    /// push and pull); leave it null to add the host yourself (another key, known_hosts, ssh options).
    /// <paramref name="extra"/> is more job-level YAML; <paramref name="syncOptions"/> are rsync options of the sync itself.
    /// </summary>
    public TestConfig Pair(string job, string direction, string source, string destination, string extra = "", SshServer? server = null, string? syncOptions = null)
    {
        if (server is not null && direction != "local")
        {
            Host(PairHost, server);
        }
        return Job(job, $$"""
            direction: {{direction}}
            {{(direction == "local" ? "" : "host: " + PairHost)}}
            {{extra}}
            syncs: [{ source: {{Q(source)}}, destination: {{Q(destination)}}{{(syncOptions is null ? "" : $", options: [{syncOptions}]")}} }]
            """);
    }

    /// <summary>log.level of the file; debug by default (everything in the test output).</summary>
    public string LogLevel { get; set; } = "debug";

    /// <summary>log.file; null: the log goes to stderr.</summary>
    public string? LogFile { get; set; }

    public string Yaml =>
        $"state-dir: {Q(StateDir)}\nlog: {{ level: {LogLevel}{(LogFile is null ? "" : ", file: " + Q(LogFile))} }}\n"
        + _topLevel
        + (_hosts.Length > 0 ? "hosts:\n" + _hosts : "")
        + "jobs:\n" + _jobs;

    public string Write()
    {
        File.WriteAllText(ConfigPath, Yaml);
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return ConfigPath;
    }

    /// <summary>Runs the CLI with this config: <c>syncwarden -c CONFIG args...</c>.</summary>
    public Task<ProcessResult> RunCliAsync(params string[] args) => RunCliAsync(SyncwardenCli.DefaultTimeout, args);

    public Task<ProcessResult> RunCliAsync(TimeSpan timeout, params string[] args)
    {
        Write();
        return SyncwardenCli.RunAsync(["-c", ConfigPath, .. args], timeout);
    }

    public Task<RunningProcess> StartCliAsync(params string[] args)
    {
        Write();
        return SyncwardenCli.StartAsync(["-c", ConfigPath, .. args]);
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    public static string Q(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        var common = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Concat(lines.Select(l => pad + (l.Length >= common ? l[common..] : l.TrimStart()) + "\n"));
    }
}
