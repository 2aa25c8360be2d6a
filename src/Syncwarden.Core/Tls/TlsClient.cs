using System.Globalization;
using System.Text;
using Syncwarden.Configuration;
using Syncwarden.Ssh;

namespace Syncwarden.Tls;

/// <summary>
/// The sending side of rsync-tls. rsync runs its remote-shell helper as <c>HELPER... HOST rsync --server --daemon .</c> and
/// speaks the daemon protocol over the helper's stdin and stdout; the helper is stunnel in inetd mode (no accept: it
/// uses stdin and stdout as the plaintext side) with a client configuration we write. stunnel reads its configuration
/// from its first argument and ignores the rest, so it is the helper itself, with no shim: the plaintext only crosses
/// the pipe between rsync and stunnel, never a socket. The argv is a list rendered for rsync's own splitting, never a
/// shell string.
/// </summary>
public static class TlsClient
{
    /// <summary>Where the stunnel client configuration of a host is kept (mode 0600, in a 0700 folder).</summary>
    public static string ConfigPath(SyncwardenConfig config, HostConfig host) => Path.Combine(config.StateDir, "tls", "client-" + host.Name + ".conf");

    /// <summary>
    /// stunnel's client configuration: it connects to the host's TLS port and authenticates with the pre-shared key
    /// file (referenced, not copied). Errors only (level 3) reach stderr, where the run log and the error explanation
    /// read them. TIMEOUTclose 0: rsync has finished when it closes the pipe, so stunnel does not wait for the peer's close.
    /// </summary>
    public static string Render(HostConfig host)
    {
        var tls = host.Tls ?? throw new InvalidOperationException($"host '{host.Name}' has no tls: settings");
        var timeout = ((int)Math.Ceiling(host.ConnectTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return $"""
            ; written by syncwarden for host {host.Name} (transport: rsync-tls); rewritten from the configuration before each use
            foreground = yes
            pid =
            syslog = no
            debug = err
            client = yes
            connect = {host.Address}:{tls.Port.ToString(CultureInfo.InvariantCulture)}
            PSKsecrets = {tls.PskFile}
            TIMEOUTconnect = {timeout}
            TIMEOUTclose = 0

            """;
    }

    /// <summary>Writes the host's client configuration when it differs from what is there; returns its path.</summary>
    public static string Ensure(SyncwardenConfig config, HostConfig host)
    {
        var path = ConfigPath(config, host);
        var text = Render(host);
        PrivateFiles.Write(path, text);
        return path;
    }

    /// <summary>rsync's --rsh (stunnel with the host's configuration) and --password-file (the key, for the daemon's own check).</summary>
    public static IReadOnlyList<string> RsyncOptions(SyncwardenConfig config, HostConfig host) =>
    [
        "--rsh=" + SshCommand.ForRsyncRemoteShell([config.StunnelPath, Ensure(config, host)]),
        "--password-file=" + host.Tls!.PskFile,
    ];

    /// <summary>Lines stunnel prints on every connection that say nothing about this one (no CA for a PSK-only client; the close without waiting).</summary>
    public static bool IsNoise(ReadOnlySpan<char> line) =>
        line.Contains("No trusted certificates found", StringComparison.Ordinal) || line.Contains("TIMEOUTclose exceeded", StringComparison.Ordinal);
}

/// <summary>Files only root reads: the folder 0700, the file 0600, replaced atomically and only when its content changes.</summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Write(string path, string text)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder, OwnerFolder);
        if (File.Exists(path) && File.GetUnixFileMode(path) == OwnerFile && File.ReadAllText(path) == text)
        {
            return;
        }
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerFile }))
        {
            stream.Write(new UTF8Encoding(false).GetBytes(text));
        }
        File.SetUnixFileMode(temp, OwnerFile);
        File.Move(temp, path, overwrite: true);
    }
}
