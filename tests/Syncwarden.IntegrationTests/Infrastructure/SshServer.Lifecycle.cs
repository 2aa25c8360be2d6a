using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Syncwarden.IntegrationTests.Infrastructure;

public sealed partial class SshServer
{
    /// <summary>Port sshd uses inside a namespace: each namespace has its own port space, so any fixed port is free.</summary>
    public const int NamespacePort = 2222;

    /// <summary>
    /// Starts sshd on a free 127.0.0.1 port and waits until a real ssh login works.
    /// <paramref name="extraConfigLines"/> go before the defaults, so they win (sshd keeps the first value it reads).
    /// </summary>
    public static async Task<SshServer> StartAsync(IReadOnlyList<string>? extraConfigLines = null, CancellationToken cancellationToken = default)
    {
        // A free port can be taken by someone else between probing and sshd's bind; try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await StartCoreAsync("127.0.0.1", GetFreeLoopbackPort(), ns: null, extraConfigLines, cancellationToken).ConfigureAwait(false);
            }
            catch (SshServerStartException ex) when (ex.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>Starts sshd inside <paramref name="ns"/>, listening on its <see cref="NetworkNamespace.NamespaceAddress"/>.</summary>
    public static Task<SshServer> StartInNamespaceAsync(NetworkNamespace ns, IReadOnlyList<string>? extraConfigLines = null, CancellationToken cancellationToken = default) =>
        StartCoreAsync(ns.NamespaceAddress, NamespacePort, ns, extraConfigLines, cancellationToken);

    /// <summary>
    /// Starts sshd on one side of a <see cref="NetworkNamespacePair"/>; the root namespace cannot reach it, so it is
    /// probed (and <see cref="RunSshAsync"/> connects) from the other side.
    /// </summary>
    public static Task<SshServer> StartInPairAsync(NamespaceEnd side, NamespaceEnd clientSide, CancellationToken cancellationToken = default) =>
        StartCoreAsync(side.Address, NamespacePort, ns: null, extraConfigLines: null, cancellationToken, side, clientSide);

    private static async Task<SshServer> StartCoreAsync(string address, int port, NetworkNamespace? ns, IReadOnlyList<string>? extraConfigLines, CancellationToken cancellationToken,
        NamespaceEnd? side = null, NamespaceEnd? clientSide = null)
    {
        var dir = new TempDir("sshd");
        RunningProcess? sshd = null;
        try
        {
            // sshd insists on its privilege-separation directory.
            System.IO.Directory.CreateDirectory("/run/sshd");
            // Sessions get an empty HOME: bash run by sshd sources ~/.bashrc, and this machine's root
            // .bashrc runs `pyenv init`, whose rehash lock, left behind by a session a test killed,
            // made every later login wait 60 s. The tests must not depend on the host's shell setup.
            System.IO.Directory.CreateDirectory(dir.Combine("home"));

            var hostKey = dir.Combine("ssh_host_ed25519_key");
            var clientKey = dir.Combine("client_ed25519");
            await Task.WhenAll(GenerateKeyAsync(hostKey, cancellationToken), GenerateKeyAsync(clientKey, cancellationToken)).ConfigureAwait(false);
            File.Copy(clientKey + ".pub", dir.Combine("authorized_keys"));

            var config = dir.Combine("sshd_config");
            var extra = extraConfigLines is null ? "" : string.Join('\n', extraConfigLines) + "\n";
            await File.WriteAllTextAsync(config, extra + $"""
                Port {port.ToString(CultureInfo.InvariantCulture)}
                ListenAddress {address}
                AddressFamily inet
                HostKey {hostKey}
                PidFile {dir.Combine("sshd.pid")}
                AuthorizedKeysFile {dir.Combine("authorized_keys")}
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                HostbasedAuthentication no
                PermitRootLogin prohibit-password
                StrictModes no
                UsePAM no
                UseDNS no
                PrintMotd no
                PrintLastLog no
                MaxStartups 100
                MaxSessions 100
                SetEnv HOME={dir.Combine("home")}
                LogLevel VERBOSE
                Subsystem sftp internal-sftp

                """, cancellationToken).ConfigureAwait(false);

            string[] sshdArgs = [SshdPath, "-D", "-e", "-f", config];
            sshd = side is not null ? TestProcess.Start("ip", side.ExecArgs(sshdArgs))
                : ns is null ? TestProcess.Start(sshdArgs[0], sshdArgs[1..])
                : TestProcess.Start("ip", ns.ExecArgs(sshdArgs));

            var server = new SshServer(dir, sshd, address, port, ns)
            {
                ClientSide = clientSide,
                HostPublicKey = (await File.ReadAllTextAsync(hostKey + ".pub", cancellationToken).ConfigureAwait(false)).Trim(),
            };
            await File.WriteAllTextAsync(server.KnownHostsPath, server.KnownHostsLine(server.HostPublicKey), cancellationToken).ConfigureAwait(false);

            await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            if (sshd is not null)
            {
                await StopAsync(sshd, dir.Combine("sshd_config")).ConfigureAwait(false);
            }

            dir.Dispose();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        string lastProblem = "nothing tried yet";
        while (deadline.Elapsed < s_startTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_sshd.HasExited)
            {
                var result = await _sshd.Completion.ConfigureAwait(false);
                throw new SshServerStartException(
                    $"sshd (pid {ProcessId}, config {ConfigPath}) exited with {result.ExitCode} during startup. stderr:\n{result.StandardError}");
            }

            if (ClientSide is not null || await AcceptsConnectionsAsync(cancellationToken).ConfigureAwait(false))
            {
                var probe = await RunSshAsync(BuildSshArgs(ClientKeyPath, KnownHostsPath, connectTimeoutSeconds: 5), "true",
                    TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
                if (probe.ExitCode == 0)
                {
                    return;
                }

                lastProblem = $"ssh probe exited {probe.ExitCode}: {probe.StandardError}";
            }
            else
            {
                lastProblem = $"{Address}:{Port} refused connections";
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new SshServerStartException(
            $"sshd (pid {ProcessId}, config {ConfigPath}) not ready within {s_startTimeout}: {lastProblem}. sshd stderr:\n{ServerLog}");
    }

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(Address, Port, attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Stops sshd by pid (TERM, then KILL), kills its connection children, removes its files, and checks nothing of ours is left.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(_sshd, ConfigPath).ConfigureAwait(false);
        }
        finally
        {
            _dir.Dispose();
        }
    }

    private static async Task StopAsync(RunningProcess sshd, string configPath)
    {
        // Connection handlers are forked children; they are re-parented to init when the listener dies,
        // so note them first.
        var children = ProcFs.DescendantsOf(sshd.ProcessId);
        if (!sshd.HasExited)
        {
            await sshd.TerminateAsync().ConfigureAwait(false);
        }

        foreach (var child in children)
        {
            await TestProcess.SignalAsync(child, "KILL").ConfigureAwait(false);
        }

        try
        {
            await sshd.Completion.WaitAsync(s_stopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await sshd.KillAsync().ConfigureAwait(false);
        }

        await sshd.DisposeAsync().ConfigureAwait(false);

        // Session children get SIGHUP when their listener goes and need a moment to exit; only those
        // still there after a few seconds are left behind.
        List<int> leftovers;
        var settle = DateTime.UtcNow.AddSeconds(5);
        while ((leftovers = [.. children.Append(sshd.ProcessId).Where(ProcFs.IsAlive)
            .Concat(ProcFs.FindByCommandLine(configPath)).Distinct()]).Count > 0 && DateTime.UtcNow < settle)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        if (leftovers.Count > 0)
        {
            throw new InvalidOperationException($"sshd processes left behind after stop: {string.Join(", ", leftovers)}");
        }
    }
}

/// <summary>sshd did not come up; the message carries its stderr.</summary>
public sealed class SshServerStartException(string message) : Exception(message);
