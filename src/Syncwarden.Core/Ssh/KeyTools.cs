using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Ssh;

/// <summary>A <c>keys</c> action that cannot go on; the message says what to do.</summary>
public sealed class KeyException(string message) : Exception(message);

/// <summary>One public host key as ssh-keyscan printed it, with its fingerprint.</summary>
public sealed record HostKey(string Type, string Key, string Fingerprint);

/// <summary>
/// <c>keys init</c>: Syncwarden's own ed25519 key for a host (ssh-keygen), and the ssh-keygen and ssh-keyscan calls the
/// other <c>keys</c> actions share.
/// </summary>
public sealed class KeyTools(ProcessRunner runner)
{
    /// <summary>
    /// The names the keys commands make or are given must reach ssh unchanged (<see cref="SshCommand.UnpassableFileName"/>;
    /// the configuration's own identity: and known-hosts: are checked by `check`); checked before anything is written or
    /// any connection made.
    /// </summary>
    /// <exception cref="KeyException">ssh would change <paramref name="path"/>.</exception>
    public static void RequireSshFileName(string path, string what, string fix)
    {
        if (SshCommand.UnpassableFileName(path) is { } problem)
        {
            throw new KeyException($"{what} {problem}; {fix}");
        }
    }

    /// <summary>The managed key and the pinned known_hosts live in the state directory: its path must reach ssh unchanged.</summary>
    /// <exception cref="KeyException">ssh would change the state directory's path.</exception>
    public static void RequireSshStateDir(SyncwardenConfig config) =>
        RequireSshFileName(config.StateDir, "the state directory", "set state-dir: to a folder whose path has no \"${\"");

    /// <summary>Generates STATE/keys/HOST/id_ed25519 (0600, no passphrase); an existing key is replaced only with <paramref name="force"/>.</summary>
    public async Task<(string Path, string Fingerprint)> InitAsync(SyncwardenConfig config, string hostName, bool force, CancellationToken cancellationToken = default)
    {
        _ = HostOf(config, hostName);
        RequireSshStateDir(config);
        var key = ManagedKeys.PrivateKey(config.StateDir, hostName);
        if (File.Exists(key) || File.Exists(key + ".pub"))
        {
            if (!force)
            {
                throw new KeyException($"host '{hostName}' already has a key ({key}); keep it, or make a new one with --force (then run keys install again: the old key stays authorized until then)");
            }
            File.Delete(key);
            File.Delete(key + ".pub");
            // The new key is not on the host yet: jobs go back to the ssh defaults until keys install runs.
            File.Delete(ManagedKeys.InstalledMarker(config.StateDir, hostName));
        }
        var folder = Directory.CreateDirectory(ManagedKeys.KeyFolder(config.StateDir, hostName));
        File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (result, _, stderr) = await runner.CaptureAsync(new ProcessSpec("ssh-keygen",
            ["-q", "-t", "ed25519", "-N", "", "-C", ManagedKeys.Comment(hostName), "-f", key]), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new KeyException($"ssh-keygen failed (exit {result.ExitCode}): {stderr.Trim()}");
        }
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (key, await FingerprintAsync(await File.ReadAllTextAsync(key + ".pub", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The SHA256 fingerprint of one public key line (<c>type key [comment]</c>, or a known_hosts line).</summary>
    public async Task<string> FingerprintAsync(string publicKeyLine, CancellationToken cancellationToken = default)
    {
        var fingerprints = await FingerprintsAsync([publicKeyLine.Trim()], cancellationToken).ConfigureAwait(false);
        return fingerprints.Count == 1 ? fingerprints[0] : throw new KeyException("ssh-keygen could not read the public key " + publicKeyLine.Trim());
    }

    /// <summary>The public keys of the host (ssh-keyscan on its address and port), each with its fingerprint.</summary>
    public async Task<IReadOnlyList<HostKey>> ScanAsync(HostConfig host, CancellationToken cancellationToken = default)
    {
        var timeout = ((int)Math.Ceiling(host.ConnectTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var (result, stdout, stderr) = await runner.CaptureAsync(new ProcessSpec("ssh-keyscan",
            ["-p", host.Port.ToString(CultureInfo.InvariantCulture), "-T", timeout, "--", host.Address]), cancellationToken).ConfigureAwait(false);
        var keys = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3)
            .Select(f => (Type: f[1], Key: f[2]))
            .Distinct()
            .ToList();
        if (keys.Count == 0)
        {
            throw new KeyException($"ssh-keyscan found no host key at {host.Address} port {host.Port} (exit {result.ExitCode}): {LastLines(stderr)}");
        }
        var fingerprints = await FingerprintsAsync([.. keys.Select(k => k.Type + " " + k.Key)], cancellationToken).ConfigureAwait(false);
        if (fingerprints.Count != keys.Count)
        {
            throw new KeyException("ssh-keygen could not read the host keys ssh-keyscan printed");
        }
        return [.. keys.Select((k, i) => new HostKey(k.Type, k.Key, fingerprints[i]))];
    }

    private async Task<IReadOnlyList<string>> FingerprintsAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        // "256 SHA256:... comment (ED25519)", one line per key, in order.
        var (result, stdout, stderr) = await runner.CaptureAsync(new ProcessSpec("ssh-keygen", ["-l", "-E", "sha256", "-f", "-"])
        {
            StandardInput = string.Join('\n', lines) + "\n",
        }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new KeyException($"ssh-keygen -l failed (exit {result.ExitCode}): {stderr.Trim()}");
        }
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 2).Select(f => f[1])];
    }

    /// <summary>The configured host, or a clear error naming the hosts there are.</summary>
    public static HostConfig HostOf(SyncwardenConfig config, string hostName) =>
        config.Hosts.TryGetValue(hostName, out var host) ? host
        : throw new KeyException($"no host '{hostName}' in {config.SourceFile}; "
            + (config.Hosts.Count == 0 ? "add it under hosts: first" : "configured hosts: " + string.Join(", ", config.Hosts.Keys.Order(StringComparer.Ordinal))));

    /// <summary>The last few lines of an error output that are not ssh's debug lines, for a one-line message.</summary>
    public static string LastLines(string stderr) =>
        string.Join(" / ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("debug", StringComparison.Ordinal) && !l.StartsWith("OpenSSH_", StringComparison.Ordinal)).TakeLast(3)) is { Length: > 0 } text ? text : "(no output)";
}
