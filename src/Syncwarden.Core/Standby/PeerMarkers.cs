using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Standby;

/// <summary>
/// Reads and writes the markers in the peer's data folders with rsync itself, through the job's own transport
/// (ssh options, key, remote rsync path): no remote shell command is needed, so a key restricted to rsync works.
/// </summary>
internal sealed class PeerMarkers(SyncwardenConfig config, ProcessRunner runner)
{
    private StandbySettings Settings => config.Standby!;

    private JobConfig Job => config.FindJob(StandbySettings.JobName)!;

    /// <summary>The peer's markers in the order of its folders (null where there is none yet), or why they could not be read.</summary>
    public async Task<(IReadOnlyList<StandbyMarker?>? Markers, string? Error)> ReadAsync(StandbyStore store, CancellationToken cancellationToken = default)
    {
        var incoming = Path.Combine(store.OutgoingFolder(), "in-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(incoming);
        try
        {
            var markers = new List<StandbyMarker?>();
            foreach (var folder in Settings.PeerPaths)
            {
                var spec = Spec([Remote(folder), incoming + "/"]);
                var (result, _, stderr) = await runner.CaptureAsync(spec, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                var local = Path.Combine(incoming, StandbyMarker.FileName);
                if (result.ExitCode == 0 && File.Exists(local))
                {
                    markers.Add(StandbyMarker.Parse(await File.ReadAllTextAsync(local, cancellationToken).ConfigureAwait(false)));
                    File.Delete(local);
                    continue;
                }
                // No marker (or not even the folder) yet: a destination that never received a sync.
                if (result.ExitCode == 23 && stderr.Contains("No such file or directory", StringComparison.Ordinal))
                {
                    markers.Add(null);
                    continue;
                }
                return (null, $"could not read the standby marker of {Settings.PeerName}:{folder}: {Explain(result.ExitCode, stderr)}");
            }
            return (markers, null);
        }
        finally
        {
            Directory.Delete(incoming, recursive: true);
        }
    }

    /// <summary>Writes <paramref name="marker"/> into every one of the peer's folders; null, or the first problem.</summary>
    public async Task<string?> WriteAsync(StandbyStore store, StandbyMarker marker, CancellationToken cancellationToken = default)
    {
        var outgoing = Path.Combine(store.OutgoingFolder(), "out-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outgoing);
        try
        {
            var file = Path.Combine(outgoing, StandbyMarker.FileName);
            await File.WriteAllTextAsync(file, marker.ToJson(), cancellationToken).ConfigureAwait(false);
            foreach (var folder in Settings.PeerPaths)
            {
                // rsync writes a temporary file beside the marker and renames it: the peer sees the old marker or the new.
                var (result, _, stderr) = await runner.CaptureAsync(Spec(["--times", "--", file, Remote(folder)], separator: false), cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (result.ExitCode != 0)
                {
                    return $"could not write the standby marker to {Settings.PeerName}:{folder}: {Explain(result.ExitCode, stderr)}";
                }
            }
            return null;
        }
        finally
        {
            Directory.Delete(outgoing, recursive: true);
        }
    }

    private string Remote(string folder) => Ssh.SshCommand.RemoteSpec(Settings.Peer, folder.TrimEnd('/') + "/" + StandbyMarker.FileName);

    private ProcessSpec Spec(IReadOnlyList<string> paths, bool separator = true)
    {
        var builder = new RsyncCommandBuilder(config, Job);
        List<string> args = ["--secluded-args", .. builder.RemoteShellOptions()];
        if (separator)
        {
            args.Add("--");
        }
        args.AddRange(paths);
        return builder.Spec(args);
    }

    private string Explain(int exitCode, string stderr) =>
        FailureText.Explain(Job, [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], exitCode).Message;
}
