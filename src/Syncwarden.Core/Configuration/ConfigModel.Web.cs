using System.Net;

namespace Syncwarden.Configuration;

/// <summary>
/// The daemon's web dashboard, JSON API and metrics (<c>web:</c>). Off unless configured. Reading is open on
/// loopback; anything that changes state needs the bearer token in <see cref="TokenFile"/>.
/// </summary>
public sealed record WebSettings
{
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 9090);

    public IPEndPoint Listen { get; init; } = DefaultListen;
    /// <summary>File holding the bearer token (one line); null: no state-changing endpoint can be used.</summary>
    public string? TokenFile { get; init; }

    public bool IsLoopback => IPAddress.IsLoopback(Listen.Address);
}
