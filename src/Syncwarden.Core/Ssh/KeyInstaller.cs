using System.Globalization;
using System.Net;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Ssh;

/// <summary>How <c>keys install</c> logs in as the admin and what it installs.</summary>
public sealed record KeyInstallOptions
{
    /// <summary>The admin's key for the login; null: the admin's own ssh set-up (agent, ~/.ssh/config, default keys).</summary>
    public string? AdminIdentity { get; init; }
    /// <summary>The known_hosts file the admin login checks the host key against; null: ssh's own (~/.ssh/known_hosts, ...).</summary>
    public string? AdminKnownHosts { get; init; }
    /// <summary>The fingerprint (SHA256:...) of a host key the admin checked by hand, for a host the admin's known_hosts does not know.</summary>
    public string? AcceptHostKey { get; init; }
    /// <summary>rrsync on the host; null: the one on the remote PATH, else /usr/bin/rrsync.</summary>
    public string? Rrsync { get; init; }
    /// <summary>The remote authorized_keys file, relative to the remote home unless absolute.</summary>
    public string AuthorizedKeys { get; init; } = ".ssh/authorized_keys";
}

/// <summary>
/// <c>keys install</c>: over the admin's own login, adds the host's managed key to the remote account's authorized_keys,
/// able to run nothing but rrsync under the folder of the host's jobs (<see cref="RestrictedKey.ScopeOf"/>) from this
/// machine's address, and pins the host key that login verified in Syncwarden's own known_hosts.
/// </summary>
public sealed class KeyInstaller(ProcessRunner runner, TimeProvider time)
{
    /// <summary>Prints where the connection comes from and where rrsync is ($1, else the PATH, else /usr/bin/rrsync). No user data in the text.</summary>
    private const string ProbeScript = """
        printf 'from=%s\n' "${SSH_CONNECTION%% *}"
        if [ -n "$1" ]; then r=$1; else r=$(command -v rrsync 2>/dev/null) || r=/usr/bin/rrsync; fi
        if [ -f "$r" ] && [ -x "$r" ]; then printf 'rrsync=%s\n' "$r"; else printf 'missing=%s\n' "$r"; fi
        """;

    /// <summary>
    /// Replaces the line whose last word is our comment ($3) in the authorized_keys file $1 with $2 and keeps every other
    /// line and the file's mode (a new file is 0600); makes the writable root $4 (for "rw" in $5) or checks that it exists.
    /// </summary>
    private const string InstallScript = """
        f=$1 line=$2 comment=$3 root=$4 mode=$5
        cd || exit 1
        if [ "$mode" = rw ]; then mkdir -p -- "$root" || exit 4; elif [ ! -d "$root" ]; then exit 5; fi
        case $f in */*) d=${f%/*}; if [ -n "$d" ] && [ ! -d "$d" ]; then mkdir -p -m 700 -- "$d" || exit 1; fi ;; esac
        umask 077
        t=$f.syncwarden-new
        if [ -f "$f" ]; then
          cp -p -- "$f" "$t" || exit 1
          awk -v c="$comment" '$NF != c' "$f" > "$t" || { rm -f -- "$t"; exit 1; }
        else
          : > "$t" || exit 1
        fi
        printf '%s\n' "$line" >> "$t" && mv -f -- "$t" "$f" || { rm -f -- "$t"; exit 1; }
        """;

    private const string ServerHostKeyMarker = "Server host key: ";

    public async Task<(InstalledKey Key, string Line)> InstallAsync(SyncwardenConfig config, string hostName, KeyInstallOptions options, CancellationToken cancellationToken = default)
    {
        var host = KeyTools.HostOf(config, hostName);
        const string Symlink = "point to it through a symlink whose path has no \"${\"";
        KeyTools.RequireSshStateDir(config);
        if (options.AdminIdentity is { } adminIdentity)
        {
            KeyTools.RequireSshFileName(adminIdentity, "--admin-identity", Symlink);
        }
        if (options.AdminKnownHosts is { } adminKnownHosts)
        {
            KeyTools.RequireSshFileName(adminKnownHosts, "--admin-known-hosts", Symlink);
        }
        if (host.Identity is { } own && !host.ManagedKey)
        {
            throw new KeyException($"host '{hostName}' sets identity: {own}, so its jobs would not use the managed key; remove identity: from the host first");
        }
        var publicKeyFile = ManagedKeys.PublicKey(config.StateDir, hostName);
        if (!File.Exists(publicKeyFile) || !File.Exists(ManagedKeys.PrivateKey(config.StateDir, hostName)))
        {
            throw new KeyException($"host '{hostName}' has no key yet; run: syncwarden keys init {hostName}");
        }
        var (scope, scopeError) = RestrictedKey.ScopeOf(config, hostName);
        if (scope is null)
        {
            throw new KeyException(scopeError!);
        }
        var tools = new KeyTools(runner);
        var publicKey = (await File.ReadAllTextAsync(publicKeyFile, cancellationToken).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (publicKey.Length < 2)
        {
            throw new KeyException($"{publicKeyFile} is not a public key; make a new one with: syncwarden keys init {hostName} --force");
        }
        var keyFingerprint = await tools.FingerprintAsync(publicKey[0] + " " + publicKey[1], cancellationToken).ConfigureAwait(false);

        // 1. Log in as the admin, verifying the host key as the admin's ssh does; learn our address and rrsync's place.
        var (hostKey, probe) = await VerifiedHostKeyAsync(config, host, options, tools, cancellationToken).ConfigureAwait(false);
        var from = Value(probe, "from=");
        if (from is null || !IPAddress.TryParse(from, out _))
        {
            throw new KeyException($"host '{hostName}' did not say which address this machine connects from (SSH_CONNECTION is \"{from}\")");
        }
        if (Value(probe, "missing=") is { } missing)
        {
            throw new KeyException($"rrsync is missing on host '{hostName}' ({missing} does not exist or is not executable). "
                + "Install it there (Debian and Ubuntu: apt-get install rsync, which ships /usr/bin/rrsync), or name it with --rrsync PATH");
        }
        var rrsync = Value(probe, "rrsync=") ?? throw new KeyException($"host '{hostName}' did not answer the rrsync check: {string.Join(" / ", probe)}");
        if (rrsync.Contains('\n', StringComparison.Ordinal))
        {
            throw new KeyException("the rrsync path has a line break");
        }

        // 2. Pin the host key the login verified; from now on every login (ours and the admin's below) checks that one.
        var pinned = ManagedKeys.PinnedKnownHosts(config.StateDir);
        Pin(pinned, HostKeyHint.KnownHostsName(host), hostKey);

        // 3. Our line in authorized_keys: only rrsync, only under the scope, only from here, no pty or forwarding.
        var forced = string.Join(' ', new[] { rrsync, "-absolute" }
            .Concat(scope.ReadOnly ? ["-ro"] : ["-no-lock"])
            .Append(scope.Root)
            .Select(RemoteCommandLine.Quote));
        var comment = ManagedKeys.Comment(hostName);
        var line = $"restrict,from=\"{from}\",command=\"{forced.Replace("\"", "\\\"", StringComparison.Ordinal)}\" {publicKey[0]} {publicKey[1]} {comment}";
        var install = RemoteCommandLine.ShCommand(InstallScript, [options.AuthorizedKeys, line, comment, scope.Root, scope.ReadOnly ? "ro" : "rw"]);
        var (result, _, stderr) = await runner.CaptureAsync(AdminSsh(config, host, options, install, ["-o", "UserKnownHostsFile=" + SshCommand.FileOptionValue(pinned), "-o", "GlobalKnownHostsFile=/dev/null"]), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new KeyException(result.ExitCode switch
            {
                4 => $"cannot create the folder {scope.Root} on host '{hostName}' for the key's pushes",
                5 => $"the folder {scope.Root} does not exist on host '{hostName}'; a read-only key needs the pull jobs' sources there",
                _ => $"could not update {options.AuthorizedKeys} on host '{hostName}' (exit {result.ExitCode}): {KeyTools.LastLines(stderr)}",
            });
        }

        // 4. The key itself must now get in (rrsync answers "true" itself) with the pinned host key.
        var check = SshCommand.Remote(config.SshPath, host with
        {
            Identity = ManagedKeys.PrivateKey(config.StateDir, hostName),
            KnownHosts = pinned,
            HostKeyChecking = HostKeyChecking.Yes,
        }, "true");
        var (checkResult, _, checkErr) = await runner.CaptureAsync(check, cancellationToken).ConfigureAwait(false);
        if (checkResult.ExitCode != 0)
        {
            throw new KeyException($"the key was added to {options.AuthorizedKeys} on host '{hostName}', but logging in with it failed (exit {checkResult.ExitCode}): {KeyTools.LastLines(checkErr)}. "
                + "Check that the server reads that file (AuthorizedKeysFile in sshd_config) and that this machine reaches it from " + from);
        }

        var installed = new InstalledKey(hostName, host.Address, host.Port, host.User, from, scope.Root, scope.ReadOnly, rrsync, options.AuthorizedKeys,
            keyFingerprint, hostKey.Fingerprint, time.GetUtcNow());
        ManagedKeys.WriteInstalled(config.StateDir, installed);
        return (installed, line);
    }

    /// <summary>
    /// The admin login's probe and the host key it verified: the admin's known_hosts decides, or, for a host it does not
    /// know, the key whose fingerprint the admin passed with --accept-host-key (the login then checks exactly that key).
    /// </summary>
    private async Task<(HostKey Key, IReadOnlyList<string> Probe)> VerifiedHostKeyAsync(
        SyncwardenConfig config, HostConfig host, KeyInstallOptions options, KeyTools tools, CancellationToken cancellationToken)
    {
        var probe = RemoteCommandLine.ShCommand(ProbeScript, [options.Rrsync ?? ""]);
        var (result, stdout, stderr) = await runner.CaptureAsync(AdminSsh(config, host, options, probe, ["-v"]), cancellationToken).ConfigureAwait(false);
        var target = $"{host.User ?? "(your user)"}@{host.Address} port {host.Port}";
        if (result.ExitCode == 0)
        {
            var verified = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains(ServerHostKeyMarker, StringComparison.Ordinal)) is { } keyLine
                ? keyLine[(keyLine.IndexOf(ServerHostKeyMarker, StringComparison.Ordinal) + ServerHostKeyMarker.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
                : null;
            var scanned = await tools.ScanAsync(host, cancellationToken).ConfigureAwait(false);
            if (verified is null || scanned.FirstOrDefault(k => k.Fingerprint == verified) is not { } match)
            {
                throw new KeyException($"the host key the admin login to {target} verified ({verified ?? "not shown by ssh -v"}) is not among the keys ssh-keyscan got ({string.Join(", ", scanned.Select(k => k.Fingerprint))}); nothing was pinned or installed");
            }
            if (options.AcceptHostKey is { } accepted && accepted != match.Fingerprint)
            {
                throw new KeyException($"--accept-host-key {accepted} does not match the key your known_hosts verified for {target} ({match.Fingerprint}); nothing was installed");
            }
            return (match, Lines(stdout));
        }
        if (stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            throw new KeyException($"the host key of {target} does not match your known_hosts (a reinstalled server, or someone in between); nothing was installed. "
                + "Find out why, fix your own known_hosts, then run keys install again");
        }
        if (!stderr.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            throw new KeyException($"the admin login to {target} failed (exit {result.ExitCode}): {KeyTools.LastLines(stderr)}. "
                + "keys install logs in with your own ssh set-up (agent, ~/.ssh/config, default keys) or --admin-identity FILE");
        }

        // A host the admin's known_hosts does not know: only a key the admin named by its fingerprint is trusted.
        var keys = await tools.ScanAsync(host, cancellationToken).ConfigureAwait(false);
        var listed = string.Join(", ", keys.Select(k => $"{k.Fingerprint} ({k.Type})"));
        if (options.AcceptHostKey is not { } wanted)
        {
            throw new KeyException($"your known_hosts does not know the host key of {target}, and Syncwarden pins only a key you checked. It offers: {listed}. "
                + "Compare with the server's own (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run again with --accept-host-key SHA256:...");
        }
        if (keys.FirstOrDefault(k => k.Fingerprint == wanted) is not { } chosen)
        {
            throw new KeyException($"--accept-host-key {wanted} is not a key of {target}; it offers: {listed}. Nothing was pinned or installed");
        }
        // Log in again, checking exactly the accepted key.
        var temp = Path.Combine(Directory.CreateTempSubdirectory("syncwarden-keys-").FullName, "known_hosts");
        try
        {
            await File.WriteAllTextAsync(temp, $"{HostKeyHint.KnownHostsName(host)} {chosen.Type} {chosen.Key}\n", cancellationToken).ConfigureAwait(false);
            var (again, againOut, againErr) = await runner.CaptureAsync(AdminSsh(config, host, options with { AdminKnownHosts = temp }, probe, ["-o", "GlobalKnownHostsFile=/dev/null"]), cancellationToken).ConfigureAwait(false);
            if (again.ExitCode != 0)
            {
                throw new KeyException($"the admin login to {target} with the accepted host key {wanted} failed (exit {again.ExitCode}): {KeyTools.LastLines(againErr)}");
            }
            return (chosen, Lines(againOut));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(temp)!, recursive: true);
        }
    }

    /// <summary>
    /// The admin's ssh to the host: its address, port and user, the admin's own keys (or --admin-identity), strict host
    /// key checking against the admin's known_hosts (or --admin-known-hosts), never a prompt.
    /// </summary>
    private static ProcessSpec AdminSsh(SyncwardenConfig config, HostConfig host, KeyInstallOptions options, string remoteCommand, IReadOnlyList<string> extra)
    {
        var args = new List<string> { "-p", host.Port.ToString(CultureInfo.InvariantCulture) };
        if (host.User is { Length: > 0 } user)
        {
            args.AddRange(["-l", user]);
        }
        if (options.AdminIdentity is { } identity)
        {
            args.AddRange(["-o", "IdentityFile=" + SshCommand.FileOptionValue(identity), "-o", "IdentitiesOnly=yes"]);
        }
        args.AddRange(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=" + ((int)Math.Ceiling(host.ConnectTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)]);
        // ssh keeps the first value of an option: ours (the pinned file) come before the admin's choice.
        args.AddRange(extra);
        if (options.AdminKnownHosts is { } knownHosts)
        {
            args.AddRange(["-o", "UserKnownHostsFile=" + SshCommand.FileOptionValue(knownHosts)]);
        }
        foreach (var option in host.SshOptions)
        {
            args.AddRange(["-o", option]);
        }
        return new ProcessSpec(config.SshPath, [.. args, "-T", "--", host.Address, remoteCommand]) { GracePeriod = TimeSpan.FromSeconds(5) };
    }

    /// <summary>Replaces the entries for <paramref name="name"/> in our known_hosts file with <paramref name="key"/>.</summary>
    private static void Pin(string file, string name, HostKey key)
    {
        var lines = File.Exists(file) ? File.ReadAllLines(file) : [];
        var kept = lines.Where(l => l.Split(' ', 2)[0] != name).Append($"{name} {key.Type} {key.Key}");
        var temp = file + ".tmp";
        File.WriteAllLines(temp, kept);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, file, overwrite: true);
    }

    private static IReadOnlyList<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Value(IReadOnlyList<string> lines, string prefix) =>
        lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line ? line[prefix.Length..] : null;
}
