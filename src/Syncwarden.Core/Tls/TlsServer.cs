using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Tls;

/// <summary>A reason <c>syncwarden serve</c> cannot start or had to stop, for the admin to fix.</summary>
public sealed class TlsServeException(string message) : Exception(message);

/// <summary>
/// The receiving side of rsync-tls (<c>syncwarden serve</c>): an rsync daemon bound to a free loopback port, and stunnel
/// accepting TLS with the pre-shared key on the host's port and forwarding to it. Both run in the foreground as children
/// (their own process groups, so the daemon's per-connection children stop with it; the parent-death signal if serve
/// itself is killed). It runs until cancelled (SIGTERM) and then stops stunnel, then rsync; if either child ends by
/// itself, it stops the other and reports why.
/// </summary>
public sealed class TlsServer(SyncwardenConfig config, ProcessRunner runner, ILogger logger)
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);

    /// <summary>The modules served; checked by <see cref="RunAsync"/> before anything starts.</summary>
    public IReadOnlyList<TlsModule> Modules(HostConfig host) => TlsModules.ServedBy(config, host.Name);

    /// <summary>Serves <paramref name="hostName"/>'s modules until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="TlsServeException">Nothing to serve, a bad key file, or a child that failed to start or stopped.</exception>
    public async Task RunAsync(string hostName, Action<string> ready, CancellationToken cancellationToken = default)
    {
        if (!config.Hosts.TryGetValue(hostName, out var host))
        {
            throw new TlsServeException($"host '{hostName}' is not in the configuration's hosts: (serve names the host it runs on)");
        }
        if (!host.UsesTls)
        {
            throw new TlsServeException($"host '{hostName}' does not have transport: rsync-tls, so there is nothing to serve over TLS");
        }
        var modules = Modules(host);
        if (modules.Count == 0)
        {
            throw new TlsServeException($"no job pushes to or pulls from host '{hostName}', so there is nothing to serve");
        }
        if (modules.Select(TlsServerFiles.ProblemWith).OfType<string>().FirstOrDefault() is { } badPath)
        {
            throw new TlsServeException(badPath);
        }
        if (PskFile.Problem(host.Tls!.PskFile) is { } pskProblem)
        {
            throw new TlsServeException(pskProblem);
        }
        foreach (var module in modules)
        {
            PrepareFolder(module);
        }

        var folder = TlsServerFiles.FolderOf(config, host);
        var secrets = Path.Combine(folder, "rsyncd.secrets");
        var rsyncdConf = Path.Combine(folder, "rsyncd.conf");
        var stunnelConf = Path.Combine(folder, "stunnel.conf");
        var pskLine = File.ReadAllLines(host.Tls.PskFile).First(l => l.Trim().Length > 0).Trim();
        PrivateFiles.Write(secrets, TlsServerFiles.Secrets(pskLine));
        PrivateFiles.Write(rsyncdConf, TlsServerFiles.RsyncdConf(host, modules, secrets, config.SourceFile));
        var rsyncPort = FreeLoopbackPort();
        PrivateFiles.Write(stunnelConf, TlsServerFiles.StunnelConf(host, rsyncPort));

        var rsyncReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rsyncSpec = new ProcessSpec(config.RsyncPath,
            ["--daemon", "--no-detach", "--address=127.0.0.1", "--port=" + rsyncPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config=" + rsyncdConf, "--log-file=/dev/stderr"])
        {
            OwnProcessGroup = true,
            GracePeriod = s_stopGrace,
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C" },
        };
        await using var rsync = await runner.StartSessionAsync(rsyncSpec, onStderr: Lines(line =>
        {
            logger.LogInformation("rsync daemon: {Line}", line);
            if (line.Contains("listening on port", StringComparison.Ordinal))
            {
                rsyncReady.TrySetResult();
            }
        })).ConfigureAwait(false);
        await WaitStartedAsync("the rsync daemon", rsync, rsyncReady.Task, cancellationToken).ConfigureAwait(false);

        var stunnelReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stunnelSpec = new ProcessSpec(config.StunnelPath, [stunnelConf]) { OwnProcessGroup = true, GracePeriod = s_stopGrace };
        await using var stunnel = await runner.StartSessionAsync(stunnelSpec, onStderr: Lines(line =>
        {
            logger.LogInformation("stunnel: {Line}", StripStamp(line));
            if (line.Contains("Configuration successful", StringComparison.Ordinal))
            {
                stunnelReady.TrySetResult();
            }
        })).ConfigureAwait(false);
        try
        {
            await WaitStartedAsync("stunnel", stunnel, stunnelReady.Task, cancellationToken).ConfigureAwait(false);
            ready($"serving {modules.Count} module(s) of host '{host.Name}' over TLS on {host.Tls.Listen}:{host.Tls.Port} (rsync daemon on 127.0.0.1:{rsyncPort}; pids stunnel {stunnel.ProcessId}, rsync {rsync.ProcessId})");
            var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
            var first = await Task.WhenAny(cancelled, rsync.Exited, stunnel.Exited).ConfigureAwait(false);
            if (first != cancelled)
            {
                var which = first == rsync.Exited ? $"the rsync daemon (pid {rsync.ProcessId}) exited with {rsync.ExitCode}" : $"stunnel (pid {stunnel.ProcessId}) exited with {stunnel.ExitCode}";
                throw new TlsServeException(which + "; see its messages above. serve stopped");
            }
        }
        finally
        {
            // No new connections first, then the daemon and the transfers it runs.
            await stunnel.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            await rsync.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }
    }

    private static async Task WaitStartedAsync(string what, ProcessSession session, Task started, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(started, session.Exited, Task.Delay(s_startTimeout, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == session.Exited)
        {
            throw new TlsServeException($"{what} (pid {session.ProcessId}) exited with {session.ExitCode} while starting; see its messages above");
        }
        if (first != started)
        {
            throw new TlsServeException($"{what} (pid {session.ProcessId}) did not report that it was ready within {s_startTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// A module folder must exist for the daemon to chroot into it. Like a local destination, only its last component is
    /// created: a missing parent is usually an unmounted disk, and the module then fails for the sender until it is there.
    /// </summary>
    private void PrepareFolder(TlsModule module)
    {
        if (Directory.Exists(module.Path))
        {
            return;
        }
        if (!module.ReadOnly && Path.GetDirectoryName(module.Path) is { } parent && Directory.Exists(parent))
        {
            Directory.CreateDirectory(module.Path);
            return;
        }
        logger.LogWarning("module {Module} (job {Job}): folder {Path} does not exist; transfers to it fail until it does", module.Name, module.Job, module.Path);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on now (the daemon binds it a moment later).</summary>
    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Output arrives in chunks; each non-empty line goes to <paramref name="onLine"/> (a partial last line waits for the rest).</summary>
    private static Action<string> Lines(Action<string> onLine)
    {
        var pending = new System.Text.StringBuilder();
        return chunk =>
        {
            pending.Append(chunk);
            var text = pending.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                return;
            }
            pending.Clear().Append(text.AsSpan(end + 1));
            foreach (var line in text[..end].Split('\n'))
            {
                if (line.Trim().Length > 0)
                {
                    onLine(line.TrimEnd('\r'));
                }
            }
        };
    }

    private static string StripStamp(string line)
    {
        var at = line.IndexOf(" LOG", StringComparison.Ordinal);
        return at > 0 && at < 25 ? line[(at + 1)..] : line;
    }
}
