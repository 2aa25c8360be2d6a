using System.Globalization;
using Syncwarden.Configuration;

namespace Syncwarden.Ssh;

/// <summary>
/// What to do about a host key ssh refused, with the exact commands for this host: its address and port
/// (ssh-keyscan takes <c>-p PORT ADDRESS</c>; known_hosts and ssh-keygen -R name a non-default port as
/// <c>[ADDRESS]:PORT</c>) and the known_hosts file ssh used. The commands are text for the admin to copy,
/// never run: each word is quoted for a POSIX shell where it needs it.
/// </summary>
public static class HostKeyHint
{
    /// <summary>No entry for the host: check the fingerprint, then add the key.</summary>
    public static string Unknown(HostConfig host) =>
        $"the server's host key is unknown: {KnownHostsFile(host)} has no entry for {KnownHostsName(host)}. "
        + $"Compare its fingerprint ({Keyscan(host)} | ssh-keygen -lf -) with the server's, then add it: {Keyscan(host)} >> {Word(KnownHostsFile(host))}";

    /// <summary>The entry does not match: a reinstalled server, or someone in between.</summary>
    public static string Changed(HostConfig host) =>
        $"the server's host key does not match the entry for {KnownHostsName(host)} in {KnownHostsFile(host)} (a reinstalled server, or someone in between). "
        + $"If the change is expected, compare the new fingerprint ({Keyscan(host)} | ssh-keygen -lf -) with the server's, then replace the entry: "
        + $"ssh-keygen -R {Word(KnownHostsName(host))} -f {Word(KnownHostsFile(host))} && {Keyscan(host)} >> {Word(KnownHostsFile(host))}";

    /// <summary>The file ssh checks: the host's known-hosts, else ~/.ssh/known_hosts of the user running syncwarden.</summary>
    public static string KnownHostsFile(HostConfig host) =>
        host.KnownHosts is { Length: > 0 } file ? file : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

    /// <summary>The host as known_hosts names it: the address, or <c>[address]:port</c> for a port other than 22.</summary>
    public static string KnownHostsName(HostConfig host) =>
        host.Port == 22 ? host.Address : $"[{host.Address}]:{host.Port.ToString(CultureInfo.InvariantCulture)}";

    private static string Keyscan(HostConfig host) =>
        $"ssh-keyscan -p {host.Port.ToString(CultureInfo.InvariantCulture)} {Word(host.Address)}";

    /// <summary>A word as typed into a shell: as it is when nothing in it is special, else single-quoted; a leading ~/ stays unquoted (ssh expands it too).</summary>
    private static string Word(string word) =>
        word.StartsWith("~/", StringComparison.Ordinal) ? "~/" + Word(word[2..])
        : word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "@%_+=:,./-".Contains(c, StringComparison.Ordinal)) ? word
        : RemoteCommandLine.Quote(word);
}
