using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Locks;

/// <summary>Raised when a lock cannot be checked or taken at all (host unreachable, flock missing); the run fails.</summary>
public sealed class LockException(string message) : Exception(message);

/// <summary>The outcome of one attempt on a remote host: the session holding its locks, or what blocked.</summary>
internal sealed record RemoteAttempt(RemoteLockSession? Session, LockFileProbe? Blocked, IReadOnlyList<LockFileProbe> Stale);

/// <summary>
/// An ssh session whose remote processes hold this host's locks with flock(1) until its stdin closes:
/// if syncwarden dies, ssh dies, stdin closes and the remote kernel drops the locks.
/// </summary>
internal sealed class RemoteLockSession : IAsyncDisposable
{
    private static readonly TimeSpan s_releaseWait = TimeSpan.FromSeconds(20);
    private readonly ProcessSession _process;
    private readonly StringBuilder _stderr;
    private bool _released;

    private RemoteLockSession(HostConfig host, ProcessSession process, StringBuilder stderr)
    {
        Host = host;
        _process = process;
        _stderr = stderr;
    }

    public HostConfig Host { get; }

    /// <summary>True when the session ended before we released it: the locks are no longer held.</summary>
    public bool Lost => _process.Exited.IsCompleted && !_released;

    public static async Task<RemoteAttempt> TryAcquireAsync(
        SyncwardenConfig config, HostConfig host, IReadOnlyList<string> blocksOn, IReadOnlyList<string> locks, string holder,
        ProcessRunner runner, CancellationToken cancellationToken = default)
    {
        var command = Ssh.RemoteCommandLine.ShCommand(RemoteLockScripts.Acquire, RemoteLockScripts.AcquireArgs(holder, blocksOn, locks));
        var (process, replies, stderr) = await StartAsync(config, host, command, runner).ConfigureAwait(false);
        var stale = new List<LockFileProbe>();
        var keep = false;
        try
        {
            while (true)
            {
                var words = await NextReplyAsync(process, replies, cancellationToken).ConfigureAwait(false);
                if (words is null)
                {
                    throw new LockException($"cannot take locks on host '{host.Name}': ssh exited with code {process.ExitCode}{StderrSuffix(stderr)}");
                }
                switch (words[0])
                {
                    case "SW-READY":
                        keep = true;
                        return new RemoteAttempt(new RemoteLockSession(host, process, stderr), null, stale);
                    case "SW-BLOCKED" or "SW-STALE" when words.Length >= 4:
                        var probe = new LockFileProbe(RemoteLockScripts.Unhex(words[2]), RemoteLockScripts.ParseState(words[1]), RemoteLockScripts.Unhex(words[3]));
                        if (words[0] == "SW-BLOCKED")
                        {
                            return new RemoteAttempt(null, probe, stale);
                        }
                        stale.Add(probe);
                        break;
                    case "SW-ERROR":
                        throw new LockException($"cannot take locks on host '{host.Name}': {string.Join(' ', words.Skip(1))}");
                    default:
                        break;
                }
            }
        }
        finally
        {
            if (!keep)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Probes paths or patterns on the host without taking anything (for lock list).</summary>
    public static async Task<IReadOnlyList<(LockFileProbe Probe, TimeSpan? Age)>> ProbeAsync(
        SyncwardenConfig config, HostConfig host, IReadOnlyList<string> paths, ProcessRunner runner, CancellationToken cancellationToken = default)
    {
        var command = Ssh.RemoteCommandLine.ShCommand(RemoteLockScripts.List, paths);
        var (process, replies, stderr) = await StartAsync(config, host, command, runner).ConfigureAwait(false);
        await using var _ = process.ConfigureAwait(false);
        var found = new List<(LockFileProbe, TimeSpan?)>();
        while (await NextReplyAsync(process, replies, cancellationToken).ConfigureAwait(false) is { } words)
        {
            if (words[0] == "SW-ERROR")
            {
                throw new LockException($"cannot look at locks on host '{host.Name}': {string.Join(' ', words.Skip(1))}");
            }
            if (words[0] == "SW-PROBE" && words.Length >= 6)
            {
                var probe = new LockFileProbe(RemoteLockScripts.Unhex(words[2]), RemoteLockScripts.ParseState(words[1]), RemoteLockScripts.Unhex(words[3]));
                TimeSpan? age = long.TryParse(words[4], CultureInfo.InvariantCulture, out var mtime) && mtime > 0
                    && long.TryParse(words[5], CultureInfo.InvariantCulture, out var now) ? TimeSpan.FromSeconds(Math.Max(0, now - mtime)) : null;
                found.Add((probe, age));
            }
        }
        if (process.ExitCode is not 0)
        {
            throw new LockException($"cannot look at locks on host '{host.Name}': ssh exited with code {process.ExitCode}{StderrSuffix(stderr)}");
        }
        return found;
    }

    /// <summary>Asks the remote side to remove its lock files (under its guard) and end; the locks go with it.</summary>
    public async Task ReleaseAsync()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        if (!_process.Exited.IsCompleted)
        {
            await _process.WriteLineAsync("release").ConfigureAwait(false);
        }
        await _process.StopAsync(s_releaseWait).ConfigureAwait(false);
    }

    public string Diagnostics => StderrSuffix(_stderr);

    public async ValueTask DisposeAsync()
    {
        _released = true;
        await _process.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<(ProcessSession, Channel<string[]>, StringBuilder)> StartAsync(SyncwardenConfig config, HostConfig host, string command, ProcessRunner runner)
    {
        var replies = Channel.CreateUnbounded<string[]>();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var spec = SshCommand.Remote(config.SshPath, host, command, "-T") with { GracePeriod = TimeSpan.FromSeconds(5) };
        var process = await runner.StartSessionAsync(spec, chunk =>
        {
            lock (stdout)
            {
                stdout.Append(chunk);
                var text = stdout.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0)
                {
                    return;
                }
                foreach (var line in text[..end].Split('\n'))
                {
                    if (RemoteLockScripts.ParseReply(line) is { } words)
                    {
                        replies.Writer.TryWrite(words);
                    }
                }
                stdout.Remove(0, end + 1);
            }
        }, chunk => { lock (stderr) { stderr.Append(chunk); } }).ConfigureAwait(false);
        _ = process.OutputClosed.ContinueWith(_ => replies.Writer.TryComplete(), TaskScheduler.Default);
        return (process, replies, stderr);
    }

    /// <summary>The next reply, or null once the process has exited and every reply was read.</summary>
    private static async Task<string[]?> NextReplyAsync(ProcessSession process, Channel<string[]> replies, CancellationToken cancellationToken)
    {
        while (await replies.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (replies.Reader.TryRead(out var words))
            {
                return words;
            }
        }
        // stdout is closed; the exit code follows at once.
        await process.Exited.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static string StderrSuffix(StringBuilder stderr)
    {
        string text;
        lock (stderr)
        {
            text = stderr.ToString().Trim();
        }
        return text.Length == 0 ? "" : ": " + (text.Length > 500 ? text[^500..] : text);
    }
}
