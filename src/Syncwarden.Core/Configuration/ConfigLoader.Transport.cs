using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] TlsKeys = ["port", "psk-file", "listen", "cert", "key", "ca"];
    private static readonly (string, Transport)[] Transports = [("ssh", Transport.Ssh), ("rsync-tls", Transport.RsyncTls)];
    private const string TlsExample = "tls: { port: 874, psk-file: /etc/syncwarden/backup1.psk }";

    /// <summary>transport: ssh | rsync-tls, and for rsync-tls its tls: section (a psk-file is required).</summary>
    private static HostConfig BindTransport(MappingView map, HostConfig host, ConfigReader reader)
    {
        if (map.Get("transport") is { } transportNode && reader.Choice(transportNode, map.PathOf("transport"), Transports) is { } transport)
        {
            host = host with { Transport = transport };
        }
        var tlsNode = map.Get("tls");
        if (host.Transport != Transport.RsyncTls)
        {
            if (tlsNode is not null && map.Get("transport") is null)
            {
                reader.Error(tlsNode, map.PathOf("tls"), "tls: only applies to a host with transport: rsync-tls", "add transport: rsync-tls, or remove tls:");
            }
            return host;
        }
        if (tlsNode is null)
        {
            reader.Error(map.Get("transport")!, map.PathOf("transport"), "transport: rsync-tls needs a tls: section with the pre-shared key", TlsExample);
            return host;
        }
        if (reader.Map(tlsNode, map.PathOf("tls"), TlsKeys, TlsExample) is not { } tls)
        {
            return host;
        }
        foreach (var key in new[] { "cert", "key", "ca" })
        {
            if (tls.Get(key) is { } certNode)
            {
                reader.Error(certNode, tls.PathOf(key), "certificates are not supported yet for rsync-tls; use a pre-shared key",
                    "psk-file: /etc/syncwarden/backup1.psk (generate it with: syncwarden keys psk /etc/syncwarden/backup1.psk)");
            }
        }
        string? pskFile = null;
        if (tls.Require("psk-file", "psk-file: /etc/syncwarden/backup1.psk") is { } pskNode)
        {
            pskFile = reader.LocalPath(pskNode, tls.PathOf("psk-file"), "psk-file: /etc/syncwarden/backup1.psk", "/etc/syncwarden/backup1.psk");
        }
        var settings = new TlsSettings { PskFile = pskFile ?? "" };
        if (tls.Get("port") is { } port && reader.Integer(port, tls.PathOf("port"), 1, 65535, "a TCP port number", "port: 874") is { } p)
        {
            settings = settings with { Port = (int)p };
        }
        if (tls.Get("listen") is { } listen && reader.Text(listen, tls.PathOf("listen"), "listen: 0.0.0.0") is { } l)
        {
            settings = settings with { Listen = l };
        }
        return host with { Tls = settings };
    }

    /// <summary>
    /// Every hosts.*.tls.psk-file must exist, be readable by its owner only and hold one identity:key line (only when
    /// the configuration is loaded from its file: the same check as for a file holding passwords).
    /// </summary>
    private static void CheckPskFiles(YamlNode root, ConfigReader reader)
    {
        if (OperatingSystem.IsWindows() || root is not YamlMappingNode top
            || !top.Children.TryGetValue(new YamlScalarNode("hosts"), out var hostsNode) || hostsNode is not YamlMappingNode hosts)
        {
            return;
        }
        foreach (var (key, value) in hosts.Children)
        {
            if (value is YamlMappingNode host && host.Children.TryGetValue(new YamlScalarNode("tls"), out var tls) && tls is YamlMappingNode tlsMap
                && tlsMap.Children.TryGetValue(new YamlScalarNode("psk-file"), out var pskNode)
                && pskNode is YamlScalarNode { Value: { Length: > 0 } path } && path.StartsWith('/')
                && Tls.PskFile.Problem(path) is { } problem)
            {
                reader.Error(pskNode, $"hosts.{(key as YamlScalarNode)?.Value}.tls.psk-file", problem);
            }
        }
    }

    /// <summary>
    /// rsync-tls reaches the host's rsync daemon only, never a shell: what needs one there (ShellFeatures: remote hooks,
    /// snapshots at the destination, a source snapshot on the remote host, verify, a lock on that host) is refused, at
    /// its key. A lock on another host, reached over ssh, is not the rsync-tls host's business.
    /// </summary>
    private static void CheckJobTransport(MappingView map, JobConfig job, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader)
    {
        foreach (var host in hosts.Values.Where(h => h.Transport == Transport.RsyncTls).OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            foreach (var feature in ShellFeatures.On(job, host.Name, withVerify: true))
            {
                if (map.Get(feature.Key) is { } node)
                {
                    reader.Error(node, map.PathOf(feature.Key),
                        $"{feature.What}, but host '{host.Name}' has transport: rsync-tls (rsync's daemon only, no shell)",
                        $"use transport: ssh for host '{host.Name}', or remove {feature.Key}: from job '{job.Name}'");
                }
            }
        }
        if (job.HostConfig is not { Transport: Transport.RsyncTls } || job.Direction == Direction.Local)
        {
            return;
        }
        if (job.Direction == Direction.Pull && map.Get("syncs") is { } syncsNode)
        {
            foreach (var sync in job.Syncs.Where(s => !s.Source.EndsWith('/')))
            {
                reader.Error(syncsNode, map.PathOf("syncs"),
                    $"over rsync-tls the source {sync.Source} is served as a module of its own, so it must end with '/' (its contents are copied)",
                    $"write source: {sync.Source}/ and name the destination folder itself, e.g. destination: {sync.Destination.TrimEnd('/')}/{Path.GetFileName(sync.Source)}");
            }
        }
    }
}
