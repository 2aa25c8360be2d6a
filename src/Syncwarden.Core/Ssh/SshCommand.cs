using System.Globalization;
using Syncwarden.Configuration;

namespace Syncwarden.Ssh;

/// <summary>Builds the argv of the system ssh client for a configured host.</summary>
public static class SshCommand
{
    /// <summary>ssh program plus options, without the destination host or remote command.</summary>
    public static IReadOnlyList<string> BaseArguments(string sshPath, HostConfig host)
    {
        var args = new List<string> { sshPath, "-p", host.Port.ToString(CultureInfo.InvariantCulture) };
        if (host.User is { Length: > 0 } user)
        {
            args.Add("-l");
            args.Add(user);
        }
        if (host.Identity is { Length: > 0 } identity)
        {
            // Not -i: ssh checks an -i path as given but opens it after expanding %-tokens, so a name with a % in it
            // could never be used. As an option value it is read once, the way FileOptionValue writes it.
            AddOption(args, "IdentityFile", FileOptionValue(identity));
            // Only the configured key: an agent or default keys must not mask a wrong identity.
            args.Add("-o");
            args.Add("IdentitiesOnly=yes");
        }
        AddOption(args, "BatchMode", "yes");
        AddOption(args, "ConnectTimeout", ((int)Math.Ceiling(host.ConnectTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        AddOption(args, "StrictHostKeyChecking", host.HostKeyChecking switch
        {
            HostKeyChecking.AcceptNew => "accept-new",
            HostKeyChecking.No => "no",
            _ => "yes",
        });
        if (host.KnownHosts is { Length: > 0 } knownHosts)
        {
            AddOption(args, "UserKnownHostsFile", FileOptionValue(knownHosts));
        }
        // ssh keeps the first value it sees for an option, so the host's own options go before the
        // keepalive defaults they are meant to override.
        foreach (var option in host.SshOptions)
        {
            args.Add("-o");
            args.Add(option);
        }
        AddOption(args, "ServerAliveInterval", "15");
        AddOption(args, "ServerAliveCountMax", "4");
        return args;
    }

    /// <summary>
    /// ssh running one command on the host. <paramref name="remoteCommand"/> is parsed by the remote
    /// shell: build it with <see cref="RemoteCommandLine"/>, which quotes every word.
    /// </summary>
    public static Processes.ProcessSpec Remote(string sshPath, HostConfig host, string remoteCommand, params string[] extraOptions)
    {
        var argv = BaseArguments(sshPath, host);
        return new Processes.ProcessSpec(argv[0], [.. argv.Skip(1), .. extraOptions, "--", host.Address, remoteCommand]);
    }

    /// <summary>
    /// A file name as the value of an <c>-o</c> option (IdentityFile, UserKnownHostsFile): ssh splits such a value as
    /// it splits a line of its config file (on spaces, quotes grouping, a backslash escaping a quote or a backslash)
    /// and then expands %-tokens (%h, %u, ...). In double quotes with " and \ escaped, and % doubled, any name reaches
    /// ssh unchanged. (ssh also expands ${NAME} there, with no escape: see <see cref="UnpassableFileName"/>.)
    /// </summary>
    public static string FileOptionValue(string path) =>
        "\"" + path.Replace("%", "%%", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Why <paramref name="path"/> cannot be given to ssh as a key or known-hosts file, or null when it can: ssh reads
    /// ${NAME} in such a name as an environment variable and has no way to escape it. The one rule for the configuration
    /// (check) and for the names the keys commands make or are given.
    /// </summary>
    public static string? UnpassableFileName(string path) =>
        path.Contains("${", StringComparison.Ordinal) ? $"\"{path}\" contains \"${{\", which ssh would replace with an environment variable" : null;

    private static void AddOption(List<string> args, string key, string value)
    {
        args.Add("-o");
        args.Add(key + "=" + value);
    }

    /// <summary>
    /// Renders argv for rsync's -e option. rsync splits that string itself (no shell is involved):
    /// on spaces, with single or double quotes grouping, and a doubled quote inside quotes standing
    /// for one literal quote. Every word is single-quoted so no character can split or escape it.
    /// </summary>
    public static string ForRsyncRemoteShell(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => "'" + a.Replace("'", "''", StringComparison.Ordinal) + "'"));

    /// <summary>host:path for rsync, with IPv6 literals bracketed.</summary>
    public static string RemoteSpec(HostConfig host, string path) =>
        (host.Address.Contains(':', StringComparison.Ordinal) ? "[" + host.Address + "]" : host.Address) + ":" + path;
}
