using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] HostKeys =
        ["address", "user", "port", "identity", "known-hosts", "host-key-checking", "connect-timeout", "ssh-options", "rsync-path", "transport", "tls"];

    private static readonly (string, HostKeyChecking)[] HostKeyCheckingValues =
        [("yes", HostKeyChecking.Yes), ("accept-new", HostKeyChecking.AcceptNew), ("no", HostKeyChecking.No)];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*=.+$")]
    private static partial Regex SshOptionPattern();

    private static Dictionary<string, HostConfig> BindHosts(YamlNode node, ConfigReader reader)
    {
        var hosts = new Dictionary<string, HostConfig>(StringComparer.Ordinal);
        if (reader.Map(node, "hosts", [], "hosts: { backup1: { address: backup1.example.net } }") is not { } map)
        {
            return hosts;
        }
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value!;
            var path = map.PathOf(name);
            CheckName(key, name, path, "host", reader);
            // A broken host is still recorded so jobs naming it do not get a second, misleading error.
            hosts[name] = BindHost(name, value, path, reader) ?? new HostConfig { Name = name, Address = "" };
        }
        foreach (var (name, _, value) in map.Duplicates)
        {
            _ = BindHost(name, value, map.PathOf(name), reader);
        }
        return hosts;
    }

    private static void CheckName(YamlScalarNode key, string name, string path, string what, ConfigReader reader)
    {
        if (!NamePattern().IsMatch(name))
        {
            reader.Error(key, path, $"invalid {what} name '{name}': use letters, digits, '_', '.' and '-', starting with a letter or digit",
                $"e.g. {(what == "host" ? "backup1" : "nightly-home")}");
        }
    }

    private static HostConfig? BindHost(string name, YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Map(node, path, HostKeys, $"{name}: {{ address: {name}.example.net }}") is not { } map)
        {
            return null;
        }

        string? address = null;
        if (map.Require("address", "address: <hostname or IP>") is { } addressNode)
        {
            address = reader.Text(addressNode, map.PathOf("address"), "address: backup1.example.net");
        }
        var host = new HostConfig { Name = name, Address = address ?? "" };

        if (map.Get("user") is { } user && reader.Text(user, map.PathOf("user"), "user: backup") is { } u)
        {
            host = host with { User = u };
        }
        if (map.Get("port") is { } port && reader.Integer(port, map.PathOf("port"), 1, 65535, "a TCP port number", "port: 22") is { } p)
        {
            host = host with { Port = (int)p };
        }
        if (map.Get("identity") is { } identity && reader.LocalPath(identity, map.PathOf("identity"), "identity: /root/.ssh/id_ed25519", "/etc/syncwarden/id_ed25519") is { } i
            && IsSshFileName(i, identity, map.PathOf("identity"), reader))
        {
            host = host with { Identity = i };
        }
        if (map.Get("known-hosts") is { } knownHosts
            && reader.LocalPath(knownHosts, map.PathOf("known-hosts"), "known-hosts: /etc/syncwarden/known_hosts", "/etc/syncwarden/known_hosts") is { } k
            && IsSshFileName(k, knownHosts, map.PathOf("known-hosts"), reader))
        {
            host = host with { KnownHosts = k };
        }
        if (map.Get("host-key-checking") is { } checking
            && reader.Choice(checking, map.PathOf("host-key-checking"), HostKeyCheckingValues) is { } c)
        {
            host = host with { HostKeyChecking = c };
        }
        if (map.Get("connect-timeout") is { } timeout
            && reader.Duration(timeout, map.PathOf("connect-timeout"), allowZero: false, "connect-timeout: 15s") is { } t)
        {
            host = host with { ConnectTimeout = t };
        }
        if (map.Get("ssh-options") is { } sshOptions && BindSshOptions(sshOptions, map.PathOf("ssh-options"), reader) is { } o)
        {
            host = host with { SshOptions = o };
        }
        if (map.Get("rsync-path") is { } rsync && reader.Text(rsync, map.PathOf("rsync-path"), "rsync-path: /usr/local/bin/rsync") is { } r)
        {
            host = host with { RsyncPath = r };
        }
        return BindTransport(map, host, reader);
    }

    private static List<string>? BindSshOptions(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.TextList(node, path, "ssh-options: [ServerAliveInterval=30]") is not { } items)
        {
            return null;
        }
        var options = new List<string>(items.Count);
        foreach (var (value, item, itemPath) in items)
        {
            if (SshOptionPattern().IsMatch(value))
            {
                options.Add(value);
                continue;
            }
            reader.Error(item, itemPath, $"ssh option \"{value}\" is not in Key=Value form",
                "write it the way ssh -o takes it, e.g. ServerAliveInterval=30");
        }
        return options;
    }

    /// <summary>
    /// A key or known-hosts file name ssh can be given (<see cref="Ssh.SshCommand.UnpassableFileName"/>; spaces, quotes
    /// and % are escaped by <see cref="Ssh.SshCommand.FileOptionValue"/>).
    /// </summary>
    private static bool IsSshFileName(string value, YamlNode node, string path, ConfigReader reader)
    {
        if (Ssh.SshCommand.UnpassableFileName(value) is not { } problem)
        {
            return true;
        }
        reader.Error(node, path, problem, "rename the file or folder, or point to it through a symlink whose path has no \"${\"");
        return false;
    }
}
