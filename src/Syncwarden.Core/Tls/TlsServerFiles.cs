using System.Globalization;
using System.Text;
using Syncwarden.Configuration;

namespace Syncwarden.Tls;

/// <summary>
/// The two configurations <c>syncwarden serve</c> writes into <c>STATE/tls/serve-HOST/</c> (0600 in a 0700 folder):
/// rsyncd.conf for an rsync daemon on loopback, and stunnel.conf for the TLS listener in front of it.
/// </summary>
public static class TlsServerFiles
{
    public static string FolderOf(SyncwardenConfig config, HostConfig host) => Path.Combine(config.StateDir, "tls", "serve-" + host.Name);

    /// <summary>
    /// A module path is written into rsyncd.conf, whose values expand %VARIABLES% and end at a line break: such paths are
    /// refused rather than escaped.
    /// </summary>
    public static string? ProblemWith(TlsModule module) =>
        module.Path.Any(char.IsControl) || module.Path.Contains('%', StringComparison.Ordinal) || module.Path != module.Path.Trim()
            ? $"the folder of job '{module.Job}' sync {module.Sync} cannot be served by the rsync daemon (a line break, a '%' or surrounding spaces in {module.Path})"
            : null;

    /// <summary>
    /// rsyncd.conf: every module chrooted to its folder, numeric ids, files owned as sent (the daemon runs as root, as
    /// rsync over ssh as root does); push modules write only (the sender cannot read anything back), pull modules read
    /// only, and a module with only some files readable filters out everything else. Only stunnel on loopback may connect, and only as the user whose password is the pre-shared key line, so
    /// another local user reaching the loopback port gets nowhere.
    /// </summary>
    public static string RsyncdConf(HostConfig host, IReadOnlyList<TlsModule> modules, string secretsFile, string configFile)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# written by syncwarden serve for host {host.Name} from {configFile}; rewritten at each start\n");
        text.Append("pid file =\nuse chroot = yes\nnumeric ids = yes\nmunge symlinks = no\nuid = root\ngid = root\n");
        text.Append("reverse lookup = no\nhosts allow = 127.0.0.1\nstrict modes = yes\ntransfer logging = no\nlist = no\n");
        text.Append(CultureInfo.InvariantCulture, $"auth users = {TlsModules.AuthUser}\nsecrets file = {secretsFile}\n");
        foreach (var module in modules)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[{module.Name}]\n    comment = job {module.Job} sync {module.Sync}\n    path = {module.Path}\n");
            text.Append(module.ReadOnly ? "    read only = yes\n    write only = no\n" : "    read only = no\n    write only = yes\n");
            if (module.OnlyFiles is { } only)
            {
                // The daemon treats what its filter excludes as absent: only these names at the root can be read.
                text.Append("    filter =").AppendJoin("", only.Select(name => " + /" + name)).Append(" - *\n");
                // And no following a symlink of that name to a file it does not show.
                text.Append("    refuse options = copy-links copy-dirlinks copy-unsafe-links\n");
            }
        }
        return text.ToString();
    }

    /// <summary>The daemon's secrets: the auth user's password is the whole pre-shared key line, which the sender passes with --password-file.</summary>
    public static string Secrets(string pskLine) => TlsModules.AuthUser + ":" + pskLine + "\n";

    /// <summary>stunnel's server configuration: TLS with the pre-shared keys on the host's listen address and port, forwarded to the loopback daemon.</summary>
    public static string StunnelConf(HostConfig host, int rsyncPort)
    {
        var tls = host.Tls!;
        return $"""
            ; written by syncwarden serve for host {host.Name}; rewritten at each start
            foreground = yes
            pid =
            syslog = no
            debug = notice

            [rsync-tls]
            accept = {tls.Listen}:{tls.Port.ToString(CultureInfo.InvariantCulture)}
            connect = 127.0.0.1:{rsyncPort.ToString(CultureInfo.InvariantCulture)}
            PSKsecrets = {tls.PskFile}
            TIMEOUTclose = 0

            """;
    }
}
