using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Configuration;

namespace Syncwarden.Ssh;

/// <summary>What <c>keys install</c> put on a host, as far as this machine knows (STATE/keys/HOST/installed.json).</summary>
public sealed record InstalledKey(
    string Host, string Address, int Port, string? User, string From, string Root, bool ReadOnly, string Rrsync,
    string AuthorizedKeys, string KeyFingerprint, string HostKeyFingerprint, DateTimeOffset InstalledAt);

[JsonSerializable(typeof(InstalledKey))]
internal sealed partial class KeysJson : JsonSerializerContext
{
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static KeysJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}

/// <summary>
/// Syncwarden's own ssh key per host (<c>keys init</c>) and the host keys it pinned (<c>keys install</c>), in the state
/// directory: STATE/keys/HOST/id_ed25519 (+ .pub, + installed.json once installed) and STATE/known_hosts. Once a key is
/// installed, a host without <c>identity:</c> uses it, and a host without <c>known-hosts:</c> the pinned file.
/// </summary>
public static class ManagedKeys
{
    public static string Folder(string stateDir) => Path.Combine(stateDir, "keys");

    public static string KeyFolder(string stateDir, string host) => Path.Combine(Folder(stateDir), host);

    public static string PrivateKey(string stateDir, string host) => Path.Combine(KeyFolder(stateDir, host), "id_ed25519");

    public static string PublicKey(string stateDir, string host) => PrivateKey(stateDir, host) + ".pub";

    public static string InstalledMarker(string stateDir, string host) => Path.Combine(KeyFolder(stateDir, host), "installed.json");

    /// <summary>Syncwarden's own known_hosts file: one entry per pinned host key, written only by <c>keys install</c>.</summary>
    public static string PinnedKnownHosts(string stateDir) => Path.Combine(stateDir, "known_hosts");

    /// <summary>
    /// The comment of our key and of its authorized_keys line, which is how <c>keys install</c> finds its own line
    /// again: the host's name and this machine's, so two machines that name a host alike keep their own lines.
    /// </summary>
    public static string Comment(string host) => $"syncwarden:{host}@{Sanitize(Environment.MachineName)}";

    public static InstalledKey? ReadInstalled(string stateDir, string host)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(InstalledMarker(stateDir, host)), KeysJson.Readable.InstalledKey);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void WriteInstalled(string stateDir, InstalledKey key)
    {
        var path = InstalledMarker(stateDir, key.Host);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(key, KeysJson.Readable.InstalledKey));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True when the host's key exists and was installed: then jobs use it.</summary>
    public static bool InUse(string stateDir, string host) =>
        File.Exists(PrivateKey(stateDir, host)) && File.Exists(InstalledMarker(stateDir, host));

    /// <summary>
    /// The configuration with every host whose managed key is installed using it (unless the host names its own
    /// <c>identity:</c>) and the pinned known_hosts (unless it names its own <c>known-hosts:</c>); jobs see the same hosts.
    /// </summary>
    public static SyncwardenConfig Apply(SyncwardenConfig config)
    {
        var hosts = new Dictionary<string, HostConfig>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (name, host) in config.Hosts)
        {
            var resolved = host;
            if (host.Identity is null && !host.UsesTls && host.Address.Length > 0 && InUse(config.StateDir, name))
            {
                resolved = resolved with { Identity = PrivateKey(config.StateDir, name), ManagedKey = true, RrsyncRoot = ReadInstalled(config.StateDir, name)?.Root };
                if (host.KnownHosts is null)
                {
                    resolved = resolved with { KnownHosts = PinnedKnownHosts(config.StateDir), PinnedHostKey = true };
                }
            }
            changed |= !ReferenceEquals(resolved, host);
            hosts[name] = resolved;
        }
        if (!changed)
        {
            return config;
        }
        var jobs = config.Jobs.Select(j => j.Host is { } h && hosts.TryGetValue(h, out var host) ? j with { HostConfig = host } : j).ToList();
        return config with { Hosts = hosts, Jobs = jobs };
    }

    /// <summary>Keeps a name to what a key comment may hold (one word).</summary>
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        return text.Length == 0 ? "localhost" : text.ToString();
    }
}
