using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A private OpenSSH server (never the system's) on a free loopback port or inside a <see cref="NetworkNamespace"/>,
/// with its own host key, client key and authorized_keys. Root may log in with the client key only.
/// </summary>
public sealed partial class SshServer : IAsyncDisposable
{
    public const string SshdPath = "/usr/sbin/sshd";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);

    private readonly TempDir _dir;
    private readonly RunningProcess _sshd;
    private int _extraFileCounter;

    private SshServer(TempDir dir, RunningProcess sshd, string address, int port, NetworkNamespace? ns)
    {
        _dir = dir;
        _sshd = sshd;
        Address = address;
        Port = port;
        Namespace = ns;
    }

    /// <summary>The address sshd listens on (127.0.0.1, or the namespace side of a veth).</summary>
    public string Address { get; }

    public int Port { get; }

    public string User => "root";

    /// <summary><c>root@address</c>, for ssh and rsync destinations.</summary>
    public string Destination => $"{User}@{Address}";

    /// <summary>The namespace sshd runs in, or null for the root namespace.</summary>
    public NetworkNamespace? Namespace { get; }

    /// <summary>The namespace clients connect from when sshd runs on one side of a <see cref="NetworkNamespacePair"/>; else null.</summary>
    public NamespaceEnd? ClientSide { get; private init; }

    /// <summary>Private key authorized for <see cref="User"/>.</summary>
    public string ClientKeyPath => _dir.Combine("client_ed25519");

    /// <summary>known_hosts with the server's real host key for <c>[Address]:Port</c> (use with StrictHostKeyChecking=yes).</summary>
    public string KnownHostsPath => _dir.Combine("known_hosts");

    /// <summary>The server's public host key line, e.g. <c>ssh-ed25519 AAAA... comment</c>.</summary>
    public string HostPublicKey { get; private set; } = "";

    public string ConfigPath => _dir.Combine("sshd_config");

    /// <summary>Directory holding the config, keys and pid file.</summary>
    public string Directory => _dir.Path;

    public int ProcessId => _sshd.ProcessId;

    /// <summary>What sshd has logged so far (it runs with -e), for assertion messages.</summary>
    public string ServerLog => _sshd.StandardErrorSoFar;

    /// <summary>ssh client options (no destination) for this server: its port, client key, known_hosts, strict host key checking, batch mode.</summary>
    public IReadOnlyList<string> SshArgs => BuildSshArgs(ClientKeyPath, KnownHostsPath);

    /// <summary>Like <see cref="SshArgs"/> with another identity or known_hosts file (for negative tests).</summary>
    public IReadOnlyList<string> BuildSshArgs(string identityFile, string knownHostsFile, int connectTimeoutSeconds = 10) =>
    [
        "-F", "/dev/null",
        "-p", Port.ToString(CultureInfo.InvariantCulture),
        "-i", identityFile,
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + knownHostsFile,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "ConnectTimeout=" + connectTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        "-o", "LogLevel=ERROR",
        "-l", User,
    ];

    /// <summary>
    /// The <c>ssh ...</c> command line for <c>rsync -e</c> (rsync splits it on spaces, honouring quotes).
    /// </summary>
    public string RsyncRemoteShell => RsyncRemoteShellFor(SshArgs);

    public static string RsyncRemoteShellFor(IEnumerable<string> sshArgs) =>
        string.Join(' ', new[] { "ssh" }.Concat(sshArgs).Select(QuoteForRsync));

    /// <summary><c>root@address:path</c> for rsync.</summary>
    public string RemotePath(string path) => $"{Destination}:{path}";

    /// <summary>Runs ssh with <paramref name="sshArgs"/> followed by the destination and <paramref name="remoteCommand"/> (already one shell string, or none).</summary>
    public Task<ProcessResult> RunSshAsync(IEnumerable<string> sshArgs, string? remoteCommand, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var args = sshArgs.Append(Address);
        if (remoteCommand is not null)
        {
            args = args.Append("--").Append(remoteCommand);
        }

        return ClientSide is { } client
            ? TestProcess.RunAsync("ip", client.ExecArgs(["ssh", .. args]), timeout ?? TestProcess.DefaultTimeout, cancellationToken: cancellationToken)
            : TestProcess.RunAsync("ssh", args, timeout ?? TestProcess.DefaultTimeout, cancellationToken: cancellationToken);
    }

    /// <summary>Runs <paramref name="argv"/> on the server; each argument is shell-quoted, so it arrives verbatim.</summary>
    public Task<ProcessResult> RunRemoteAsync(params string[] argv) =>
        RunSshAsync(SshArgs, string.Join(' ', argv.Select(ShellQuote)));

    /// <summary>Makes a fresh client key pair that is NOT in authorized_keys; returns the private key path.</summary>
    public async Task<string> CreateUnauthorizedClientKeyAsync(CancellationToken cancellationToken = default)
    {
        var path = _dir.Combine($"unauthorized_{Interlocked.Increment(ref _extraFileCounter)}_ed25519");
        await GenerateKeyAsync(path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Makes a known_hosts file that names this server with a different (wrong) host key.</summary>
    public async Task<string> CreateWrongKnownHostsAsync(CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _extraFileCounter);
        var keyPath = _dir.Combine($"impostor_{n}_ed25519");
        await GenerateKeyAsync(keyPath, cancellationToken).ConfigureAwait(false);
        var path = _dir.Combine($"wrong_known_hosts_{n}");
        await File.WriteAllTextAsync(path, KnownHostsLine(await File.ReadAllTextAsync(keyPath + ".pub", cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>POSIX shell single-quoting.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string QuoteForRsync(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\') ? "'" + value + "'" : value;

    private string KnownHostsLine(string publicKeyLine) =>
        $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)} {publicKeyLine.Trim()}\n";

    private static async Task GenerateKeyAsync(string path, CancellationToken cancellationToken)
    {
        var result = await TestProcess.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "syncwarden-it", "-f", path],
            TimeSpan.FromSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen failed for {path}: {result}");
        }
    }

    internal static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
