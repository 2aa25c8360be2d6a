namespace Syncwarden.Configuration;

/// <summary>How rsync reaches a host: its remote shell over ssh, or its daemon protocol inside TLS (stunnel).</summary>
public enum Transport { Ssh, RsyncTls }

/// <summary>A host's <c>tls:</c> section, for <c>transport: rsync-tls</c>: where the receiver's stunnel listens and the shared key.</summary>
public sealed record TlsSettings
{
    /// <summary>rsync's own port for rsync over TLS (rsync-ssl's default).</summary>
    public const int DefaultPort = 874;

    /// <summary>The TLS port: the sender connects to the host's address on it, <c>syncwarden serve</c> accepts on it.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The pre-shared key, one line <c>identity:key</c> (stunnel's PSKsecrets format), mode 0600.</summary>
    public required string PskFile { get; init; }

    /// <summary>The address <c>syncwarden serve</c> accepts on; all IPv4 addresses by default.</summary>
    public string Listen { get; init; } = "0.0.0.0";
}

public sealed partial record HostConfig
{
    public Transport Transport { get; init; } = Transport.Ssh;

    /// <summary>Set when <see cref="Transport"/> is <see cref="Transport.RsyncTls"/>.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>True when rsync reaches this host through its daemon over TLS: there is no remote shell.</summary>
    public bool UsesTls => Transport == Transport.RsyncTls && Tls is not null;
}
