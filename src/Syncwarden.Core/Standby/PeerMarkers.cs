using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Standby;

/// <summary>
/// Reads and writes the markers in the peer's data folders with rsync itself, through the job's own transport
/// (ssh options, key, remote rsync path): no remote shell command is needed, so a key restricted to rsync works. Over
/// rsync-tls the peer's <c>serve</c> offers the markers through a read-only module that shows nothing else, and the
/// marker is written through the write-only module the push itself uses (Tls/TlsModules.StandbyModules).
/// </summary>
internal sealed class PeerMarkers(SyncwardenConfig config, ProcessRunner runner)
{
    private StandbySettings Settings => config.Standby!;

    private JobConfig Job => config.FindJob(StandbySettings.JobName)!;

    /// <summary>
    /// The peer's markers and claims in the order of its folders (null where there is none yet), or why they could not be
    /// read. A claim is what the peer wrote itself when it became primary; a push never writes one, so a stale write of a
    /// marker that was in flight when a link was cut cannot hide a promote.
    /// </summary>
    public async Task<(IReadOnlyList<StandbyMarker?>? Markers, IReadOnlyList<StandbyMarker?> Claims, string? Error)> ReadAsync(StandbyStore store, CancellationToken cancellationToken = default)
    {
        var incoming = Path.Combine(store.OutgoingFolder(), "in-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(incoming);
        try
        {
            var markers = new List<StandbyMarker?>();
            var claims = new List<StandbyMarker?>();
            for (var i = 0; i < Settings.PeerPaths.Count; i++)
            {
                var folder = Settings.PeerPaths[i];
                var spec = Spec([Remote(i, StandbyMarker.FileName, write: false), Remote(i, StandbyMarker.ClaimFileName, write: false), incoming + "/"]);
                var (result, _, stderr) = await runner.CaptureAsync(spec, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                // Exit 23 naming a missing file: no marker (or claim, or not even the folder) yet, which is normal.
                if (result.ExitCode != 0 && !(result.ExitCode == 23 && stderr.Contains("No such file or directory", StringComparison.Ordinal)))
                {
                    return (null, [], $"could not read the standby marker of {Settings.PeerName}:{folder}: {Explain(result.ExitCode, stderr)}");
                }
                markers.Add(await TakeAsync(Path.Combine(incoming, StandbyMarker.FileName), cancellationToken).ConfigureAwait(false));
                claims.Add(await TakeAsync(Path.Combine(incoming, StandbyMarker.ClaimFileName), cancellationToken).ConfigureAwait(false));
            }
            return (markers, claims, null);
        }
        finally
        {
            Directory.Delete(incoming, recursive: true);
        }
    }

    private static async Task<StandbyMarker?> TakeAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        var marker = StandbyMarker.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        File.Delete(file);
        return marker;
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
            for (var i = 0; i < Settings.PeerPaths.Count; i++)
            {
                var folder = Settings.PeerPaths[i];
                // rsync writes a temporary file beside the marker and renames it: the peer sees the old marker or the new.
                // --ignore-times: a handover marker has the same size as the marker of the push just before it (alpha/true
                // against beta/false) and often the same second; rsync's quick check would then skip it.
                var (result, _, stderr) = await runner.CaptureAsync(Spec(["--times", "--ignore-times", "--", file, Remote(i, StandbyMarker.FileName, write: true)], separator: false), cancellationToken).ConfigureAwait(false);
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

    private string Remote(int folder, string name, bool write) => Settings.Peer.UsesTls
        ? Tls.TlsModules.StandbyMarkerSpec(Settings.Peer, folder, name, write)
        : Ssh.SshCommand.RemoteSpec(Settings.Peer, Settings.PeerPaths[folder].TrimEnd('/') + "/" + name);

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
